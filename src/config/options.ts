import { statSync } from 'node:fs';
import path from 'node:path';
import { GowatchError, isGowatchError } from '../errors.js';
import { isGoDirectoryPath } from '../paths.js';
import type { TargetSpec } from '../go/target-state.js';
import { restartPolicy, type RestartPolicy } from '../supervise/restart-policy.js';
import type { PollSetting } from '../watch/choose-backend.js';
import { flagValue } from './flag-value.js';
import { loadConfig } from './load.js';
import { didYouMean } from './did-you-mean.js';
import { oneLine, quote, shownPath } from './quote.js';
import { memoryBytes, type Config } from './schema.js';

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
};

/** One program gowatch builds and runs: its own closure, key, binary cache and supervisor. */
export type TargetOptions = {
  /** How events and output name it: the target's name in "targets", else the package as given. */
  readonly name: string;
  /** What chose it, for messages: the PACKAGE argument, or the config file and key. */
  readonly source: string;
  readonly target: TargetSpec;
  readonly patterns: readonly string[];
  readonly program: {
    readonly args: readonly string[];
    readonly env: Readonly<Record<string, string>>;
    readonly stdin: Config['go.run.stdin'];
  };
  readonly stop: { readonly signal: NodeJS.Signals; readonly timeoutMs: number };
  readonly restart: RestartPolicy;
  /** go.run.memoryLimit in bytes, or undefined when the watchdog is off. */
  readonly memoryLimitBytes: number | undefined;
  readonly cache: { readonly maxEntries: number; readonly maxBytes: number };
};

