import { statSync } from 'node:fs';
import path from 'node:path';
import { GowatchError, isGowatchError } from '../errors.js';
import { isGoDirectoryPath } from '../paths.js';
import type { TargetSpec } from '../go/target-state.js';
import { restartPolicy, type RestartPolicy } from '../supervise/restart-policy.js';
import type { PollSetting } from '../watch/choose-backend.js';
import { flagValue } from './flag-value.js';
import { loadConfig } from './load.js';
import { oneLine, shownPath } from './quote.js';
import { memoryBytes, type Config } from './schema.js';

/** Flags of `gowatch run`, as parsed (strings where the CLI parser gives strings). */
export type RunFlags = {
  readonly cwd?: string;
  readonly config?: string;
  readonly package?: string;
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

export type RunOptions = {
  /** Where gowatch was started (or --cwd): paths in output are relative to it, and the program runs there. */
  readonly cwd: string;
  readonly projectRoot: string;
  readonly configFile: string | undefined;
  readonly target: TargetSpec;
  /** What chose the target, for messages: the PACKAGE argument, or the config file and key. */
  readonly targetSource: string;
  readonly patterns: readonly string[];
  readonly delayMs: number;
  readonly poll: PollSetting;
  readonly pollIntervalMs: number;
  readonly program: {
    readonly args: readonly string[];
    readonly env: Readonly<Record<string, string>>;
    readonly stdin: Config['go.run.stdin'];
  };
  readonly stop: { readonly signal: NodeJS.Signals; readonly timeoutMs: number };
  readonly restart: RestartPolicy;
  /** go.run.memoryLimit in bytes, or undefined when the watchdog is off. */
  readonly memoryLimitBytes: number | undefined;
  readonly json: boolean;
  readonly force: boolean;
  readonly cache: { readonly maxEntries: number; readonly maxBytes: number };
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
export const blameTarget = (options: RunOptions, error: unknown): unknown =>
  isGowatchError(error) && error.kind === 'go-list'
    ? new GowatchError('go-list', `${options.targetSource}: ${oneLine(error.message, GO_OUTPUT_SHOWN)}`, error.exitCode)
    : error;

/** Flags over buddy.watch.json over defaults; every value checked here, at the edge, by its key's one check. */
export const resolveRunOptions = (flags: RunFlags, processCwd = process.cwd()): RunOptions => {
  const cwd = path.resolve(processCwd, flags.cwd ?? '.');
  const cwdProblem = directoryProblem(cwd);
  if (cwdProblem) throw usage(`--cwd: directory ${shownPath(cwd, SHOWN_DIR)} ${cwdProblem}`);
  const loaded = loadConfig(cwd, flags.config);
  const config: Config = loaded.config;
  const flagBuildFlags = flagValue('--build-flag', 'go.build.flags', flags.buildFlag?.length ? flags.buildFlag : undefined);
  const buildFlags = flagBuildFlags ?? config['go.build.flags'];
  const pkg = flagValue('the PACKAGE argument', 'go.build.package', flags.package || undefined);
  const targetSource = pkg ? 'the PACKAGE argument' : `${loaded.file ? shownPath(loaded.file) : 'defaults'}: "go.build.package"`;
  const target = pkg
    ? resolveTarget(pkg, cwd, buildFlags, targetSource)
    : resolveTarget(config['go.build.package'], loaded.root, buildFlags, targetSource);
  const pollInterval = flagValue('--poll-interval', 'go.watch.pollInterval', flags.pollInterval);
  const memoryLimit = config['go.run.memoryLimit'];
  return {
    cwd,
    projectRoot: loaded.root,
    configFile: loaded.file,
    target,
    targetSource,
    patterns: config['go.watch.patterns'],
    delayMs: flagValue('--delay', 'go.watch.delay', flags.delay) ?? config['go.watch.delay'],
    poll: pollInterval !== undefined ? true : (flags.poll ?? config['go.watch.poll']),
    pollIntervalMs: pollInterval ?? config['go.watch.pollInterval'],
    program: {
      args: flagValue('the program arguments (after --)', 'go.run.args', flags.programArgs?.length ? flags.programArgs : undefined) ?? config['go.run.args'],
      env: config['go.run.env'],
      stdin: config['go.run.stdin'],
    },
    stop: {
      signal: (flagValue('--stop-signal', 'go.run.stopSignal', flags.stopSignal) ?? config['go.run.stopSignal']) as NodeJS.Signals,
      timeoutMs: flagValue('--stop-timeout', 'go.run.stopTimeout', flags.stopTimeout) ?? config['go.run.stopTimeout'],
    },
    restart: restartPolicy(config['go.run.restart'], config['go.run.maxRestarts']),
    memoryLimitBytes: memoryLimit === null ? undefined : memoryBytes(memoryLimit),
    json: flags.json ?? false,
    force: flags.force ?? false,
    cache: { maxEntries: config['go.cache.binaries'], maxBytes: config['go.cache.maxMB'] * 1024 * 1024 },
  };
};
