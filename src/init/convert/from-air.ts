import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { GowatchError } from '../../errors.js';
import { append, newConversion, note, setPatterns, shellHook, shown, type Conversion, type NoteKind } from './conversion.js';
import { convertBuildCommand, convertRunCommand } from './go-command.js';
import { regexToGlobs } from './regex-to-glob.js';

type Table = Readonly<Record<string, unknown>>;

export type AirConversion = Conversion & {
  /** air's root, resolved: where buddy.watch.json belongs, since air's paths are relative to it. */
  readonly root: string;
};

/** Keys with nothing to convert, and why: gowatch builds outside the tree, by content, into its own cache. */
const UNCONVERTED: Readonly<Record<string, readonly [NoteKind, string]>> = {
  tmp_dir: ['not-needed', 'gowatch builds into its own cache, outside the tree'],
  testdata_dir: ['not-needed', 'gowatch writes nothing into the tree'],
  'build.log': ['not-needed', 'gowatch writes no build log into the tree; its output is the terminal (--json for a machine)'],
  'build.exclude_unchanged': ['not-needed', 'always so: gowatch hashes contents, and a save that changes nothing builds nothing'],
  'build.follow_symlink': ['not-needed', 'gowatch follows what the build reads, links included'],
  'build.ignore_dangerous_root_dir': ['not-needed', 'gowatch watches only the directories the build and the patterns need'],
  'log.time': ['no-equivalent', 'gowatch has no such setting; --json events carry their time'],
  'log.main_only': ['no-equivalent', 'gowatch has no such setting'],
  'log.silent': ['no-equivalent', 'gowatch has no such setting'],
  'misc.clean_on_exit': ['not-needed', 'gowatch leaves nothing in the tree to clean'],
  'misc.startup_banner': ['not-needed', 'gowatch prints no banner'],
  'screen.clear_on_rebuild': ['no-equivalent', 'gowatch has no setting to clear the screen yet'],
  'screen.keep_scroll': ['not-needed', 'gowatch does not clear the screen'],
};

const isTable = (value: unknown): value is Table => typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item.trim() !== '').map((item) => item.trim()) : []);

/** A relative path as patterns write it: no "./", no trailing "/". */
const relative = (value: string): string => path.posix.normalize(value.replaceAll('\\', '/')).replace(/\/+$/, '').replace(/^\.\//, '');

/** Go's time.Duration written in TOML: an integer in nanoseconds, which air reads as milliseconds below one, or a string such as "500ms". */
const durationMs = (value: unknown): number | undefined => {
  if (typeof value === 'number' || typeof value === 'bigint') {
    const n = Number(value);
    return n < 1e6 ? n : Math.round(n / 1e6);
  }
  if (typeof value !== 'string') return undefined;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== value) return undefined;
  return Math.round(parts.reduce((sum, part) => sum + Number(part[1]) * units[part[2]!]!, 0));
};

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(value)));

/** One line naming the file and the position smol-toml reports, with its reason. */
const parseToml = (file: string, text: string): Table => {
  try {
    return parse(text) as Table;
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
      throw new GowatchError('config', `${file}:${error.line}:${error.column}: not valid TOML: ${reason}`);
    }
    throw error;
  }
};

