import { errorMessage, GowatchError } from '../errors.js';
import type { EventInput, EventOf } from '../events.js';
import type { RunningProgram } from '../supervise/boundary.js';
import type { ProgramObserver } from '../supervise/supervisor.js';
import { shortKeyOf } from './binary-key.js';
import { fetchProfile } from './fetch.js';
import type { ProfileKind } from './kinds.js';
import { requestProfile, type ProfileRequest, type RequestedProfile } from './request.js';
import type { ProfileSource } from './source.js';
import type { ProfileStore, ProfileTrigger } from './store.js';
import { goroutineCount, topEntries, type PprofOptions } from './top.js';
import { LeakTrend, type LeakFinding, type LeakTrendOptions } from './trend.js';

export type ProfilerOptions = {
  readonly target: string;
  readonly source: ProfileSource;
  readonly store: ProfileStore;
  /** When each run's baseline heap profile is taken, after its start; undefined: none. */
  readonly baselineMs: number | undefined;
  readonly trend: LeakTrendOptions;
  /** How often the tree's memory is sampled for the trend. */
  readonly sampleMs: number;
  /**
   * The most a capture the profiler starts itself may take: before a memory restart, a program
   * that does not answer (stopped, deadlocked) is restarted anyway once it has passed.
   */
  readonly captureBoundMs: number;
  /** Where a requested --base is resolved from. */
  readonly cwd: string;
  /** How go tool pprof runs (the environment go gets). */
  readonly pprof: PprofOptions;
  readonly emit: (event: EventInput) => void;
};

/** Functions a growth list names: the few a developer reads first. */
const GROWTH_COUNT = 5;
/** Rows read of pprof's diff, which orders by the size of a change: shrinking functions can come first. */
const DIFF_ROWS = 30;

/** One program's run, as the profiler follows it. */
type Run = {
  readonly program: RunningProgram;
  readonly key: string;
  readonly trend: LeakTrend;
  /** Aborted when the program goes: captures of a run never outlive it. */
  readonly ended: AbortController;
  baseline: string | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Captures and reports still under way: the baseline stays protected until they are done. */
  readonly work: Set<Promise<void>>;
};

type Captured = { readonly files: Partial<Record<ProfileKind, string>>; readonly problems: readonly string[] };

type Growth = NonNullable<EventOf<'profile'>['growth']>;

/**
 * Looks into one target's running program (go.run.profile): a baseline heap profile some
 * seconds after each start; heap and goroutine profiles when the memory limit trips, before
 * the restart and within a bound; a heap profile when the tree's memory grows steadily (once
 * per run). Each capture is compared with the run's baseline and said as a `profile` event.
 */
export class Profiler implements ProgramObserver {
  readonly #o: ProfilerOptions;
  #run: Run | undefined;

  constructor(options: ProfilerOptions) {
    this.#o = options;
  }

  get sampleMs(): number {
    return this.#o.sampleMs;
  }

