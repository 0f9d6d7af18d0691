import { spawn } from 'node:child_process';
import path from 'node:path';
import { resolveRunOptions } from '../config/options.js';
import { quote } from '../text/quote.js';
import { GowatchError } from '../errors.js';
import { shortKeyOf } from '../profile/binary-key.js';
import { chooseProfileTarget, profilingOff } from '../profile/choose-target.js';
import { MAX_CPU_SECONDS, type ProfileKind } from '../profile/kinds.js';
import { requestProfile } from '../profile/request.js';
import { findRunningTarget } from '../profile/running-target.js';
import { keepNewestBaseline, targetProfileStore } from '../profile/target-store.js';
import { topTable } from '../report/top-table.js';

export type ProfileFlags = {
  readonly cwd?: string;
  readonly config?: string;
  readonly buildFlag?: readonly string[];
  /** A target name of buddy.watch.json, or one package. */
  readonly target?: string;
  readonly heap?: boolean;
  readonly allocs?: boolean;
  readonly goroutine?: boolean;
  /** Seconds of CPU profile, as given. */
  readonly cpu?: string;
  readonly mutex?: boolean;
  readonly block?: boolean;
  readonly base?: string;
  readonly open?: boolean;
};

const usage = (message: string) => new GowatchError('usage', message);

/** The kind the flags ask for (heap when none does), and the CPU profile's seconds. */
const chosenKind = (flags: ProfileFlags): { kind: ProfileKind; cpuSeconds?: number } => {
  const given = (['heap', 'allocs', 'goroutine', 'cpu', 'mutex', 'block'] as const).filter((kind) => flags[kind] !== undefined && flags[kind] !== false);
  if (given.length > 1) throw usage(`gowatch profile takes one kind of profile, got ${given.map((kind) => `--${kind}`).join(' and ')}`);
  const kind = given[0] ?? 'heap';
  if (kind !== 'cpu') return { kind };
  const seconds = flags.cpu!;
  if (!/^\d{1,4}$/.test(seconds) || Number(seconds) < 1 || Number(seconds) > MAX_CPU_SECONDS) {
    throw usage(`--cpu: expected a whole number of seconds from 1 to ${MAX_CPU_SECONDS}, got ${quote(seconds)}`);
  }
  return { kind, cpuSeconds: Number(seconds) };
};

/**
 * `go tool pprof -http=127.0.0.1:`: its own words (the address it serves) go to the terminal,
 * and gowatch ends with it. The empty port has pprof pick a free one and print it (given ":0",
 * it prints ":0"). A signal to gowatch alone is passed on, so no viewer is left behind.
 */
const openInPprof = (file: string, base: string | undefined): Promise<number> =>
  new Promise((resolve, reject) => {
    const child = spawn('go', ['tool', 'pprof', '-http=127.0.0.1:', ...(base === undefined ? [] : ['-base', base]), file], { stdio: ['ignore', 'inherit', 'inherit'] });
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const pass = (signal: NodeJS.Signals) => child.kill(signal);
    for (const signal of signals) process.on(signal, pass);
    const done = () => signals.forEach((signal) => process.off(signal, pass));
    child.once('error', (error: NodeJS.ErrnoException) => {
      done();
      reject(error.code === 'ENOENT' ? new GowatchError('go-missing', '--open runs go tool pprof, and "go" was not found on PATH') : error);
    });
    // Ended by the signal that ended the viewing: that is the usual way out, not a failure.
    child.once('exit', (code) => {
      done();
      resolve(code ?? 0);
    });
  });

/**
 * `gowatch profile [TARGET] [--heap|--allocs|--goroutine|--cpu SECONDS|--mutex|--block]
 * [--base FILE] [--open]`: captures a profile of the program a `gowatch run` runs, found through
 * what that run records in the target's cache directory, and writes it with the target's profiles.
 */
export const profileCommand = async (flags: ProfileFlags): Promise<number> => {
  const { kind, cpuSeconds } = chosenKind(flags);
  const options = resolveRunOptions({
    ...(flags.cwd === undefined ? {} : { cwd: flags.cwd }),
    ...(flags.config === undefined ? {} : { config: flags.config }),
    ...(flags.buildFlag === undefined ? {} : { buildFlag: flags.buildFlag }),
    names: flags.target === undefined ? [] : [flags.target],
  });
  const target = chooseProfileTarget(options.targets, undefined, 'gowatch profile');
  // What the running gowatch serves counts, whatever the config says now.
  const { dir, running, source } = await findRunningTarget(options, target);
  if (!running || !source) {
    if (target.profile.source === undefined) throw profilingOff(target);
    if (!running) throw new GowatchError('profile', `nothing is running for ${target.name}: start it with gowatch run, then ask for its profile`, 1);
    throw new GowatchError('profile', `the gowatch that runs ${target.name} started with profiling off: start gowatch run again to apply "go.run.profile"`, 1);
  }
  const store = targetProfileStore(dir, target);
  await keepNewestBaseline(store);
  const base = flags.base === undefined ? undefined : path.resolve(options.cwd, flags.base);
  const { file, top } = await requestProfile(
    source,
    store,
    shortKeyOf(running.binary),
    { kind, ...(cpuSeconds === undefined ? {} : { cpuSeconds }), ...(base === undefined ? {} : { base }) },
    { cwd: options.cwd, pprof: { env: process.env } },
  );
  const lines = [file, ...(base === undefined ? [] : [`change since ${base}:`]), ...topTable(top, kind)];
  process.stdout.write(`${lines.join('\n')}\n`);
  return flags.open ? openInPprof(file, base) : 0;
};
