import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { errorMessage } from '../errors.js';
import { refusalText, specialAt, type Refusal } from '../files/bounded-read.js';
import type { BinaryCache } from '../go/binary-cache.js';
import { hasPackageWithin, isModuleDefinition } from '../go/closure.js';
import { startBuild, type BuildOutcome, type RunningBuild } from '../go/build.js';
import type { BuildSlots } from '../go/build-slots.js';
import { parseDiagnostics } from '../go/diagnostics.js';
import { goOpens, specialFilesIn } from '../go/go-opens.js';
import { MAX_INPUT_BYTES } from '../go/read-input.js';
import type { HashUpdate, TargetState } from '../go/target-state.js';
import { writtenBetween } from '../go/written-between.js';
import { isWithin } from '../paths.js';
import { errorEvent, type EventInput, type SkipReason } from '../events.js';
import type { Supervisor } from '../supervise/supervisor.js';
import type { GitIgnores } from '../watch/gitignore.js';
import type { PatternSet } from '../watch/patterns.js';
import type { Resubscribed } from '../watch/watch-set.js';
import { classify, type ClassifyContext, type Verdict } from './classify.js';
import { RefusedFiles } from './refused-files.js';
import { userIncludes } from './watch-plan.js';
import type { WatchPlans } from './watch-plans.js';

export type ReloadOptions = {
  readonly target: TargetState;
  readonly patterns: PatternSet;
  /** go.watch.patterns as written: the include patterns the user wrote win over .gitignore. */
  readonly patternList: readonly string[];
  /** The repository's ignore files, when go.watch.gitignore is on. */
  readonly gitignores: GitIgnores | undefined;
  readonly projectRoot: string;
  /** Paths in events and diagnostics are relative to this directory. */
  readonly displayDir: string;
  readonly force: boolean;
  readonly cache: BinaryCache;
  readonly supervisor: Supervisor;
  /** Where the target says what it needs watched. */
  readonly plans: WatchPlans;
  readonly slots: BuildSlots;
  /** Whether changes are still gathering (the debounce has not ended): a finished build waits for them. */
  readonly changesPending: () => boolean;
  readonly emit: (event: EventInput) => void;
};

/**
 * Skip reasons the path alone settles (the patterns and ignore files): outside what gowatch
 * watches for. A batch of only such files is no change, and each file is said once per
 * reason: a log the program writes, or gowatch's output sent into the project, repeats them.
 */
const OUTSIDE_WATCH: ReadonlySet<SkipReason> = new Set(['excluded', 'gitignored', 'not-watched']);

type Build = {
  /** Given once go starts (it has a build slot): a build canceled before has said nothing. */
  id: number | undefined;
  readonly key: string;
  readonly running: RunningBuild;
  /** What the key was read from, and since when (the file system's time, BinaryCache.clock). */
  readonly inputs: readonly string[];
  readonly readsBegan: number | undefined;
  /** A change to one of its inputs was reported while it ran. */
  dirty: boolean;
};
/**
 * A build that ended. `matches`: whether the binary certainly holds what its key says — no
 * input changed while it was read and built, whether or not the watcher has said so yet.
 */
type Finished = { readonly key: string; readonly output: string; readonly matches: Promise<boolean> };

/**
 * Where a change becomes a build. Batches are handled one at a time, in order, so no change is
 * lost; a build runs beside the old program and is swapped in only on success; a build trigger
 * arriving mid-build cancels it; a finished build waits while newer changes are still pending.
 */
export class ReloadLoop {
  readonly #o: ReloadOptions;
  #queue: Promise<void> = Promise.resolve();
  #build: Build | undefined;
  #waiting: Finished | undefined;
  /**
   * The running binary's key, and whether the binary is known to match it: a file written while
   * it was being built may have gone into it, and then only a build can tell what runs.
   */
  #running: { readonly key: string; matches: boolean } | undefined;
  /**
   * The file system's time when the reads behind the next key began (see Build): stamped before
   * they start, since a write stamped later could be missed by them.
   */
  #readsBegan: number | undefined;
  /** A restart asked for while a burst was still gathering: done when the burst is over. */
  #restartOwed = false;
  /** A go command was held by a special file: the next batch heads for its key even with no trigger of its own. */
  #owed = false;
  #nextId = 1;
  #closed = false;
  /** Stops a go command under way when gowatch stops: one waiting on a FIFO would never end. */
  readonly #stopping = new AbortController();
  readonly #refused = new RefusedFiles((file, refusal, holds) => this.#sayRefused(file, refusal, holds));
  /** Files already said to be outside the watch, with the reason said. */
  readonly #saidOutside = new Set<string>();