  started(program: RunningProgram, binary: string): void {
    if (this.#run) this.#end(this.#run);
    const run: Run = {
      program,
      key: shortKeyOf(binary),
      trend: new LeakTrend(this.#o.trend),
      ended: new AbortController(),
      baseline: undefined,
      timer: undefined,
      work: new Set(),
    };
    this.#run = run;
    const { baselineMs } = this.#o;
    if (baselineMs !== undefined) {
      run.timer = setTimeout(() => this.#track(run, this.#baseline(run)), baselineMs);
      run.timer.unref();
    }
  }

  sampled(program: RunningProgram, rssBytes: number): void {
    const run = this.#runOf(program);
    const finding = run?.trend.add(Date.now(), rssBytes);
    if (run && finding) this.#track(run, this.#trend(run, rssBytes, finding));
  }

  async beforeMemoryStop(program: RunningProgram, rssBytes: number, limitBytes: number): Promise<void> {
    const run = this.#runOf(program);
    if (!run) return;
    const capture = await this.#capture(run, 'memory', ['heap', 'goroutine']);
    // Read after the restart is under way: go tool pprof takes time the program need not wait for.
    this.#track(run, this.#report(run, 'memory', capture, { rssBytes, limitBytes }));
  }

  ended(program: RunningProgram): void {
    const run = this.#runOf(program);
    if (run) this.#end(run);
  }

  /** A profile asked for (watcher.profile()): saved with trigger "request", said, and read. */
  async request(request: ProfileRequest): Promise<RequestedProfile> {
    const { target, source, store, cwd, pprof, emit } = this.#o;
    const run = this.#run;
    if (!run) throw new GowatchError('profile', `nothing is running for ${target}: there is no program to profile`);
    const result = await requestProfile(source, store, run.key, request, { cwd, pprof, signal: run.ended.signal });
    emit({ event: 'profile', target, pid: run.program.pid, trigger: 'request', key: run.key, files: { [request.kind]: result.file } });
    return result;
  }

  #runOf(program: RunningProgram): Run | undefined {
    return this.#run?.program === program ? this.#run : undefined;
  }

  #track(run: Run, work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.#o.emit({ event: 'error', target: this.#o.target, kind: 'profile', message: errorMessage(error) }));
    run.work.add(tracked);
    void tracked.finally(() => run.work.delete(tracked));
  }

  #end(run: Run): void {
    if (this.#run === run) this.#run = undefined;
    clearTimeout(run.timer);
    run.ended.abort();
    // The baseline is what this run's captures are read against: kept until they are.
    const { baseline } = run;
    if (baseline !== undefined) void Promise.allSettled([...run.work]).then(() => this.#o.store.unprotect(baseline));
  }

  /**
   * Fetches `kinds` one after the other, all within the bound, and saves what came as one
   * capture. One at a time: a profile being written allocates, and a heap profile taken
   * meanwhile would count that as the program's.
   */
  async #capture(run: Run, trigger: ProfileTrigger, kinds: readonly ProfileKind[]): Promise<Captured> {
    const { source, store, captureBoundMs } = this.#o;
    const at = new Date();
    const deadline = Date.now() + captureBoundMs;
    const files: Partial<Record<ProfileKind, string>> = {};
    const problems = new Set<string>();
    for (const kind of kinds) {
      // Whole seconds, as the message that a program did not answer says them.
      const leftMs = Math.ceil((deadline - Date.now()) / 1000) * 1000;
      // The bound is spent (the program did not answer): the rest is not asked for.
      if (leftMs <= 0 || run.ended.signal.aborted) break;
      try {
        const data = await fetchProfile(source, kind, { timeoutMs: leftMs, signal: run.ended.signal });
        files[kind] = await store.save(data, { trigger, kind, key: run.key, at });
      } catch (error) {
        problems.add(errorMessage(error));
      }
    }
    return { files, problems: [...problems] };
  }

  async #baseline(run: Run): Promise<void> {
    const capture = await this.#capture(run, 'baseline', ['heap']);
    // A run that ended meanwhile has no use for it, and its canceled capture is no failure.
    if (run.ended.signal.aborted) return;
    if (capture.files.heap !== undefined) {
      run.baseline = capture.files.heap;
      this.#o.store.protect(run.baseline);
    }
    this.#say(run, 'baseline', capture.files, capture.problems, {});
  }

  async #trend(run: Run, rssBytes: number, finding: LeakFinding): Promise<void> {
    const capture = await this.#capture(run, 'trend', ['heap']);
    await this.#report(run, 'trend', capture, { rssBytes, trend: { bytesPerMinute: finding.bytesPerMinute, windowMs: finding.windowMs } });
  }

  /** Reads a capture against the run's baseline (growth) and its goroutine count, then says it. */
  async #report(run: Run, trigger: ProfileTrigger, capture: Captured, extra: Partial<EventOf<'profile'>>): Promise<void> {
    const { files } = capture;
    const problems = [...capture.problems];
    const read = async <T>(what: Promise<T>): Promise<T | undefined> =>
      what.catch((error: unknown) => {
        problems.push(errorMessage(error));
        return undefined;
      });
    const { baseline } = run;
    const growth = files.heap !== undefined && baseline !== undefined ? await read(this.#growth(files.heap, baseline)) : undefined;
    const goroutines = files.goroutine !== undefined ? await read(goroutineCount(files.goroutine, this.#o.pprof)) : undefined;
    this.#say(run, trigger, files, problems, {
      ...extra,
      ...(growth === undefined ? {} : { growth, base: baseline }),
      ...(goroutines === undefined ? {} : { goroutines }),
    });
  }

  /** The functions whose in-use heap grew most between the baseline and `heap`, most first. */
  async #growth(heap: string, baseline: string): Promise<Growth> {
    const entries = await topEntries({ ...this.#o.pprof, file: heap, base: baseline, kind: 'heap', count: DIFF_ROWS });
    return entries
      .filter((entry) => entry.flat > 0)
      .sort((a, b) => b.flat - a.flat)
      .slice(0, GROWTH_COUNT)
      .map((entry) => ({ function: entry.function, bytes: Math.round(entry.flat) }));
  }

  #say(run: Run, trigger: ProfileTrigger, files: Captured['files'], problems: readonly string[], extra: Partial<EventOf<'profile'>>): void {
    const { target, emit } = this.#o;
    emit({
      event: 'profile',
      target,
      pid: run.program.pid,
      trigger,
      key: run.key,
      files,
      ...extra,
      ...(problems.length === 0 ? {} : { error: problems.join('; ') }),
    });
  }
}