export type RunOptions = {
  /** Where gowatch was started (or --cwd): paths in output are relative to it, and programs run there. */
  readonly cwd: string;
  readonly projectRoot: string;
  readonly configFile: string | undefined;
  readonly delayMs: number;
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

/** Why `dir` cannot be used as a directory (stat fails on overlong or looping paths too), or undefined. */
const directoryProblem = (dir: string): string | undefined => {
  try {
    const stats = statSync(dir, { throwIfNoEntry: false });
    if (!stats) return 'does not exist';
    return stats.isDirectory() ? undefined : 'is not a directory';
  } catch (error) {
    return `cannot be used (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
};

/**
 * A relative package is a directory: go runs inside it, so its own go.mod (or go.work)
 * governs, wherever gowatch was started. An import path is resolved from `base`.
 */
export const resolveTarget = (pkg: string, base: string, buildFlags: readonly string[], source: string): TargetSpec => {
  if (!isGoDirectoryPath(pkg)) return { name: pkg, cwd: base, pkg, buildFlags };
  const dir = path.resolve(base, pkg);
  const problem = directoryProblem(dir);
  if (problem) throw new GowatchError('config', `${source}: package directory ${shownPath(dir, SHOWN_DIR)} ${problem}`);
  return { name: pkg, cwd: dir, pkg: '.', buildFlags };
};

/** go's own words when it cannot load the target at start, on one line, after what chose the target. */
const GO_OUTPUT_SHOWN = 400;

/** A start failure of `go list` blames what chose the target; any other error passes unchanged. */
export const blameTarget = (target: TargetOptions, error: unknown): unknown =>
  isGowatchError(error) && error.kind === 'go-list'
    ? new GowatchError('go-list', `${target.source}: ${oneLine(error.message, GO_OUTPUT_SHOWN)}`, error.exitCode)
    : error;

/** What the positional arguments select: every target, some by name, or one package. */
type Selection = { readonly kind: 'targets'; readonly names: readonly string[] } | { readonly kind: 'package'; readonly pkg: string | undefined };

/** A name of "targets", or else a package: a path, an import path, or a .go file. */
const looksLikePackage = (arg: string) => isGoDirectoryPath(arg) || arg.includes('/') || arg.endsWith('.go');

const select = (args: readonly string[], targets: ReadonlyMap<string, Config>, file: string | undefined): Selection => {
  const known = [...targets.keys()];
  if (known.length === 0) {
    if (args.length > 1) throw usage(`gowatch run takes one PACKAGE, got ${args.length} (several programs are "targets" in buddy.watch.json)`);
    return { kind: 'package', pkg: args[0] };
  }
  if (args.length === 0) return { kind: 'targets', names: known };
  if (args.length === 1 && !targets.has(args[0]!) && looksLikePackage(args[0]!)) return { kind: 'package', pkg: args[0] };
  for (const name of args) {
    if (!targets.has(name)) {
      throw usage(`no target ${quote(name)} in ${file ? shownPath(file) : 'buddy.watch.json'}${didYouMean(name, known)}; its targets are ${known.join(', ')}`);
    }
  }
  return { kind: 'targets', names: [...new Set(args)] };
};

/** Per-target flags: they override the config of every target they run. */
const targetFlags = (flags: RunFlags) => ({
  buildFlags: flagValue('--build-flag', 'go.build.flags', flags.buildFlag?.length ? flags.buildFlag : undefined),
  args: flagValue('the program arguments (after --)', 'go.run.args', flags.programArgs?.length ? flags.programArgs : undefined),
  stopSignal: flagValue('--stop-signal', 'go.run.stopSignal', flags.stopSignal),
  stopTimeout: flagValue('--stop-timeout', 'go.run.stopTimeout', flags.stopTimeout),
});

const targetOptions = (name: string, source: string, target: TargetSpec, config: Config, flags: ReturnType<typeof targetFlags>): TargetOptions => {
  const memoryLimit = config['go.run.memoryLimit'];
  return {
    name,
    source,
    target: { ...target, name },
    patterns: config['go.watch.patterns'],
    program: { args: flags.args ?? config['go.run.args'], env: config['go.run.env'], stdin: config['go.run.stdin'] },
    stop: {
      signal: (flags.stopSignal ?? config['go.run.stopSignal']) as NodeJS.Signals,
      timeoutMs: flags.stopTimeout ?? config['go.run.stopTimeout'],
    },
    restart: restartPolicy(config['go.run.restart'], config['go.run.maxRestarts']),
    memoryLimitBytes: memoryLimit === null ? undefined : memoryBytes(memoryLimit),
    cache: { maxEntries: config['go.cache.binaries'], maxBytes: config['go.cache.maxMB'] * 1024 * 1024 },
  };
};

/** Flags over buddy.watch.json over defaults; every value checked here, at the edge, by its key's one check. */
export const resolveRunOptions = (flags: RunFlags, processCwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): RunOptions => {
  const cwd = path.resolve(processCwd, flags.cwd ?? '.');
  const cwdProblem = directoryProblem(cwd);
  if (cwdProblem) throw usage(`--cwd: directory ${shownPath(cwd, SHOWN_DIR)} ${cwdProblem}`);
  const loaded = loadConfig(cwd, flags.config);
  const config: Config = loaded.config;
  const perTarget = targetFlags(flags);
  const fileName = loaded.file ? shownPath(loaded.file) : 'defaults';
  const selection = select(flags.names ?? [], loaded.targets, loaded.file);
  const targets =
    selection.kind === 'targets'
      ? selection.names.map((name) => {
          const own = loaded.targets.get(name)!;
          const source = `${fileName}: "targets" item ${name}: "go.build.package"`;
          const spec = resolveTarget(own['go.build.package'], loaded.root, perTarget.buildFlags ?? own['go.build.flags'], source);
          return targetOptions(name, source, spec, own, perTarget);
        })
      : [
          (() => {
            const pkg = flagValue('the PACKAGE argument', 'go.build.package', selection.pkg || undefined);
            const source = pkg ? 'the PACKAGE argument' : `${fileName}: "go.build.package"`;
            const buildFlags = perTarget.buildFlags ?? config['go.build.flags'];
            const spec = pkg ? resolveTarget(pkg, cwd, buildFlags, source) : resolveTarget(config['go.build.package'], loaded.root, buildFlags, source);
            return targetOptions(spec.name, source, spec, config, perTarget);
          })(),
        ];
  const pollInterval = flagValue('--poll-interval', 'go.watch.pollInterval', flags.pollInterval);
  return {
    cwd,
    projectRoot: loaded.root,
    configFile: loaded.file,
    delayMs: flagValue('--delay', 'go.watch.delay', flags.delay) ?? config['go.watch.delay'],
    poll: pollInterval !== undefined ? true : (flags.poll ?? config['go.watch.poll']),
    pollIntervalMs: pollInterval ?? config['go.watch.pollInterval'],
    json: flags.json ?? false,
    force: flags.force ?? false,
    env,
    targets,
  };
};