/** include_ext, include_dir, include_file, exclude_* → go.watch.patterns. */
const convertPatterns = (conversion: Conversion, build: Table): void => {
  const exts = strings(build['include_ext']);
  const dirs = strings(build['include_dir']).map(relative);
  const files = (exts.length === 0 ? ['go'] : exts).map((ext) => (ext === '*' ? '*' : `*.${ext.replace(/^\./, '')}`));
  const byExt = dirs.length === 0 ? files.map((file) => `**/${file}`) : dirs.flatMap((dir) => files.map((file) => `${dir}/**/${file}`));
  const includeFiles = strings(build['include_file']).map(relative);
  if (exts.length > 0) note(conversion, 'build.include_ext', 'mapped', `${shown(exts)} → go.watch.patterns ${shown(byExt)} (and the module files go.mod, go.sum, go.work, go.work.sum)`);
  if (dirs.length > 0) note(conversion, 'build.include_dir', 'mapped', `${shown(dirs)} → patterns under ${dirs.join(', ')} only`);
  if (includeFiles.length > 0) note(conversion, 'build.include_file', 'mapped', `→ go.watch.patterns ${shown(includeFiles)}`);
  const excludes = [...strings(build['exclude_dir']).map((dir) => `${relative(dir)}/**`), ...strings(build['exclude_file']).map(relative)];
  if (strings(build['exclude_dir']).length > 0) note(conversion, 'build.exclude_dir', 'mapped', `→ ${strings(build['exclude_dir']).map((dir) => `!${relative(dir)}/**`).join(', ')}`);
  if (strings(build['exclude_file']).length > 0) note(conversion, 'build.exclude_file', 'mapped', `→ ${strings(build['exclude_file']).map((file) => `!${relative(file)}`).join(', ')}`);
  for (const regex of strings(build['exclude_regex'])) {
    const globs = regexToGlobs(regex, false);
    if (globs === undefined) {
      note(conversion, 'build.exclude_regex', 'no-equivalent', `${shown(regex)} is no glob: add the "!" patterns it means to go.watch.patterns yourself`);
    } else {
      excludes.push(...globs);
      note(conversion, 'build.exclude_regex', 'mapped', `${shown(regex)} → ${globs.map((glob) => `!${glob}`).join(', ')}`);
    }
  }
  // Air never walks hidden directories: .git is left out by setPatterns.
  setPatterns(conversion, 'build.exclude_regex', [...byExt, ...includeFiles], excludes);
};

const convertRun = (conversion: Conversion, build: Table, output: string | undefined): void => {
  const bin = typeof build['bin'] === 'string' ? build['bin'] : undefined;
  const binaries = [output, bin].filter((name): name is string => name !== undefined && name !== '');
  const entrypoint = strings(build['entrypoint']);
  if (bin !== undefined) note(conversion, 'build.bin', 'not-needed', 'gowatch runs the binary it builds, from its own cache');
  if (typeof build['full_bin'] === 'string' && build['full_bin'].trim() !== '') {
    convertRunCommand(conversion, 'build.full_bin', build['full_bin'], binaries.length > 0 ? binaries : 'unknown');
  } else if (entrypoint.length > 0) {
    append(conversion, 'go.run.args', entrypoint.slice(1));
    note(conversion, 'build.entrypoint', entrypoint.length > 1 ? 'mapped' : 'not-needed', entrypoint.length > 1 ? `→ go.run.args ${shown(entrypoint.slice(1))}` : 'gowatch runs the binary it builds');
  }
  if (entrypoint.length > 0 && typeof build['full_bin'] === 'string') note(conversion, 'build.entrypoint', 'not-needed', 'full_bin says how air runs it');
  const args = strings(build['args_bin']);
  append(conversion, 'go.run.args', args);
  if (args.length > 0) note(conversion, 'build.args_bin', 'mapped', `→ go.run.args ${shown(args)}`);
};

const convertStop = (conversion: Conversion, build: Table): void => {
  const interrupt = build['send_interrupt'] === true;
  const killDelay = durationMs(build['kill_delay']);
  if (interrupt) {
    conversion.settings['go.run.stopSignal'] = 'SIGINT';
    if (killDelay !== undefined) conversion.settings['go.run.stopTimeout'] = clamp(killDelay, 0, 3_600_000);
    note(conversion, 'build.send_interrupt', 'mapped', `→ go.run.stopSignal "SIGINT"${killDelay === undefined ? '' : `, kill_delay → go.run.stopTimeout ${clamp(killDelay, 0, 3_600_000)} (ms)`}`);
  } else if ('send_interrupt' in build || 'kill_delay' in build) {
    note(conversion, 'build.send_interrupt', 'differs', 'air kills the program at once; gowatch sends SIGTERM and waits go.run.stopTimeout (5000 ms) before SIGKILL, so kill_delay is not used');
  }
};

/** [build]'s keys, each one mapped or said. */
const convertBuild = (conversion: Conversion, build: Table): void => {
  // Air runs pre_cmd before cmd: their hooks come first.
  append(conversion, 'go.build.pre', strings(build['pre_cmd']).map(shellHook));
  if (strings(build['pre_cmd']).length > 0) note(conversion, 'build.pre_cmd', 'mapped', '→ go.build.pre hooks (sh -c each)');
  const { output } = typeof build['cmd'] === 'string' && build['cmd'].trim() !== '' ? convertBuildCommand(conversion, 'build.cmd', build['cmd']) : { output: undefined };
  convertRun(conversion, build, output);
  convertPatterns(conversion, build);
  convertStop(conversion, build);
  if (strings(build['post_cmd']).length > 0) {
    note(conversion, 'build.post_cmd', 'no-equivalent', "air runs it when air exits; gowatch has no hook at exit (go.build.post runs after each build), so it is left out");
  }
  if (typeof build['delay'] === 'number') {
    const delay = clamp(build['delay'], 0, 60_000);
    conversion.settings['go.watch.delay'] = delay;
    note(conversion, 'build.delay', 'mapped', `→ go.watch.delay ${delay} (ms; gowatch starts a build at the first change and gathers the rest for this long)`);
  }
  if (build['poll'] === true) {
    conversion.settings['go.watch.poll'] = true;
    note(conversion, 'build.poll', 'mapped', '→ go.watch.poll true');
  } else if ('poll' in build) {
    note(conversion, 'build.poll', 'not-needed', 'gowatch\'s default "auto" polls only where native events cannot be trusted');
  }
  if (typeof build['poll_interval'] === 'number' && build['poll_interval'] > 0) {
    // Air polls no faster than every 500 ms whatever is written.
    const interval = clamp(Math.max(build['poll_interval'], 500), 10, 60_000);
    conversion.settings['go.watch.pollInterval'] = interval;
    note(conversion, 'build.poll_interval', 'mapped', `→ go.watch.pollInterval ${interval}`);
  }
  if (build['rerun'] === true) {
    conversion.settings['go.run.restart'] = 'always';
    note(conversion, 'build.rerun', 'mapped', '→ go.run.restart "always" (with back-off from 500 ms; rerun_delay is not used)');
  } else if ('rerun' in build) {
    note(conversion, 'build.rerun', 'not-needed', 'gowatch\'s default go.run.restart "on-change" waits for the next change');
  }
  if (build['stop_on_error'] !== undefined) {
    note(conversion, 'build.stop_on_error', 'differs', 'gowatch keeps the previous program running when a build fails');
  }
  if ('rerun_delay' in build && build['rerun'] !== true) note(conversion, 'build.rerun_delay', 'not-needed', 'only with rerun');
  if (Array.isArray(build['rules']) && build['rules'].length > 0) {
    note(conversion, 'build.rules', 'no-equivalent', 'gowatch runs no command per file; a go.build.pre hook runs before each build');
  }
  for (const os of ['windows', 'darwin', 'linux']) {
    if (isTable(build[os])) note(conversion, `build.${os}`, 'no-equivalent', 'gowatch takes the same config on every system, and names the binary itself');
  }
};

/** What air uses for a [build] key the file leaves out (its defaultConfig), where it shapes the conversion. */
const AIR_BUILD_DEFAULTS: Table = {
  cmd: 'go build -o ./tmp/main .',
  include_ext: ['go', 'tpl', 'tmpl', 'html'],
  exclude_dir: ['assets', 'tmp', 'vendor', 'testdata'],
  exclude_regex: ['_test.go'],
  delay: 1000,
};

const HANDLED_BUILD = new Set([
  'cmd', 'bin', 'entrypoint', 'full_bin', 'args_bin', 'include_ext', 'include_dir', 'include_file', 'exclude_dir', 'exclude_file', 'exclude_regex',
  'send_interrupt', 'kill_delay', 'pre_cmd', 'post_cmd', 'delay', 'poll', 'poll_interval', 'rerun', 'rerun_delay', 'stop_on_error', 'rules', 'windows', 'darwin', 'linux',
]);

/** Every key air reads, and any other, said once: what no code above converts has a line of its own. */
const sayTheRest = (conversion: Conversion, air: Table): void => {
  const said = new Set(conversion.notes.map((item) => item.source));
  for (const [section, value] of Object.entries(air)) {
    if (['root', 'env_files', 'proxy', 'color'].includes(section)) continue;
    const keys = isTable(value) ? Object.keys(value).map((key) => `${section}.${key}`) : [section];
    for (const key of keys) {
      if (said.has(key) || (section === 'build' && HANDLED_BUILD.has(key.slice('build.'.length)))) continue;
      const [kind, why] = UNCONVERTED[key] ?? ['no-equivalent', 'not a key gowatch knows of air; left out'];
      note(conversion, key, kind, why);
    }
  }
};

/**
 * buddy.watch.json's settings for an .air.toml, with a note for every key: what it became, or
 * why nothing. Throws a one-line GowatchError for a file that cannot be read or is not TOML.
 */
export const convertAirFile = (file: string, shownName: string = file): AirConversion => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new GowatchError('usage', `cannot read ${shownName}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const air = parseToml(shownName, text);
  const conversion = newConversion();
  const root = typeof air['root'] === 'string' && air['root'] !== '' ? air['root'] : '.';
  note(conversion, 'root', 'mapped', `${shown(root)} → the project root: buddy.watch.json is written there, as air's paths are relative to it`);
  const written = isTable(air['build']) ? air['build'] : {};
  convertBuild(conversion, { ...AIR_BUILD_DEFAULTS, ...written });
  const defaulted = new Set(Object.keys(AIR_BUILD_DEFAULTS).filter((key) => !(key in written)).map((key) => `build.${key}`));
  conversion.notes.forEach((item, index) => {
    if (defaulted.has(item.source)) conversion.notes[index] = { ...item, source: `${item.source} (air's default)` };
  });
  const envFiles = strings(air['env_files']);
  if (envFiles.length > 0) {
    conversion.settings['go.run.envFile'] = envFiles;
    note(conversion, 'env_files', 'mapped', `→ go.run.envFile ${shown(envFiles)} (a missing file is a warning)`);
  }
  if (isTable(air['proxy'])) {
    note(conversion, 'proxy', 'no-equivalent', air['proxy']['enabled'] === true ? `gowatch has no browser proxy yet: open the program's own port${typeof air['proxy']['app_port'] === 'number' ? ` (${air['proxy']['app_port']})` : ''} and reload by hand` : 'off in this file; gowatch has no browser proxy');
  }
  if (isTable(air['color'])) note(conversion, 'color', 'not-needed', 'gowatch colours its own lines (NO_COLOR turns that off) and passes the program\'s output as it is');
  sayTheRest(conversion, air);
  return { ...conversion, root: path.resolve(path.dirname(file), root) };
};
