import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import type { CacheFlags } from './cache-command.js';
import type { DoctorFlags } from './doctor-command.js';
import { GowatchCommand } from './gowatch-command.js';
import type { InitFlags } from './init-command.js';
import { initEditorsHelp, initTemplatesHelp } from './init-help.js';
import type { InspectFlags } from './inspect-command.js';
import type { ProfileFlags } from './profile-command.js';
import type { RunCommandFlags } from './run-command.js';
import { runFlagsHelp } from './run-flags-help.js';

const version = (): string =>
  (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Options of every command that finds a project. */
const projectOptions = (command: Command) =>
  command
    .option('--config <file>', 'use this config file instead of the nearest buddy.watch.json')
    .option('--cwd <dir>', 'act as if started in <dir>');

/** Options shared by the commands that load a target. */
const targetOptions = (command: Command) =>
  projectOptions(command).option('--build-flag <arg>', 'extra go build flag (repeatable); replaces go.build.flags', collect);

/**
 * The command tree. `exit` receives each command's exit status. Each command's module is loaded
 * when it runs: --version, --help and every command load only what they use.
 */
export const buildProgram = (programArgs: string[] | undefined, exit: (code: number) => void): Command => {
  const program = new GowatchCommand('gowatch')
    .description('Hot reload for Go: rebuilds what goes into the binary and restarts the program safely.')
    .version(version(), '-v, --version')
    .showSuggestionAfterError(true)
    .exitOverride();

  const run = targetOptions(
    program
      .command('run')
      .description('watch, build and run main packages; restart each on every change that affects it')
      .argument('[targets...]', 'target names from "targets" in buddy.watch.json (default: all), or one main package: a directory, an import path or a .go file (default: go.build.package, else ".")')
      .usage('[TARGET... | PACKAGE] [flags] [-- PROGRAM ARGS]'),
  )
    .option('--delay <ms>', 'quiet time that ends a burst of changes; the first change builds at once (go.watch.delay)')
    .option('--poll', 'poll instead of native events (use --poll=MS to set the interval)')
    .option('--no-poll', 'always use native events')
    .addOption(new Option('--poll-interval <ms>', 'polling interval; implies --poll').hideHelp(false))
    .option('--stop-signal <signal>', 'signal that stops the program (go.run.stopSignal)')
    .option('--stop-timeout <ms>', 'wait this long before SIGKILL (go.run.stopTimeout)')
    .option('--json', 'newline-delimited JSON events on stdout; program output goes to stderr')
    .option('--force', 'ignore gowatch caches: build now even when a binary for this build key exists')
    .option('--verbose', 'also say every edit gowatch ignores, and why, and each program\'s pid')
    .option('--quiet', 'say only failures, crashes and warnings (on a terminal, the status line says the rest)')
    .option('--debug', 'run the program under Delve for a debugger to attach, on go.debug.listen (default 127.0.0.1:2345); --debug=HOST:PORT for another address')
    .addOption(new Option('--debug-listen <address>').hideHelp())
    .action(async (names: string[], flags: Omit<RunCommandFlags, 'names' | 'programArgs'>) => {
      const { runCommand } = await import('./run-command.js');
      exit(await runCommand({ ...flags, names, programArgs }));
    });
  // A newcomer reads gowatch --help first: the flags of run, which bare gowatch is, belong there.
  program.addHelpText('after', () => runFlagsHelp(run));

  targetOptions(
    program
      .command('inspect')
      .description('print the watch topology: modules, build closure, watched roots and backends, patterns')
      .argument('[targets...]', 'target names (default: all), or one main package (default: go.build.package, else ".")'),
  )
    .option('--why <path>', 'explain whether a change to <path> would rebuild, and why')
    .option('--json', 'machine-readable output')
    .action(async (names: string[], flags: InspectFlags) => {
      const { inspectCommand } = await import('./inspect-command.js');
      exit(await inspectCommand({ ...flags, names }));
    });

  targetOptions(
    program
      .command('profile')
      .description('capture a profile of the program gowatch run runs (go.run.profile): write it, print its path and top functions')
      .argument('[target]', 'the target name (needed when several run), or its main package')
      .usage('[TARGET] [--heap|--allocs|--goroutine|--cpu SECONDS|--mutex|--block] [--base FILE] [--open]'),
  )
    .option('--heap', 'in-use heap, after a garbage collection (the default)')
    .option('--allocs', 'every allocation since the program started')
    .option('--goroutine', 'the stacks of all goroutines')
    .option('--cpu <seconds>', 'a CPU profile of this many seconds')
    .option('--mutex', 'mutex contention (under "inject", recorded from the first such request on)')
    .option('--block', 'blocking on synchronisation (under "inject", recorded from the first such request on)')
    .option('--base <file>', 'list what changed since this earlier profile of the same kind')
    .option('--open', 'then open it in go tool pprof\'s web interface (on 127.0.0.1, a free port)')
    .action(async (target: string | undefined, flags: Omit<ProfileFlags, 'target'>) => {
      const { profileCommand } = await import('./profile-command.js');
      exit(await profileCommand({ ...flags, ...(target === undefined ? {} : { target }) }));
    });

  projectOptions(
    program
      .command('doctor')
      .description('check go, the config, the targets and the watch setup; exit 1 when a hard check fails')
      .argument('[targets...]', 'target names (default: all), or one main package (default: go.build.package, else ".")'),
  )
    .option('--json', 'machine-readable output')
    .option('--debug', 'check what gowatch run --debug needs too: dlv, and the debug addresses (--debug=HOST:PORT as for run)')
    .addOption(new Option('--debug-listen <address>').hideHelp())
    .action(async (names: string[], flags: Omit<DoctorFlags, 'names'>) => {
      const { doctorCommand } = await import('./doctor-command.js');
      exit(await doctorCommand({ ...flags, names }));
    });

  program
    .command('init')
    .description('write buddy.watch.json for the main packages go list finds here (and the files of a template)')
    .option('--template <name>', 'start from this template (listed below)')
    .option('--target <package>', 'configure this main package only (repeatable; default: every main package found)', collect)
    .option('--force', 'replace buddy.watch.json and the template files if they exist')
    .option('--editor <name>', "also write this editor's files to run gowatch and attach a debugger (listed below)")
    .option('--cwd <dir>', 'write in <dir> instead of the current directory')
    .option('--from <file>', "convert air's config (.air.toml, found by itself where no buddy.watch.json is) into buddy.watch.json")
    .option('--from-command <line>', 'convert a reflex command line or CompileDaemon flags into buddy.watch.json')
    .addHelpText('after', () => `${initTemplatesHelp()}${initEditorsHelp()}`)
    .action(async (flags: InitFlags) => {
      const { initCommand } = await import('./init-command.js');
      exit(await initCommand(flags));
    });

  const cache = program.command('cache').description('show or remove the binaries and data gowatch keeps');
  projectOptions(cache.command('info').description('what is cached, and where'))
    .option('--json', 'machine-readable output')
    .action(async (flags: CacheFlags) => {
      const { cacheInfoCommand } = await import('./cache-command.js');
      exit(await cacheInfoCommand(flags));
    });
  projectOptions(cache.command('clean').description("remove this project's cache (only gowatch's own directory is ever touched)"))
    .option('--all', 'remove the caches of every project')
    .option('--missing', 'remove the caches of projects whose directory no longer exists')
    .action(async (flags: CacheFlags) => {
      const { cacheCleanCommand } = await import('./cache-command.js');
      exit(await cacheCleanCommand(flags));
    });

  return program;
};
