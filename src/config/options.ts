import { statSync } from 'node:fs';
import path from 'node:path';
import { GowatchError, isGowatchError } from '../errors.js';
import { isGoDirectoryPath, isWithin } from '../paths.js';
import type { TargetSpec } from '../go/target-state.js';
import { debugSettingsOf, type DebugSettings } from '../debug/settings.js';
import type { HookCommands } from '../hooks/hook-keys.js';
import { profileSettings, remoteProfileProblem, type ProfileSettings } from '../profile/settings.js';
import { restartPolicy, type RestartPolicy } from '../supervise/restart-policy.js';
import { pollEnvProblem, type PollSetting } from '../watch/choose-backend.js';
import { flagFilesProblem } from './build-flags.js';
import { flagValue } from './flag-value.js';
import { loadConfig, type LoadedConfig } from './load.js';
import { didYouMean } from './did-you-mean.js';
import { looksLikePackage, packageArgument } from './package-arg.js';
import { oneLine, quote, shownPath } from '../text/quote.js';
import { memoryBytes, type Config, type ConfigKey } from './schema.js';

/** Flags of `gowatch run`, as parsed (strings where the CLI parser gives strings). */
export type RunFlags = {
  readonly cwd?: string;
  readonly config?: string;
  /** Positional arguments: target names of buddy.watch.json's "targets", or one package. */
  readonly names?: readonly string[];
  readonly delay?: string;
  readonly poll?: boolean;
  readonly pollInterval?: string;
  readonly buildFlag?: readonly string[];
  readonly stopSignal?: string;
  readonly stopTimeout?: string;
  readonly json?: boolean;
  readonly force?: boolean;
  readonly programArgs?: readonly string[];
  /** --debug: run the programs under Delve; --debug=ADDR (given here as debugListen) at that address. */
  readonly debug?: boolean;
  readonly debugListen?: string;
};

/** One program gowatch builds and runs: its own closure, key, binary cache and supervisor. */
export type TargetOptions = {
  /** How events and output name it: the target's name in "targets", else the package (a directory as `./dir`). */
  readonly name: string;
  /** What chose it, for messages: the PACKAGE argument, or the config file and key. */
  readonly source: string;
  readonly target: TargetSpec;
  /** go.build.dwarf: built with DWARF; otherwise gowatch links without it (src/go/lean-link.ts). */
  readonly dwarf: boolean;
  readonly patterns: readonly string[];
  readonly program: {
    readonly args: readonly string[];
    readonly env: Readonly<Record<string, string>>;
    /** go.run.envFile, absolute, in order: a later file wins. */
    readonly envFiles: readonly string[];
    readonly stdin: Config['go.run.stdin'];
  };
  readonly stop: { readonly signal: NodeJS.Signals; readonly timeoutMs: number };
  readonly restart: RestartPolicy;
  /** go.run.memoryLimit in bytes, or undefined when the watchdog is off. */
  readonly memoryLimitBytes: number | undefined;
  readonly cache: { readonly maxEntries: number; readonly maxBytes: number };
  /** go.build.pre, go.build.post and go.run.preStart, and how long each command may run. */
  readonly hooks: { readonly commands: HookCommands; readonly timeoutMs: number };
  readonly profile: ProfileSettings;
  /** Under `gowatch run --debug`: where its Delve listens. Undefined otherwise. */
  readonly debug: DebugSettings | undefined;
};

export type RunOptions = {
  /** Where gowatch was started (or --cwd): paths in output are relative to it, and programs run there. */
  readonly cwd: string;
  readonly projectRoot: string;
  readonly configFile: string | undefined;
  readonly delayMs: number;
  /** go.watch.gitignore: what the repository's ignore files ignore is neither watched nor a trigger. */
  readonly gitignore: boolean;
  /** go.run.clearScreen: on a terminal, the screen is cleared when a build starts. */
  readonly clearScreen: boolean;
  readonly poll: PollSetting;
  readonly pollIntervalMs: number;
  readonly json: boolean;
  readonly force: boolean;
  /** The environment gowatch runs in: programs get it (plus go.run.env), and it can ask for polling. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** At least one; one watcher serves them all. */
  readonly targets: readonly TargetOptions[];
};

const usage = (message: string) => new GowatchError('usage', message);

/** Characters of a directory a message shows: it comes from user text, which can be long. */
const SHOWN_DIR = 200;

/** directoryProblem's word for nothing there: a package directory go is left to report. */
const MISSING = 'does not exist';