  constructor(options: ReloadOptions) {
    this.#o = options;
  }

  get #name() {
    return this.#o.target.spec.name;
  }

  /** Raw changed paths from the watchers, as they arrive: a build they may overtake is marked. */
  onPaths(paths: readonly string[]): void {
    if (this.#closed || !this.#o.target.loaded || !this.#build) return;
    if (paths.some((file) => this.#mayMatter(file))) this.#build.dirty = true;
  }

  /**
   * Whether a raw path may ask for a build or a restart (a directory gone stands for the
   * packages in it): only such a path starts a burst at once. Before the closure is known, any may.
   */
  mayMatter(file: string): boolean {
    const { target } = this.#o;
    if (!target.loaded) return true;
    return classify(file, this.#context()).kind !== 'skip' || hasPackageWithin(target.closure, file);
  }

  /** A batch of changes whose debounce ended, numbered so each file is read once for every target. */
  onBatch(batch: ReadonlySet<string>, number: number): void {
    if (this.#closed) return;
    void this.#enqueue(() => this.#handleBatch(batch, number));
  }

  #context(): ClassifyContext {
    const { target, patterns, projectRoot, gitignores, patternList } = this.#o;
    return { closure: target.closure, patterns, projectRoot, ignores: gitignores && { gitignores, userIncludes: userIncludes(patternList) } };
  }

  /** Whether a raw path could change what a build reads (cheap: no I/O). */
  #mayMatter(file: string): boolean {
    const { kind } = classify(file, this.#context());
    return kind === 'build' || kind === 'recheck';
  }

  /**
   * Loads the target, watches what it needs and starts the first program. It is the first task
   * of the queue, so a batch that arrives meanwhile waits for the closure it is classified against.
   * A failure here is gowatch's failure to start: it is thrown, not reported.
   */
  async start(): Promise<void> {
    const first = this.#queue.then(async () => {
      this.#readsBegan = await this.#o.cache.clock();
      await this.#reloadClosure(true);
      await this.#converge(this.#o.target.key());
    });
    this.#queue = first.catch(() => undefined);
    await first;
  }

  /** A watched root was subscribed anew: every input is looked at again, as batch `number`. */
  onResubscribed(root: string, why: Resubscribed, number: number): void {
    if (this.#closed) return;
    if (why === 'back') this.#o.emit({ event: 'warning', target: this.#name, message: `${root} is back: reading the build again` });
    void this.#enqueue(() => this.#rescan(number, why === 'back'));
  }

  /** Stops taking changes, cancels a build (reported, so every build-start has its end), and returns once queued work has settled. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stopping.abort();
    await this.#cancelBuild();
    await this.#queue;
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = async () => {
      if (this.#closed) return;
      try {
        await task();
      } catch (error) {
        // A go command stopped because gowatch stops is no error.
        if (!this.#closed) this.#o.emit(errorEvent(error, this.#name));
      }
    };
    this.#queue = this.#queue.then(run);
    return this.#queue;
  }

  #relative(file: string): string {
    return path.relative(this.#o.displayDir, file) || '.';
  }

  /**
   * Lists the closure, watches what it needs, and only then reads the inputs: a write made
   * while the inputs are read is either read or reported, never neither. False when a special
   * file held go list: the closure stays stale until it is gone.
   */
  async #reloadClosure(withEnv: boolean): Promise<boolean> {
    const { target, patterns, plans, emit } = this.#o;
    if (target.loaded && (await this.#held())) {
      target.markStale();
      return false;
    }
    const listing = await target.list(withEnv, this.#stopping.signal);
    if (!this.#closed) await plans.update(this.#name, listing.closure, patterns, this.#o.patternList);
    emit({ event: 'closure', target: this.#name, ...(await target.adopt(listing)) });
    for (const [file, refusal] of target.refusals()) this.#refused.note(file, refusal);
    return true;
  }

  /** Whether a special file go opens holds go commands now; the key they were to reach is then owed. */
  async #held(): Promise<boolean> {
    if (!(await this.#refused.holding())) return false;
    this.#owed = true;
    return true;
  }

  /** What each file of the batch that go opens is now: as just read, or else looked at. */
  async #noteRefusals(files: readonly string[], updates: readonly HashUpdate[]): Promise<void> {
    const { closure } = this.#o.target;
    const read = new Map(updates.map((update) => [update.file, update.after.refusal]));
    const opened = files.filter((file) => goOpens(file, closure));
    const refusals = await Promise.all(opened.map((file) => (read.has(file) ? read.get(file) : specialAt(file))));
    opened.forEach((file, index) => this.#refused.note(file, refusals[index]));
  }

  #sayRefused(file: string, refusal: Refusal, holds: boolean): void {
    const consequence = holds
      ? 'go would wait on it or fail, so gowatch neither reads it nor runs go for this target until it is removed or made a regular file'
      : 'gowatch does not read it, and sees it change only when its size does';
    const what = refusalText(refusal, `go's own limit for an embedded file (${MAX_INPUT_BYTES} bytes)`);
    this.#o.emit({ event: 'warning', target: this.#name, message: `${this.#relative(file)} ${what}: ${consequence}` });
  }

  /**
   * A deleted or moved-away directory is reported as one path: it stands for every tracked
   * file below it, which must be looked at (and found missing) too.
   */
  #withTrackedBelow(files: readonly string[]): string[] {
    const { closure } = this.#o.target;
    const all = new Set(files);
    for (const file of files) {
      if (closure.inputFiles.has(file) || !hasPackageWithin(closure, file)) continue;
      for (const tracked of [...closure.inputFiles, ...closure.ignoredFiles, ...closure.moduleFiles]) {
        if (isWithin(tracked, file)) all.add(tracked);
      }
    }
    return [...all].sort();
  }

  /** The key the loop is heading for: the build under way, the one waiting, or the running one. */
  get #goalKey(): string | undefined {
    return this.#build?.key ?? this.#waiting?.key ?? this.#currentKey;
  }

  /** The key the running binary certainly matches, if any. */
  get #currentKey(): string | undefined {
    return this.#running?.matches ? this.#running.key : undefined;
  }

  #classifyAll(files: readonly string[], fresh = false): Map<string, Verdict> {
    const context = { ...this.#context(), fresh };
    return new Map(files.map((file) => [file, classify(file, context)]));
  }

  /**
   * Re-reads every tracked file (and first the closure and go env, when the root came back from
   * elsewhere: it may hold another module now) and heads for whatever key that gives.
   */
  async #rescan(number: number, withClosure: boolean): Promise<void> {
    const { target } = this.#o;
    this.#readsBegan = await this.#o.cache.clock();
    // A special file made while the root was unwatched was never in a batch.
    for (const dir of target.closure.packageDirs) for (const { file, refusal } of await specialFilesIn(dir)) this.#refused.note(file, refusal);
    if (withClosure) await this.#reloadClosure(true);
    const { closure } = target;
    const tracked = [...closure.inputFiles, ...closure.ignoredFiles, ...closure.moduleFiles];
    await this.#noteRefusals(tracked, await target.refresh(tracked, number));
    if (target.stale) await this.#reloadClosure(false);
    const key = target.key();
    if (key === this.#goalKey) return;
    await this.#cancelBuild();
    this.#waiting = undefined;
    await this.#converge(key);
  }

  async #handleBatch(batch: ReadonlySet<string>, number: number): Promise<void> {
    const { target, emit } = this.#o;
    // The project was moved away or deleted: there is nothing to build from until it is back,
    // and then it is read again as a whole (onResubscribed).
    if (!existsSync(target.spec.cwd)) return;
    const owed = this.#owed;
    this.#owed = false;
    const files = this.#withTrackedBelow([...batch]);
    let verdicts = this.#classifyAll(files);
    // A file that came and went within the batch and cannot reach the build (an editor's
    // temporary file) is no edit to tell of.
    const gone = new Set(files.filter((file) => verdicts.get(file)!.kind === 'skip' && !existsSync(file)));
    const told = [...batch].filter((file) => !gone.has(file)).sort();
    const outside = (file: string) => {
      const verdict = verdicts.get(file)!;
      return verdict.kind === 'skip' && OUTSIDE_WATCH.has(verdict.reason);
    };
    // Only what can reach the binary is read: a log file the program writes costs nothing (not
    // even a new stamp: the one before earlier reads is older still, so it stays safe).
    const toRead = files.filter((file) => verdicts.get(file)!.kind !== 'skip');
    if (toRead.length > 0) this.#readsBegan = await this.#o.cache.clock();
    await this.#noteRefusals(files, await target.refresh(toRead, number));
    // Told after the read, so its skips follow in the same turn: a reporter that leaves ignored
    // files out of its "changed" line can say it before any stop this batch causes.
    if (told.some((file) => !outside(file))) emit({ event: 'change', target: this.#name, files: told.map((f) => this.#relative(f)) });
    let reloaded = false;
    let held = false;
    if (target.stale || [...verdicts.values()].some((v) => v.kind === 'recheck')) {
      const modulesMoved = files.some((file) => target.closure.moduleFiles.includes(file) || isModuleDefinition(file));
      try {
        reloaded = await this.#reloadClosure(modulesMoved);
        held = !reloaded;
        if (reloaded) verdicts = this.#classifyAll(files, true);
      } catch (error) {
        if (this.#closed) return;
        // A broken go.mod or import: keep the old closure and let go build report the problem.
        target.markStale();
        emit(errorEvent(error, this.#name));
      }
    }
    const skipped = new Map<SkipReason, string[]>();
    const triggers: string[] = [];
    let restart = this.#restartOwed;
    this.#restartOwed = false;
    for (const [file, verdict] of verdicts) {
      if (verdict.kind === 'skip') skipped.set(verdict.reason, [...(skipped.get(verdict.reason) ?? []), file]);
      else if (verdict.kind === 'restart') restart = true;
      else triggers.push(file);
    }
    for (const [reason, list] of skipped) {
      const shown = list.filter((file) => !gone.has(file) && this.#firstSaid(reason, file));
      if (shown.length > 0) emit({ event: 'skip', target: this.#name, reason, files: shown.map((f) => this.#relative(f)) });
    }
    if (held) {
      // Nothing is built while a special file holds go (a build under way may be waiting on it);
      // what this batch asks for is done once it is gone.
      this.#restartOwed = restart;
      await this.#cancelBuild();
      return;
    }
    const key = target.key();
    // A recomputed closure can move the key with no trigger of its own (a nested go.mod splits a package off).
    const closureMoved = reloaded && key !== this.#goalKey;
    // A build held by a special file is made once the batch that finds it gone comes, whatever that batch holds.
    const retry = owed && key !== this.#goalKey;
    if (triggers.length === 0 && !restart && !closureMoved && !retry) {
      await this.#swapWaiting();
      return;
    }
    // With no build to cancel, an `unchanged` skip follows its `change` in the same turn: a
    // reporter can then leave a save that changed nothing unsaid.
    if (this.#build) await this.#cancelBuild();
    this.#waiting = undefined;
    if (key === this.#currentKey && this.#o.supervisor.binary) {
      // One restart per burst: the rest of it is still to come (a save seen half, a file after).
      if (restart && this.#o.changesPending()) this.#restartOwed = true;
      else if (restart || this.#o.supervisor.state !== 'running') void this.#o.supervisor.run(this.#o.supervisor.binary);
      else emit({ event: 'skip', target: this.#name, reason: 'unchanged', files: triggers.map((f) => this.#relative(f)) });
      return;
    }
    await this.#converge(key);
  }

  /** Whether `file` is to be said skipped for `reason`: a reason the path settles is said once. */
  #firstSaid(reason: SkipReason, file: string): boolean {
    if (!OUTSIDE_WATCH.has(reason)) return true;
    const said = `${reason}\0${file}`;
    if (this.#saidOutside.has(said)) return false;
    this.#saidOutside.add(said);
    return true;
  }

  /** Makes the program run the binary of `key`: from the cache when it was built before, else built now. */
  async #converge(key: string): Promise<void> {
    if (await this.#held()) return;
    const { cache, force, emit } = this.#o;
    const started = performance.now();
    const cached = force ? undefined : await cache.lookup(key);
    if (cached) {
      const id = this.#nextId++;
      emit({ event: 'build-ok', target: this.#name, id, durationMs: Math.round(performance.now() - started), cached: true });
      this.#swap(key, cached, true);
      return;
    }
    this.#startBuild(key);
  }

  #startBuild(key: string): void {
    if (this.#closed) return;
    const { target, cache, emit } = this.#o;
    const { inputFiles, ignoredFiles, moduleFiles } = target.closure;
    const inputs = [...inputFiles, ...ignoredFiles, ...moduleFiles];
    // Told after this returns: go waits for a build slot first.
    const running = startBuild({ ...target.spec, output: cache.buildOutput }, this.#o.slots, () => {
      build.id = this.#nextId++;
      emit({ event: 'build-start', target: this.#name, id: build.id });
    });
    const build: Build = { id: undefined, key, running, inputs, readsBegan: this.#readsBegan, dirty: false };
    this.#build = build;
    // A build that could not run at all (go gone from PATH mid-run) still ends as a failure.
    running.done
      .catch((error: unknown): BuildOutcome => ({ kind: 'fail', durationMs: 0, output: errorMessage(error) }))
      .then((outcome) => this.#enqueue(() => this.#finishBuild(build, outcome)));
  }

  async #cancelBuild(): Promise<void> {
    const build = this.#build;
    if (!build) return;
    this.#build = undefined;
    await build.running.cancel();
    if (build.id !== undefined) this.#o.emit({ event: 'build-canceled', target: this.#name, id: build.id });
  }

  async #finishBuild(build: Build, outcome: BuildOutcome): Promise<void> {
    if (this.#build !== build || outcome.kind === 'canceled') return;
    this.#build = undefined;
    const id = build.id;
    const { emit, target, displayDir, cache } = this.#o;
    // The slot is freed once the end is said: no other build-start comes between.
    const end = (event: EventInput) => {
      emit(event);
      build.running.release();
    };
    // A build that never started has no id, and ended canceled.
    if (id === undefined) return build.running.release();
    if (outcome.kind === 'fail') {
      const diagnostics = parseDiagnostics(outcome.output, target.spec.cwd, displayDir);
      return end({ event: 'build-fail', target: this.#name, id, durationMs: outcome.durationMs, diagnostics, output: outcome.output });
    }
    end({ event: 'build-ok', target: this.#name, id, durationMs: outcome.durationMs, cached: false });
    // Without a time to compare with, no binary is taken for its key.
    const since = build.readsBegan;
    const matches = cache.clock().then((until) =>
      build.dirty || since === undefined || until === undefined ? false : writtenBetween(build.inputs, since, until).then((written) => !written),
    );
    this.#waiting = { key: build.key, output: cache.buildOutput, matches };
    // Changes are still gathering: decide once they are classified.
    if (!this.#o.changesPending()) await this.#swapWaiting();
  }

  async #swapWaiting(): Promise<void> {
    const waiting = this.#waiting;
    if (!waiting) return;
    this.#waiting = undefined;
    const protect = new Set(this.#running ? [this.#running.key] : []);
    const binary = await this.#o.cache.store(waiting.key, waiting.output, protect);
    // The program starts at once; whether it may stand for its key is settled before the next batch.
    this.#swap(waiting.key, binary, false);
    const running = this.#running;
    if (!(await waiting.matches)) await this.#o.cache.forget(waiting.key);
    else if (!this.#closed && running?.key === waiting.key && this.#running === running) running.matches = true;
  }

  #swap(key: string, binary: string, matches: boolean): void {
    if (this.#closed) return;
    this.#running = { key, matches };
    void this.#o.supervisor.run(binary);
  }
}
