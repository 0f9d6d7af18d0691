import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { GowatchError } from '../errors.js';
import { isGoDirectoryPath } from '../paths.js';
import type { TargetSpec } from '../go/target-state.js';
import type { PollSetting } from '../watch/choose-backend.js';
import { loadConfig } from './load.js';
import { didYouMean } from './did-you-mean.js';
import { outputFlagProblem, type Config } from './schema.js';
import { isSignalName, signalNames } from './signals.js';

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
  readonly patterns: readonly string[];
  readonly delayMs: number;
  readonly poll: PollSetting;
  readonly pollIntervalMs: number;
  readonly program: { readonly args: readonly string[]; readonly env: Readonly<Record<string, string>> };
  readonly stop: { readonly signal: NodeJS.Signals; readonly timeoutMs: number };
  readonly json: boolean;
  readonly force: boolean;
  readonly cache: { readonly maxEntries: number; readonly maxBytes: number };
};

const usage = (message: string) => new GowatchError('usage', message);

const milliseconds = (flag: string, value: string | undefined, min = 0): number | undefined => {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw usage(`${flag}: expected a whole number of milliseconds (${min} or more), got "${value}"`);
  }
  return Number(value);
};

const signal = (value: string | undefined): NodeJS.Signals | undefined => {
  if (value === undefined) return undefined;
  if (!isSignalName(value)) throw usage(`--stop-signal: unknown signal "${value}"${didYouMean(value.toUpperCase(), signalNames())}`);
  return value;
};

/**
 * A relative package is a directory: go runs inside it, so its own go.mod (or go.work)
 * governs, wherever gowatch was started. An import path is resolved from `base`.
 */
export const resolveTarget = (pkg: string, base: string, buildFlags: readonly string[], source: string): TargetSpec => {
  if (!isGoDirectoryPath(pkg)) return { name: pkg, cwd: base, pkg, buildFlags };
  const dir = path.resolve(base, pkg);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new GowatchError('config', `${source}: package directory ${dir} does not exist`);
  }
  return { name: pkg, cwd: dir, pkg: '.', buildFlags };
};

/** Flags over buddy.watch.json over defaults; every value checked here, at the edge. */
export const resolveRunOptions = (flags: RunFlags, processCwd = process.cwd()): RunOptions => {
  const cwd = path.resolve(processCwd, flags.cwd ?? '.');
  if (!existsSync(cwd)) throw usage(`--cwd: directory ${cwd} does not exist`);
  const loaded = loadConfig(cwd, flags.config);
  const config: Config = loaded.config;
  const buildFlags = flags.buildFlag && flags.buildFlag.length > 0 ? flags.buildFlag : config['go.build.flags'];
  const outputProblem = outputFlagProblem(flags.buildFlag ?? []);
  if (outputProblem) throw usage(`--build-flag: ${outputProblem}`);
  const target = flags.package
    ? resolveTarget(flags.package, cwd, buildFlags, 'the PACKAGE argument')
    : resolveTarget(config['go.build.package'], loaded.root, buildFlags, `${loaded.file ?? 'defaults'}: "go.build.package"`);
  const pollInterval = milliseconds('--poll-interval', flags.pollInterval, 10);
  return {
    cwd,
    projectRoot: loaded.root,
    configFile: loaded.file,
    target,
    patterns: config['go.watch.patterns'],
    delayMs: milliseconds('--delay', flags.delay) ?? config['go.watch.delay'],
    poll: pollInterval !== undefined ? true : (flags.poll ?? config['go.watch.poll']),
    pollIntervalMs: pollInterval ?? config['go.watch.pollInterval'],
    program: {
      args: flags.programArgs && flags.programArgs.length > 0 ? flags.programArgs : config['go.run.args'],
      env: config['go.run.env'],
    },
    stop: {
      signal: signal(flags.stopSignal) ?? (config['go.run.stopSignal'] as NodeJS.Signals),
      timeoutMs: milliseconds('--stop-timeout', flags.stopTimeout) ?? config['go.run.stopTimeout'],
    },
    json: flags.json ?? false,
    force: flags.force ?? false,
    cache: { maxEntries: config['go.cache.binaries'], maxBytes: config['go.cache.maxMB'] * 1024 * 1024 },
  };
};
