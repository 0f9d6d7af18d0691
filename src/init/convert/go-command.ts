import path from 'node:path';
import { buildFlagsProblem, parseGoFlags } from '../../config/build-flags.js';
import { addEnv, append, note, shellHook, shown, type Conversion } from './conversion.js';
import { leadingAssignments, splitShellLine, type ShellCommand } from './shell-words.js';

const goVerb = (command: ShellCommand): { verb: string; env: Record<string, string>; args: string[] } | undefined => {
  const { env, rest } = leadingAssignments(command.words);
  const [program, verb, ...args] = rest;
  if ((program !== 'go' && !program?.endsWith('/go')) || (verb !== 'build' && verb !== 'run')) return undefined;
  return { verb, env, args };
};

/** "./cmd/api", "cmd/api/main.go" → "./cmd/api": gowatch builds a package, named as go names a directory. */
const packageOf = (arg: string): string => {
  const dir = arg.endsWith('.go') ? path.posix.dirname(arg) : arg;
  if (dir === '.' || dir.startsWith('./') || dir.startsWith('../') || dir.startsWith('/')) return dir;
  // An import path (example.com/x/cmd) has a dot in its first element; a relative directory does not.
  return dir.split('/')[0]!.includes('.') ? dir : `./${dir}`;
};

/** "./tmp/main" and "tmp/main" name one file. */
const samePath = (a: string, b: string): boolean => path.posix.normalize(a) === path.posix.normalize(b);

/** go build's or go run's flags and packages: flags to go.build.flags (-o is gowatch's), the package to go.build.package. */
const readGo = (conversion: Conversion, source: string, verb: string, env: Record<string, string>, args: string[]): { output?: string; runArgs: string[] } => {
  if (Object.keys(env).length > 0) {
    note(conversion, source, 'no-equivalent', `${Object.entries(env).map(([name, value]) => `${name}=${value}`).join(' ')} for go ${verb}: set it where gowatch runs (go.run.env is the program's environment)`);
  }
  const flags = parseGoFlags(args);
  const span = flags.reduce((sum, flag) => sum + flag.span, 0);
  let output: string | undefined;
  const kept: string[] = [];
  for (const flag of flags) {
    const words = flag.span === 2 ? [flag.arg, flag.value!] : [flag.arg];
    if (flag.name === 'o') {
      output = flag.value;
      note(conversion, source, 'not-needed', `${flag.text}: gowatch builds into its own cache, outside the tree`);
    } else if (buildFlagsProblem(words)) {
      note(conversion, source, 'no-equivalent', `${flag.text} is left out: ${buildFlagsProblem(words)}`);
    } else {
      kept.push(...words);
    }
  }
  append(conversion, 'go.build.flags', kept);
  const rest = args.slice(span);
  // go run takes .go files or one package, then the program's arguments.
  const packages = verb === 'run' ? (rest[0]?.endsWith('.go') ? rest.filter((arg) => arg.endsWith('.go')) : rest.slice(0, 1)) : rest;
  const runArgs = verb === 'run' ? rest.slice(packages.length) : [];
  const pkg = packages.length > 0 ? packageOf(packages[0]!) : '.';
  if (pkg !== '.') conversion.settings['go.build.package'] = pkg;
  if (packages.some((arg) => packageOf(arg) !== pkg)) note(conversion, source, 'no-equivalent', `go ${verb} ${packages.join(' ')}: gowatch builds one package per target, ${pkg}`);
  note(conversion, source, 'mapped', `go ${verb} → go.build.package ${shown(pkg)}${kept.length > 0 ? `, go.build.flags ${shown(kept)}` : ''}`);
  return { output, runArgs };
};

/**
 * A build command line (air's build.cmd, CompileDaemon's -build): its go build gives the package
 * and flags; commands before it become go.build.pre hooks, after it go.build.post hooks. A line
 * with no go build becomes a pre hook, and gowatch builds "." after it.
 */