/** Why `dir` cannot be used as a directory (stat fails on overlong or looping paths too), or undefined. */
export const directoryProblem = (dir: string): string | undefined => {
  try {
    const stats = statSync(dir, { throwIfNoEntry: false });
    if (!stats) return MISSING;
    return stats.isDirectory() ? undefined : 'is not a directory';
  } catch (error) {
    return `cannot be used (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
};

/**
 * A relative package is a directory: go runs inside it, so its own go.mod (or go.work)
 * governs, wherever gowatch was started. An import path is resolved from `base`, and so is a
 * directory that does not exist: go then says so, and the main packages there are follow.
 */
export const resolveTarget = (given: string, base: string, buildFlags: readonly string[], source: string): TargetSpec => {
  const pkg = packageArgument(given, base);
  const fromBase = { name: pkg, cwd: base, pkg, buildFlags, from: base };
  if (!isGoDirectoryPath(pkg)) return fromBase;
  const dir = path.resolve(base, pkg);
  const problem = directoryProblem(dir);
  if (problem === MISSING) return fromBase;
  if (problem) throw new GowatchError('config', `${source}: package directory ${shownPath(dir, SHOWN_DIR)} ${problem}`);
  return { ...fromBase, cwd: dir, pkg: '.' };
};

/** go's own words when it cannot load the target at start, on one line, after what chose the target. */
const GO_OUTPUT_SHOWN = 400;

/** A start failure of `go list` blames what chose the target; any other error passes unchanged. */
export const blameTarget = (target: TargetOptions, error: unknown): unknown =>
  isGowatchError(error) && error.kind === 'go-list'
    ? new GowatchError('go-list', `${target.source}: ${oneLine(error.message, GO_OUTPUT_SHOWN)}`, error.exitCode)
    : error;

/**
 * What a caller asks to run. `args`: the positional arguments of `gowatch run` (target names, or
 * one package); `targets`: names of the config's "targets"; `package`: one package, relative to
 * the directory gowatch acts in (`cwd`) or to the project root (`root`, as the config key is).
 * `source` names the option in messages.
 */
export type RunChoice =
  | { readonly kind: 'args'; readonly args: readonly string[] }
  | { readonly kind: 'targets'; readonly names: readonly string[]; readonly source: string }
  | { readonly kind: 'package'; readonly pkg: string; readonly from: 'cwd' | 'root'; readonly source: string };

/** Everything the options are made of, once an edge (the CLI's flags, the library's options) has checked it. */
export type RunRequest = {
  /** Absolute, and an existing directory: the edge checked it and names it in its own words. */
  readonly cwd: string;
  /** A config file (relative to cwd), false for none, undefined for the nearest from cwd upwards. */
  readonly config: string | false | undefined;
  /** How the edge names `config` when that file does not exist. */
  readonly configGivenWith: string;
  /** How the edge names an override in messages (a flag, a watch() option), by key. */
  readonly overrideNames: Partial<Record<ConfigKey, string>>;
  readonly choice: RunChoice;
  /** Checked settings over the file's, for every target (as flags are). */
  readonly overrides: Partial<Config>;
  readonly json: boolean;
  readonly force: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Run the programs under Delve (gowatch run --debug). */
  readonly debug?: boolean;
};

/** What was chosen, resolved against the config: some of its targets, or one package from `base`. */
type Selection =
  | { readonly kind: 'targets'; readonly names: readonly string[] }
  | { readonly kind: 'package'; readonly pkg: string; readonly base: string; readonly source: string };

/** `names`, each a target of the config, without repeats; `prefix` names where they came from. */
const knownTargets = (names: readonly string[], loaded: LoadedConfig, prefix: string): Selection => {
  const known = [...loaded.targets.keys()];
  for (const name of names) {
    if (!loaded.targets.has(name)) {
      throw usage(`${prefix}no target ${quote(name)} in ${loaded.file ? shownPath(loaded.file) : 'buddy.watch.json'}${didYouMean(name, known)}; its targets are ${known.join(', ')}`);
    }
  }
  return { kind: 'targets', names: [...new Set(names)] };
};

/**
 * The targets `gowatch run` runs when none is named: started in (or below) the directory of some
 * targets' package, those (the deepest such directory wins), as `npm run dev -w services/api`
 * expects in a monorepo whose root buddy.watch.json lists every service; anywhere else (the
 * project root, a directory no target builds from), every target.
 */
const targetsHere = (loaded: LoadedConfig, cwd: string): string[] => {
  const here: { name: string; dir: string }[] = [];
  for (const [name, own] of loaded.targets) {
    const pkg = packageArgument(own['go.build.package'], loaded.root);
    const dir = isGoDirectoryPath(pkg) ? path.resolve(loaded.root, pkg) : undefined;
    if (dir !== undefined && dir !== loaded.root && isWithin(cwd, dir)) here.push({ name, dir });
  }
  const deepest = Math.max(0, ...here.map(({ dir }) => dir.length));
  const names = here.filter(({ dir }) => dir.length === deepest).map(({ name }) => name);
  return names.length > 0 ? names : [...loaded.targets.keys()];
};

const select = (choice: RunChoice, loaded: LoadedConfig, cwd: string): Selection => {
  if (choice.kind === 'package') return { kind: 'package', pkg: choice.pkg, base: choice.from === 'cwd' ? cwd : loaded.root, source: choice.source };
  if (choice.kind === 'targets') {
    if (loaded.targets.size === 0) {
      throw usage(`${choice.source}: ${loaded.file ? `${shownPath(loaded.file)} has no "targets"` : 'no buddy.watch.json was read, so there are no "targets"'}`);
    }
    return knownTargets(choice.names, loaded, `${choice.source}: `);
  }
  const { args } = choice;
  const packageArg = (arg: string): Selection => ({
    kind: 'package',
    pkg: flagValue('the PACKAGE argument', 'go.build.package', arg)!,
    base: cwd,
    source: 'the PACKAGE argument',
  });
  if (loaded.targets.size === 0) {
    if (args.length > 1) throw usage(`gowatch run takes one PACKAGE, got ${args.length} (several programs are "targets" in buddy.watch.json)`);
    if (args[0]) return packageArg(args[0]);
    const pkg = loaded.config['go.build.package'];
    return { kind: 'package', pkg, base: loaded.root, source: loaded.file ? `${shownPath(loaded.file)}: "go.build.package"` : `the default package ${quote(pkg)}` };
  }
  if (args.length === 0) return { kind: 'targets', names: targetsHere(loaded, cwd) };
  if (args.length === 1 && !loaded.targets.has(args[0]!) && looksLikePackage(args[0]!, cwd)) return packageArg(args[0]!);
  return knownTargets(args, loaded, '');
};

/** go.run.envFile as paths: one file or several, relative to `root` (the config file's directory, as patterns are). */
const envFilesOf = (setting: Config['go.run.envFile'], root: string): string[] =>
  (typeof setting === 'string' ? [setting] : setting).map((file) => path.resolve(root, file));

const targetOptions = (name: string, source: string, target: TargetSpec, config: Config, root: string): TargetOptions => {
  const memoryLimit = config['go.run.memoryLimit'];
  return {
    name,
    source,
    target: { ...target, name },
    dwarf: config['go.build.dwarf'],
    patterns: config['go.watch.patterns'],
    program: { args: config['go.run.args'], env: config['go.run.env'], envFiles: envFilesOf(config['go.run.envFile'], root), stdin: config['go.run.stdin'] },
    stop: { signal: config['go.run.stopSignal'] as NodeJS.Signals, timeoutMs: config['go.run.stopTimeout'] },
    restart: restartPolicy(config['go.run.restart'], config['go.run.maxRestarts']),
    memoryLimitBytes: memoryLimit === null ? undefined : memoryBytes(memoryLimit),
    cache: { maxEntries: config['go.cache.binaries'], maxBytes: config['go.cache.maxMB'] * 1024 * 1024 },
    hooks: {
      commands: { 'go.build.pre': config['go.build.pre'], 'go.build.post': config['go.build.post'], 'go.run.preStart': config['go.run.preStart'] },
      timeoutMs: config['go.build.hookTimeout'],
    },
    profile: profileSettings(config),
    debug: undefined,
  };
};

/** Overrides over buddy.watch.json over defaults: the one merge behind the CLI and the library. */
export const runOptionsFrom = (request: RunRequest): RunOptions => {
  const { cwd, overrides, env } = request;
  const pollProblem = pollEnvProblem(env);
  if (pollProblem) throw new GowatchError('config', pollProblem);
  const loaded = loadConfig(cwd, request.config, request.configGivenWith);
  const config: Config = { ...loaded.config, ...overrides };
  const selection = select(request.choice, loaded, cwd);
  const fileName = loaded.file ? shownPath(loaded.file) : 'defaults';
  /** A file a build flag names is looked for where go will run; a refusal names where the flags came from. */
  const checkFlagFiles = (spec: TargetSpec, fileKey: string): TargetSpec => {
    const problem = flagFilesProblem(spec.buildFlags, spec.cwd);
    if (!problem) return spec;
    if (overrides['go.build.flags'] !== undefined) throw usage(`${request.overrideNames['go.build.flags'] ?? '"go.build.flags"'}: ${problem}`);
    throw new GowatchError('config', `${fileName}: ${fileKey}: ${problem}`);
  };
  /** A URL go.run.profile may not fetch from; `key` names where it was set. */
  const checkProfileUrl = (own: Config, key: string): void => {
    const problem = remoteProfileProblem(own);
    if (!problem) return;
    if (overrides['go.run.profile'] !== undefined) throw usage(`${request.overrideNames['go.run.profile'] ?? '"go.run.profile"'}: ${problem}`);
    throw new GowatchError('config', `${fileName}: ${key}: ${problem}`);
  };
  const targets =
    selection.kind === 'targets'
      ? selection.names.map((name) => {
          const own: Config = { ...loaded.targets.get(name)!, ...overrides };
          const source = `${fileName}: "targets" item ${name}: "go.build.package"`;
          // A target without flags of its own holds the top level's very array.
          const flagsKey = own['go.build.flags'] === loaded.config['go.build.flags'] ? '"go.build.flags"' : `"targets" item ${name}: "go.build.flags"`;
          const spec = checkFlagFiles(resolveTarget(own['go.build.package'], loaded.root, own['go.build.flags'], source), flagsKey);
          const inherited = (['go.run.profile', 'go.run.profileAllowRemote'] as const).every((key) => own[key] === loaded.config[key]);
          checkProfileUrl(own, inherited ? '"go.run.profile"' : `"targets" item ${name}: "go.run.profile"`);
          return targetOptions(name, source, spec, own, loaded.root);
        })
      : [
          (() => {
            const spec = checkFlagFiles(resolveTarget(selection.pkg, selection.base, config['go.build.flags'], selection.source), '"go.build.flags"');
            checkProfileUrl(config, '"go.run.profile"');
            return targetOptions(spec.name, selection.source, spec, config, loaded.root);
          })(),
        ];
  const debug = debugSettingsOf({
    loaded,
    names: selection.kind === 'targets' ? selection.names : [undefined],
    on: request.debug ?? false,
    overrides,
    overrideName: request.overrideNames['go.debug.listen'],
    refuse: (key, problem) =>
      key === request.overrideNames['go.debug.listen'] ? usage(`${key}: ${problem}`) : new GowatchError('config', `${fileName}: ${key}: ${problem}`),
  });
  return {
    cwd,
    projectRoot: loaded.root,
    configFile: loaded.file,
    delayMs: config['go.watch.delay'],
    gitignore: config['go.watch.gitignore'],
    clearScreen: config['go.run.clearScreen'],
    poll: config['go.watch.poll'],
    pollIntervalMs: config['go.watch.pollInterval'],
    json: request.json,
    force: request.force,
    env,
    targets: targets.map((target, index) => ({ ...target, debug: debug[index] })),
  };
};

/** Settings given, without those left undefined. */
const givenOnly = (settings: Partial<Record<ConfigKey, unknown>>): Partial<Config> =>
  Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as Partial<Config>;

/** Flags over buddy.watch.json over defaults; every value checked here, at the edge, by its key's one check. */
export const resolveRunOptions = (flags: RunFlags, processCwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): RunOptions => {
  const cwd = path.resolve(processCwd, flags.cwd ?? '.');
  const cwdProblem = directoryProblem(cwd);
  if (cwdProblem) throw usage(`--cwd: directory ${shownPath(cwd, SHOWN_DIR)} ${cwdProblem}`);
  const pollInterval = flagValue('--poll-interval', 'go.watch.pollInterval', flags.pollInterval);
  const overrides = givenOnly({
    'go.build.flags': flagValue('--build-flag', 'go.build.flags', flags.buildFlag?.length ? flags.buildFlag : undefined),
    'go.run.args': flagValue('the program arguments (after --)', 'go.run.args', flags.programArgs?.length ? flags.programArgs : undefined),
    'go.run.stopSignal': flagValue('--stop-signal', 'go.run.stopSignal', flags.stopSignal),
    'go.run.stopTimeout': flagValue('--stop-timeout', 'go.run.stopTimeout', flags.stopTimeout),
    'go.watch.delay': flagValue('--delay', 'go.watch.delay', flags.delay),
    // An interval asks for polling.
    'go.watch.poll': pollInterval !== undefined ? true : flags.poll,
    'go.watch.pollInterval': pollInterval,
    'go.debug.listen': flagValue('--debug', 'go.debug.listen', flags.debugListen),
  });
  return runOptionsFrom({
    cwd,
    config: flags.config,
    configGivenWith: '--config',
    overrideNames: { 'go.build.flags': '--build-flag', 'go.debug.listen': '--debug' },
    choice: { kind: 'args', args: flags.names ?? [] },
    overrides,
    json: flags.json ?? false,
    force: flags.force ?? false,
    env,
    debug: flags.debug === true || flags.debugListen !== undefined,
  });
};
