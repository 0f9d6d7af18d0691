import { GowatchError } from '../../errors.js';
import { newConversion, note, setPatterns, shown, type Conversion } from './conversion.js';
import { convertBuildAndRun, convertBuildCommand, convertRunCommand } from './go-command.js';
import { regexToGlobs } from './regex-to-glob.js';
import { splitShellLine } from './shell-words.js';

const SOURCE = '--from-command';

/** Words back into one shell line, quoted where sh would split or read them. */
const shellLine = (words: readonly string[]): string => words.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`)).join(' ');

/** Options as Go's flag package (CompileDaemon) and reflex read them: -x, --x, -x=v, -x v. */
const readOptions = (words: readonly string[], takesValue: (name: string) => boolean): { options: [string, string | undefined][]; rest: string[] } => {
  const options: [string, string | undefined][] = [];
  let index = 0;
  for (; index < words.length; index += 1) {
    const word = words[index]!;
    if (word === '--') {
      index += 1;
      break;
    }
    const match = /^--?([^-=][^=]*)(?:=([\s\S]*))?$/.exec(word);
    if (!match) break;
    const [, name, inline] = match as unknown as [string, string, string | undefined];
    if (inline === undefined && takesValue(name)) {
      options.push([name, words[index + 1]]);
      index += 1;
    } else {
      options.push([name, inline]);
    }
  }
  return { options, rest: words.slice(index) };
};

const globsOrSaid = (conversion: Conversion, source: string, regex: string, anchored: boolean): string[] => {
  const globs = regexToGlobs(regex, anchored);
  if (globs === undefined) note(conversion, source, 'no-equivalent', `${shown(regex)} is no glob: add the patterns it means to go.watch.patterns yourself`);
  return globs ?? [];
};

/** A glob of a file name, as reflex and CompileDaemon match it, anywhere in the tree. */
const anywhere = (glob: string): string => (glob.includes('/') ? glob.replace(/^\.\//, '') : `**/${glob}`);

const REFLEX_VALUES = new Set(['r', 'regex', 'R', 'inverse-regex', 'g', 'glob', 'G', 'inverse-glob', 'c', 'config', 'd', 'decoration', 'only']);

/** reflex [-r REGEX] [-R REGEX] [-g GLOB] [-G GLOB] [-s] -- COMMAND */
const convertReflex = (words: readonly string[]): Conversion => {
  const conversion = newConversion();
  const { options, rest } = readOptions(words, (name) => REFLEX_VALUES.has(name));
  const includes: string[] = [];
  const excludes: string[] = [];
  for (const [name, value = ''] of options) {
    const source = `reflex -${name.length > 1 ? '-' : ''}${name}`;
    if (name === 'r' || name === 'regex') {
      const globs = globsOrSaid(conversion, source, value, true);
      includes.push(...globs);
      if (globs.length > 0) note(conversion, source, 'mapped', `${shown(value)} → go.watch.patterns ${shown(globs)}`);
    } else if (name === 'R' || name === 'inverse-regex') {
      const globs = globsOrSaid(conversion, source, value, true);
      excludes.push(...globs);
      if (globs.length > 0) note(conversion, source, 'mapped', `${shown(value)} → ${globs.map((glob) => `!${glob}`).join(', ')}`);
    } else if (name === 'g' || name === 'glob') {
      includes.push(anywhere(value));
      note(conversion, source, 'mapped', `${shown(value)} → ${anywhere(value)}`);
    } else if (name === 'G' || name === 'inverse-glob') {
      excludes.push(anywhere(value));
      note(conversion, source, 'mapped', `${shown(value)} → !${anywhere(value)}`);
    } else if (name === 's' || name === 'start-service') {
      note(conversion, source, 'not-needed', 'gowatch runs the program as a service: stopped and started again on a change');
    } else if (name === 'c' || name === 'config') {
      note(conversion, source, 'no-equivalent', `convert each line of ${value} with its own gowatch init --from-command`);
    } else {
      note(conversion, source, 'not-needed', 'no setting needed under gowatch');
    }
  }
  const matching = options.some(([name]) => ['r', 'regex', 'g', 'glob'].includes(name));
  if (includes.length === 0 && matching) {
    // Every file would restart the program: the Go files are the safe start.
    includes.push('**/*.go');
    note(conversion, 'reflex', 'differs', 'no -r or -g became a glob: go.watch.patterns starts from **/*.go');
  } else if (includes.length === 0) {
    // Without -r or -g, reflex watches every file.
    includes.push('**/*');
  }
  setPatterns(conversion, 'reflex', includes, excludes);
  const shell = rest.length === 3 && ['sh', 'bash', '/bin/sh', '/bin/bash'].includes(rest[0]!) && rest[1] === '-c';
  if (rest.length === 0) throw new GowatchError('usage', `${SOURCE}: the reflex line has no command to run after its options`);
  convertBuildAndRun(conversion, 'reflex command', shell ? rest[2]! : shellLine(rest));
  return conversion;
};

const DAEMON_BOOLEANS = new Set(['graceful-kill', 'polling', 'color', 'log-prefix', 'recursive', 'verbose']);

/** CompileDaemon -build=… -command=… -exclude-dir=… -include=… -exclude=… -pattern=… */
const convertCompileDaemon = (words: readonly string[]): Conversion => {
  const conversion = newConversion();
  const { options, rest } = readOptions(words, (name) => !DAEMON_BOOLEANS.has(name));
  if (rest.length > 0) note(conversion, 'CompileDaemon', 'no-equivalent', `${shown(shellLine(rest))} is no CompileDaemon flag; left out`);
  const value = (name: string) => options.filter(([option]) => option === name).map(([, text]) => text ?? '');
  const on = (name: string) => options.some(([option, text]) => option === name && (text === undefined || text === 'true' || text === '1'));
  const { output } = convertBuildCommand(conversion, '-build', value('build').at(-1) ?? 'go build');
  const command = value('command').at(-1);
  if (command !== undefined) convertRunCommand(conversion, '-command', command, output === undefined ? 'unknown' : [output]);
  const pattern = value('pattern').at(-1) ?? '(.+\\.go|.+\\.c)$';
  const includes = [...globsOrSaid(conversion, '-pattern', pattern, false), ...value('include').map(anywhere)];
  const excludes = [...value('exclude-dir').map((dir) => `**/${dir.replace(/^\.\//, '').replace(/\/+$/, '')}/**`), ...value('exclude').map(anywhere)];
  note(conversion, '-pattern -include -exclude -exclude-dir', 'mapped', `→ go.watch.patterns ${shown(includes)} and ${shown(excludes.map((glob) => `!${glob}`))}`);
  setPatterns(conversion, '-pattern', includes, excludes);
  if (on('graceful-kill')) {
    const seconds = Number(value('graceful-timeout').at(-1) ?? '3');
    const timeout = Number.isFinite(seconds) ? Math.min(3_600_000, Math.max(0, Math.round(seconds * 1000))) : 3000;
    conversion.settings['go.run.stopTimeout'] = timeout;
    note(conversion, '-graceful-kill', 'mapped', `→ SIGTERM (gowatch's go.run.stopSignal) and go.run.stopTimeout ${timeout} (ms)`);
  } else {
    note(conversion, '-graceful-kill', 'differs', "CompileDaemon kills the program at once; gowatch sends SIGTERM and waits go.run.stopTimeout (5000 ms) before SIGKILL");
  }
  if (on('polling')) {
    conversion.settings['go.watch.poll'] = true;
    const interval = Number(value('polling-interval').at(-1) ?? '100');
    if (Number.isFinite(interval)) conversion.settings['go.watch.pollInterval'] = Math.min(60_000, Math.max(10, Math.round(interval)));
    note(conversion, '-polling', 'mapped', `→ go.watch.poll true${Number.isFinite(interval) ? `, go.watch.pollInterval ${conversion.settings['go.watch.pollInterval']}` : ''}`);
  }
  const directory = value('directory').at(-1);
  if (directory !== undefined && directory !== '.' && directory !== './') {
    note(conversion, '-directory', 'differs', `buddy.watch.json is written where init runs: run gowatch init --cwd ${directory} to write it in ${directory}`);
  }
  for (const [name] of options) {
    if (['build', 'command', 'pattern', 'include', 'exclude', 'exclude-dir', 'graceful-kill', 'graceful-timeout', 'polling', 'polling-interval', 'directory'].includes(name)) continue;
    const why = name === 'recursive' && !on('recursive') ? 'gowatch watches the whole tree the build and the patterns need' : name === 'run-dir' ? 'gowatch runs the program in the project root' : 'no setting needed under gowatch';
    note(conversion, `-${name}`, name === 'run-dir' || (name === 'recursive' && !on('recursive')) ? 'no-equivalent' : 'not-needed', why);
  }
  return conversion;
};

/**
 * buddy.watch.json's settings for a reflex line or CompileDaemon's flags, told apart by the
 * program named first; a line of neither is refused in one line.
 */
export const convertCommandLine = (line: string): Conversion => {
  const commands = splitShellLine(line, SOURCE);
  const [program, ...words] = commands[0]?.words ?? [];
  const name = program?.split('/').at(-1)?.toLowerCase();
  const conversion = name === 'reflex' ? convertReflex(words) : name === 'compiledaemon' ? convertCompileDaemon(words) : undefined;
  if (conversion === undefined) {
    throw new GowatchError('usage', `${SOURCE}: expected a reflex or CompileDaemon command line, got ${shown(line)}`);
  }
  if (commands.length > 1) note(conversion, SOURCE, 'no-equivalent', `${shown(commands.slice(1).map((command) => command.text).join(' && '))} follows the ${program} line; left out`);
  return conversion;
};