export const convertBuildCommand = (conversion: Conversion, source: string, line: string): { output?: string } => {
  const commands = splitShellLine(line, source);
  const index = commands.findIndex((command) => goVerb(command)?.verb === 'build');
  if (index === -1) {
    append(conversion, 'go.build.pre', [shellHook(line)]);
    note(conversion, source, 'differs', `${shown(line)} is no go build: it runs before each build as a go.build.pre hook, and gowatch builds the package itself (set go.build.package if it is not ".")`);
    return {};
  }
  const go = goVerb(commands[index]!)!;
  append(conversion, 'go.build.pre', commands.slice(0, index).map((command) => shellHook(command.text)));
  append(conversion, 'go.build.post', commands.slice(index + 1).map((command) => shellHook(command.text)));
  for (const command of commands.slice(0, index)) note(conversion, source, 'mapped', `${shown(command.text)} → a go.build.pre hook`);
  for (const command of commands.slice(index + 1)) note(conversion, source, 'mapped', `${shown(command.text)} → a go.build.post hook`);
  return readGo(conversion, source, go.verb, go.env, go.args);
};

/**
 * A run command line (air's full_bin, CompileDaemon's -command, what follows reflex's go build):
 * its NAME=value words go to go.run.env and the arguments of the binary built to go.run.args.
 * A command that runs something else is said: gowatch runs what it builds.
 */
export const convertRunCommand = (conversion: Conversion, source: string, line: string, binaries: readonly string[] | 'unknown'): void => {
  const commands = splitShellLine(line, source);
  const last = commands.at(-1);
  if (last === undefined) return;
  const { env, rest } = leadingAssignments(last.words);
  const [program, ...args] = rest;
  // With no -o, go names the binary after the package or module: a ./NAME is taken for it.
  const isBinary = (name: string) => (binaries === 'unknown' ? name.startsWith('./') && !name.slice(2).includes('/') : binaries.some((binary) => samePath(binary, name)));
  if (commands.length > 1 || program === undefined || !isBinary(program)) {
    note(conversion, source, 'no-equivalent', `${shown(line)} runs more than the binary built; gowatch runs the program it builds (go.run.preStart hooks run before each start)`);
    return;
  }
  addEnv(conversion, 'go.run.env', env);
  append(conversion, 'go.run.args', args);
  const parts = [Object.keys(env).length > 0 ? `go.run.env ${shown(env)}` : '', args.length > 0 ? `go.run.args ${shown(args)}` : ''].filter(Boolean);
  note(conversion, source, parts.length > 0 ? 'mapped' : 'not-needed', parts.length > 0 ? `→ ${parts.join(', ')}` : 'gowatch runs the binary it builds');
};

/** A line that builds and runs (reflex's command, a Makefile's): the go build or go run, then the binary's run. */
export const convertBuildAndRun = (conversion: Conversion, source: string, line: string): void => {
  const commands = splitShellLine(line, source);
  const index = commands.findIndex((command) => goVerb(command) !== undefined);
  if (index === -1) {
    note(conversion, source, 'no-equivalent', `${shown(line)} has no go build or go run: gowatch builds the package itself, so this command is left out`);
    return;
  }
  const go = goVerb(commands[index]!)!;
  append(conversion, 'go.build.pre', commands.slice(0, index).map((command) => shellHook(command.text)));
  for (const command of commands.slice(0, index)) note(conversion, source, 'mapped', `${shown(command.text)} → a go.build.pre hook`);
  const { output, runArgs } = readGo(conversion, source, go.verb, go.env, go.args);
  append(conversion, 'go.run.args', runArgs);
  if (runArgs.length > 0) note(conversion, source, 'mapped', `→ go.run.args ${shown(runArgs)}`);
  const after = commands.slice(index + 1);
  if (go.verb === 'build' && after.length > 0) {
    convertRunCommand(conversion, source, after.map((command) => command.text).join(' && '), output === undefined ? 'unknown' : [output]);
  }
};
