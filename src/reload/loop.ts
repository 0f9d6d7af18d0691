import { existsSync } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../errors.js';
import { refusalText, specialAt, type Refusal } from '../files/bounded-read.js';
import { hasPackageWithin, isModuleDefinition } from '../go/closure.js';
import { parseDiagnostics } from '../go/diagnostics.js';
import { goOpens, specialFilesIn } from '../go/go-opens.js';
import { MAX_INPUT_BYTES } from '../go/read-input.js';
import type { HashUpdate } from '../go/target-state.js';
import type { WarmStart } from '../go/warm-start.js';
import { isWithin } from '../paths.js';
import { SerialQueue } from '../serial-queue.js';
import { errorEvent, type EventInput, type EventOf, type SkipReason } from '../events.js';
import { ChangedFiles } from '../hooks/changed-files.js';
import { HOOK_KEYS } from '../hooks/hook-keys.js';
import type { HookFailure, HookOutcome } from '../hooks/hook-runner.js';
import type { GitIgnores } from '../watch/gitignore.js';
import type { PatternSet } from '../watch/patterns.js';
import type { Resubscribed } from '../watch/watch-set.js';
import { decideBatch, decideReach, type BatchFacts, type ProgramNow } from './batch-decision.js';
import { classify, type ClassifyContext, type Verdict } from './classify.js';
import { buildDirs, clockAfter, clockPast, inWindow, trackedFiles } from './hook-windows.js';
import type { LoopBoundary } from './loop-boundary.js';
import {
  buildGone,
  buildStarted,
  buildWaits,
  closed,
  confirmed,
  finishedOf,
  goalKey,
  held,
  hooksRan,
  initialState,
  readsStamped,
  restartOwed,
  restartPostponed,
  settled,
  neverStarted,
  swapped,
  waitingDropped,
  type Build,
  type LoopState,
} from './loop-state.js';
import { thenPostHooks, type BuildEnd } from './post-hooks.js';
import { RefusedFiles } from './refused-files.js';
import { userIncludes } from '../watch/plan.js';

export type ReloadOptions = LoopBoundary & {
  readonly patterns: PatternSet;
  /** go.watch.patterns as written: the include patterns the user wrote win over .gitignore. */
  readonly patternList: readonly string[];
  /** The repository's ignore files, when go.watch.gitignore is on. */
  readonly gitignores: GitIgnores | undefined;
  /** go.run.envFile: watched, and an edit restarts the program. */
  readonly envFiles?: ReadonlySet<string>;
  readonly projectRoot: string;
  /** Paths in events and diagnostics are relative to this directory. */
  readonly displayDir: string;
  readonly force: boolean;
  /** Whether changes are still gathering (the debounce has not ended): a finished build waits for them. */
  readonly changesPending: () => boolean;
  /** The record of the last run's closure, for a warm start, and kept for the next one. */
  readonly warm?: Pick<WarmStart, 'load' | 'save' | 'settled'>;
  readonly emit: (event: EventInput) => void;
};

/**
 * Skip reasons the path alone settles (the patterns and ignore files): outside what gowatch
 * watches for. A batch of only such files is no change, and each file is said once per
 * reason: a log the program writes, or gowatch's output sent into the project, repeats them.
 */
/**
 * Longest wait for the clock to pass a batch's writes before its reads are stamped: beyond a tick,
 * a file time ahead of the clock (another machine's, on a network file system) is taken as it is,
 * and that build's binary is then not kept for its key.
 */
const STAMP_WAIT_MS = 20;

const OUTSIDE_WATCH: ReadonlySet<SkipReason> = new Set(['excluded', 'gitignored', 'not-watched']);

/** A batch as read: its files (a directory gone stands for the tracked files below it) and what each is. */
type BatchRead = {
  /** The batch's own files, less those that came and went within it. */
  readonly told: readonly string[];
  readonly files: readonly string[];
  readonly verdicts: ReadonlyMap<string, Verdict>;
  readonly gone: ReadonlySet<string>;
  /** Whether the closure may have moved: it is listed again before the batch is decided. */
  readonly relist: boolean;
  /** Whether a file it read holds other content than the key was last taken from. */
  readonly moved: boolean;
};

/** A build whose go.build.pre commands ran: its id and start are given, and what they wrote was read. */
type Hooked = { readonly id: number; readonly startedAt: number; readonly key: string; readonly ownWrites: ReadonlySet<string> };

/** The closure as a batch left it: listed again or not, or held by a special file; the batch classified with it. */
type Listed = { readonly reloaded: boolean; readonly held: boolean; readonly verdicts: ReadonlyMap<string, Verdict> };

/**
 * Where a change becomes a build. Batches are handled one at a time, in order, so no change is
 * lost; a build runs beside the old program and is swapped in only on success; a build trigger
 * arriving mid-build cancels it; a finished build waits while newer changes are still pending.
 * What the loop does is one LoopState; each batch is read (I/O), decided (batch-decision.ts,
 * pure) and then applied. go.build.pre and go.run.preStart run inside the task that needs them,
 * so batches that come meanwhile wait, and find what a pre hook wrote already read.
 */
export class ReloadLoop {
  readonly #o: ReloadOptions;
  readonly #queue = new SerialQueue();
  #state: LoopState = initialState;
  #nextId = 1;
  /** Stops a go command under way when gowatch stops: one waiting on a FIFO would never end. */
  readonly #stopping = new AbortController();
  readonly #refused = new RefusedFiles((file, refusal, holds) => this.#sayRefused(file, refusal, holds));
  /** Files already said to be outside the watch, with the reason said. */
  readonly #saidOutside = new Set<string>();
  /** What each hook is told changed (GOWATCH_CHANGED_FILES). */
  readonly #changes: ChangedFiles;

  constructor(options: ReloadOptions) {
    this.#o = options;
    this.#changes = new ChangedFiles(HOOK_KEYS.filter((key) => options.hooks.has(key)));
  }

  get #name() {
    return this.#o.target.spec.name;
  }

  get #closed(): boolean {
    return this.#state.phase.kind === 'closed';
  }

  /** Moves to the state `step` gives; once closed, the loop stays closed. */
  #to(step: (state: LoopState) => LoopState): void {
    if (!this.#closed) this.#state = step(this.#state);
  }

  /** Raw changed paths from the watchers, as they arrive: a build they may overtake is marked. */
  onPaths(paths: readonly string[]): void {
    const { phase } = this.#state;
    if (phase.kind !== 'building' || !this.#o.target.loaded) return;
    // A write its pre hooks made is reported late (a poll): a later one is seen by its file time.
    if (paths.some((file) => !phase.build.ownWrites.has(file) && this.#mayMatter(file))) phase.build.dirty = true;
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

  /**
   * A batch of changes whose debounce ended, numbered so each file is read once for every
   * target. Resolves once it is handled.
   */
  onBatch(batch: ReadonlySet<string>, number: number): Promise<void> {
    return this.#enqueue(() => this.#handleBatch(batch, number));
  }

  #context(): ClassifyContext {
    const { target, patterns, projectRoot, gitignores, patternList, envFiles } = this.#o;
    return { closure: target.closure, patterns, projectRoot, ignores: gitignores && { gitignores, userIncludes: userIncludes(patternList) }, envFiles };
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
    await this.#queue.run(async () => {
      await this.#stampReads();
      if (!(await this.#warmStart())) await this.#reloadClosure(true);
      // go.build.pre may run long: the first build is a task of its own, so gowatch has started
      // meanwhile (and a signal stops it, with the hook).
      if (this.#o.hooks.has('go.build.pre')) void this.#enqueue(() => this.#firstBuild());
      else await this.#converge(this.#o.target.key());
    });
  }

  /**
   * Takes the last run's closure and contents when nothing they came from changed since (no go
   * env, go list or reading): its directories are watched before they are compared, so a write
   * made meanwhile is either found by the comparison or reported. False: start as usual.
   */
  async #warmStart(): Promise<boolean> {
    const { warm, plans, patterns, emit, now } = this.#o;
    const started = now();
    const candidate = await warm?.load();
    if (!candidate) return false;
    await plans.update(this.#name, candidate.closure, patterns, this.#o.patternList, this.#o.envFiles);
    // A record that cannot be taken (damaged, a file unreadable now) is the usual start.
    const stats = await candidate.adopt(started, this.#state.readsBegan).catch(() => undefined);
    if (!stats) return false;
    emit({ event: 'closure', target: this.#name, ...stats, warm: true });
    return true;
  }

  /** The first build, unless a batch handled before it headed somewhere already. */
  async #firstBuild(): Promise<void> {
    if (this.#state.phase.kind === 'current' && goalKey(this.#state) === undefined) await this.#converge(this.#o.target.key());
  }

  /**
   * A rebuild asked for by hand (a hotkey): whatever is under way is dropped and the binary of
   * the current key runs anew — from the cache where it is, or built by go when `force` (the
   * cache is not trusted then). It queues behind batches, as one. Resolves once it is handled.
   */
  rebuild({ force = false }: { readonly force?: boolean } = {}): Promise<void> {
    return this.#enqueue(async () => {
      await this.#cancelBuild();
      this.#to(waitingDropped);
      await this.#converge(this.#o.target.key(), force || this.#o.force);
    });
  }

  /** A watched root was subscribed anew: every input is looked at again, as batch `number`. Resolves once done. */
  onResubscribed(root: string, why: Resubscribed, number: number): Promise<void> {
    if (why === 'back' && !this.#closed) this.#o.emit({ event: 'warning', target: this.#name, message: `${root} is back: reading the build again` });
    return this.#enqueue(() => this.#rescan(number, why === 'back'));
  }

  /** Stops taking changes, cancels a build (reported, so every build-start has its end), and returns once queued work has settled. */
  async close(): Promise<void> {
    const { phase } = this.#state;
    this.#state = closed(this.#state);
    this.#stopping.abort();
    if (phase.kind === 'building') await this.#canceled(phase.build);
    await this.#queue.settled();
    await this.#o.warm?.settled();
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    return this.#queue.push(
      async () => {
        if (!this.#closed) await task();
      },
      (error) => {
        // A go command stopped because gowatch stops is no error.
        if (!this.#closed) this.#o.emit(errorEvent(error, this.#name));
      },
    );
  }

  #relative(file: string): string {
    return path.relative(this.#o.displayDir, file) || '.';
  }

  /**
   * Reads behind the next key begin now, at a time of the file system's clock after the writes
   * that brought `written` (a batch's files): file times can be as coarse as the kernel's tick, and
   * a stamp in the tick of such a write could not be told from one before it, so the build of
   * that very edit would never stand for its key (nor its binary be kept). That waits a tick at
   * most, and only when the write was in the current one.
   */
  async #stampReads(written: readonly string[] = []): Promise<void> {
    const { cache, writeTimes } = this.#o;
    const times = written.length > 0 ? (await writeTimes(written)).filter((time) => time !== undefined) : [];
    const clock = () => cache.clock();
    const at = times.length > 0 ? await clockAfter(clock, Math.max(...times), STAMP_WAIT_MS) : await clock();
    this.#to((state) => readsStamped(state, at));
  }

  /**
   * Lists the closure, watches what it needs, and only then reads the inputs: a write made
   * while the inputs are read is either read or reported, never neither. False when a special
   * file held go list: the closure stays stale until it is gone.
   */
  async #reloadClosure(withEnv: boolean): Promise<boolean> {
    const { target, patterns, plans, emit, warm } = this.#o;
    if (target.loaded && (await this.#refused.holding())) {
      target.markStale();
      return false;
    }
    // The record for the next start is vouched for by the clock before go listed (at start, the stamp before every read).
    const first = !target.loaded;
    const listedAt = !warm ? undefined : first ? this.#state.readsBegan : await this.#o.cache.clock();
    const listing = await target.list(withEnv, this.#stopping.signal);
    if (!this.#closed) await plans.update(this.#name, listing.closure, patterns, this.#o.patternList, this.#o.envFiles);
    emit({ event: 'closure', target: this.#name, ...(await target.adopt(listing)) });
    for (const [file, refusal] of target.refusals()) this.#refused.note(file, refusal);
    if (listedAt !== undefined) warm?.save({ listedAt, withEnv, fresh: first });
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
    await this.#stampReads();
    // A special file made while the root was unwatched was never in a batch.
    for (const dir of target.closure.packageDirs) for (const { file, refusal } of await specialFilesIn(dir)) this.#refused.note(file, refusal);
    let listed = withClosure ? await this.#reloadClosure(true) : true;
    const { closure } = target;
    const tracked = trackedFiles(closure);
    const updates = await target.refresh(tracked, number);
    this.#changes.note(updates.filter(({ before, after }) => before?.digest !== after.digest).map(({ file }) => file));
    await this.#noteRefusals(tracked, updates);
    if (target.stale) listed = await this.#reloadClosure(false);
    if (!listed) return this.#hold(restartOwed(this.#state.phase));
    const key = target.key();
    if (key === goalKey(this.#state)) return;
    await this.#cancelBuild();
    this.#to(waitingDropped);
    await this.#converge(key);
  }

  async #handleBatch(batch: ReadonlySet<string>, number: number): Promise<void> {
    // The project was moved away or deleted: there is nothing to build from until it is back,
    // and then it is read again as a whole (onResubscribed).
    if (!existsSync(this.#o.target.spec.cwd)) return;
    const read = await this.#readBatch(batch, number);
    this.#sayChange(read);
    // Awaited only when the closure is listed again: otherwise what the batch decides follows
    // its `change` in the same turn (see `unchanged` below).
    const listed = read.relist ? await this.#relist(read) : { reloaded: false, held: false, verdicts: read.verdicts };
    if (!listed) return;
    const facts = this.#sayVerdicts(read, listed);
    this.#changes.note([...listed.verdicts].filter(([, verdict]) => verdict.kind !== 'skip').map(([file]) => file));
    const action = decideBatch(this.#state, facts);
    if (action.kind === 'hold') return this.#hold(action.restartOwed);
    if (action.kind === 'settle') return this.#swapWaiting();
    // With no build to cancel, an `unchanged` skip follows its `change` in the same turn: a
    // reporter can then leave a save that changed nothing unsaid.
    if (this.#state.phase.kind === 'building') await this.#cancelBuild();
    this.#to(waitingDropped);
    const { supervisor, emit } = this.#o;
    const reach = decideReach(this.#state, action, this.#programNow(), this.#o.changesPending());
    if (reach.kind === 'converge') return this.#converge(reach.key);
    if (reach.kind === 'postpone-restart') return this.#to(restartPostponed);
    this.#to(settled);
    const { binary } = supervisor;
    if (reach.kind === 'restart' && binary) await this.#restart(binary);
    if (reach.kind === 'unchanged') emit({ event: 'skip', target: this.#name, reason: 'unchanged', files: reach.files.map((f) => this.#relative(f)) });
  }

  #programNow(): ProgramNow {
    const { supervisor } = this.#o;
    if (supervisor.binary === undefined) return 'none';
    return supervisor.state === 'running' ? 'running' : 'ended';
  }

  /** Classifies a batch's files and reads those that can reach the binary. */
  async #readBatch(batch: ReadonlySet<string>, number: number): Promise<BatchRead> {
    const { target } = this.#o;
    const all = this.#withTrackedBelow([...batch]);
    const classified = this.#classifyAll(all);
    const echoes = await this.#hookEchoes(classified);
    const files = all.filter((file) => !echoes.has(file));
    const verdicts = new Map([...classified].filter(([file]) => !echoes.has(file)));
    // A file that came and went within the batch and cannot reach the build (an editor's
    // temporary file) is no edit to tell of.
    const gone = new Set(files.filter((file) => verdicts.get(file)!.kind === 'skip' && !existsSync(file)));
    // Only what can reach the binary is read: a log file the program writes costs nothing (not
    // even a new stamp: the one before earlier reads is older still, so it stays safe).
    const toRead = files.filter((file) => verdicts.get(file)!.kind !== 'skip');
    if (toRead.length > 0) await this.#stampReads(toRead);
    const updates = await target.refresh(toRead, number);
    await this.#noteRefusals(files, updates);
    const relist = target.stale || [...verdicts.values()].some((v) => v.kind === 'recheck');
    const moved = updates.some(({ before, after }) => before?.digest !== after.digest);
    return { told: [...batch].filter((file) => !gone.has(file) && !echoes.has(file)).sort(), files, verdicts, gone, relist, moved };
  }

  /**
   * The files of a batch last written while go.build.pre ran (see HookWindow): the build after
   * the hook read them, so their report is no change — whoever wrote them. A file written again
   * since has a later time, and is a change like any other. A file that may join the build
   * (recheck) is looked at anyway: the closure after the hook may not have seen it.
   */
  async #hookEchoes(verdicts: ReadonlyMap<string, Verdict>): Promise<ReadonlySet<string>> {
    const windows = this.#state.hookWindows;
    if (windows.length === 0) return new Set();
    const candidates = [...verdicts].filter(([, verdict]) => verdict.kind === 'build' || verdict.kind === 'restart').map(([file]) => file);
    const times = await this.#o.writeTimes(candidates);
    return new Set(candidates.filter((_, index) => times[index] !== undefined && inWindow(windows, times[index])));
  }

  /**
   * Told after the read, so its skips follow in the same turn: a reporter that leaves ignored
   * files out of its "changed" line can say it before any stop this batch causes.
   */
  #sayChange({ told, verdicts }: BatchRead): void {
    const outside = (file: string) => {
      const verdict = verdicts.get(file)!;
      return verdict.kind === 'skip' && OUTSIDE_WATCH.has(verdict.reason);
    };
    if (told.some((file) => !outside(file))) this.#o.emit({ event: 'change', target: this.#name, files: told.map((f) => this.#relative(f)) });
  }

  /** Lists the closure again and classifies the batch anew with it. Undefined when gowatch stopped meanwhile. */
  async #relist({ files, verdicts }: BatchRead): Promise<Listed | undefined> {
    const { target, emit } = this.#o;
    const modulesMoved = files.some((file) => target.closure.moduleFiles.includes(file) || isModuleDefinition(file));
    try {
      const reloaded = await this.#reloadClosure(modulesMoved);
      return { reloaded, held: !reloaded, verdicts: reloaded ? this.#classifyAll(files, true) : verdicts };
    } catch (error) {
      if (this.#closed) return undefined;
      // A broken go.mod or import: keep the old closure and let go build report the problem.
      target.markStale();
      emit(errorEvent(error, this.#name));
      return { reloaded: false, held: false, verdicts };
    }
  }

  /** Says what the batch skips, and gives what the rest asks for. */
  #sayVerdicts({ gone, moved }: BatchRead, { reloaded, held, verdicts }: Listed): BatchFacts {
    const skipped = new Map<SkipReason, string[]>();
    const triggers: string[] = [];
    let restart = false;
    for (const [file, verdict] of verdicts) {
      if (verdict.kind === 'skip') skipped.set(verdict.reason, [...(skipped.get(verdict.reason) ?? []), file]);
      else if (verdict.kind === 'restart') restart = true;
      else triggers.push(file);
    }
    for (const [reason, list] of skipped) {
      const shown = list.filter((file) => !gone.has(file) && this.#firstSaid(reason, file));
      if (shown.length > 0) this.#o.emit({ event: 'skip', target: this.#name, reason, files: shown.map((f) => this.#relative(f)) });
    }
    return { key: held ? undefined : this.#o.target.key(), triggers, restart, reloaded, moved };
  }

  /** Whether `file` is to be said skipped for `reason`: a reason the path settles is said once. */
  #firstSaid(reason: SkipReason, file: string): boolean {
    if (!OUTSIDE_WATCH.has(reason)) return true;
    const said = `${reason}\0${file}`;
    if (this.#saidOutside.has(said)) return false;
    this.#saidOutside.add(said);
    return true;
  }

  /** A special file holds go: a build under way is canceled (it may be waiting on it), and nothing more is built until it is gone. */
  async #hold(owed: boolean): Promise<void> {
    await this.#cancelBuild();
    this.#to((state) => held(state, owed));
  }

  /** Makes the program run the binary of `key`: from the cache when it was built before, else built now. */
  async #converge(key: string, force = this.#o.force): Promise<void> {
    if (await this.#refused.holding()) return this.#hold(restartOwed(this.#state.phase));
    const started = this.#o.now();
    if (await this.#fromCache(key, started, () => this.#nextId++, force)) return;
    if (!this.#o.hooks.has('go.build.pre')) return this.#startBuild(key, undefined);
    const hooked = await this.#preHooks(started);
    if (hooked && !(await this.#fromCache(hooked.key, started, () => hooked.id, force))) this.#startBuild(hooked.key, hooked);
  }

  /** Runs the binary built before for `key`, if there is one (and the cache is trusted): `id` numbers its build-ok. */
  async #fromCache(key: string, started: number, id: () => number, force: boolean): Promise<boolean> {
    const { cache, emit } = this.#o;
    const cached = force ? undefined : await cache.lookup(key);
    if (!cached) return false;
    emit({ event: 'build-ok', target: this.#name, id: id(), durationMs: Math.round(this.#o.now() - started), cached: true });
    await this.#swap(key, cached, true);
    return true;
  }

  /**
   * A build's go.build.pre commands, then what they wrote, read before the key is taken: the
   * build is for the files as they left them. The build starts here. Undefined when it ended
   * here (said): a command failed, gowatch stops, or a special file holds go now.
   */
  async #preHooks(startedAt: number): Promise<Hooked | undefined> {
    const { cache, hooks, emit, target } = this.#o;
    const id = this.#nextId++;
    emit({ event: 'build-start', target: this.#name, id });
    const canceled = () => emit({ event: 'build-canceled', target: this.#name, id });
    const since = await cache.clock();
    const pending = this.#changes.pending('go.build.pre');
    const outcome = await hooks.run('go.build.pre', { changed: pending.files }, this.#stopping.signal);
    if (outcome.kind === 'fail' && !this.#closed) return void this.#hookFailed(id, startedAt, outcome.failure);
    if (outcome.kind !== 'ok' || this.#closed) return void canceled();
    this.#changes.succeeded('go.build.pre', pending.upTo);
    const ownWrites = await this.#readHookWrites(since);
    if (this.#closed) return void canceled();
    if (ownWrites === undefined || (await this.#refused.holding())) {
      canceled();
      return void (await this.#hold(restartOwed(this.#state.phase)));
    }
    return { id, startedAt, key: target.key(), ownWrites };
  }

  /**
   * Reads what go.build.pre wrote: every tracked file written since `since` (or gone), and the
   * closure again when a file came or went where the build reads from. The reads behind the key
   * begin once the file system's clock is past the hook, so that its writes neither make the
   * binary look stale nor, reported later, count as a change (hooksRan). The files read;
   * undefined when a special file holds go now.
   */
  async #readHookWrites(since: number | undefined): Promise<ReadonlySet<string> | undefined> {
    const { target, cache, nextBatch } = this.#o;
    const until = await clockPast(() => cache.clock());
    this.#to((state) => readsStamped(state, until));
    const listed = target.closure;
    const known = new Set(trackedFiles(listed));
    const batch = nextBatch();
    const written = new Set(await this.#writtenSince([...known], since));
    const updates = await target.refresh([...written], batch);
    // What moved is told to the hooks' next runs: a file saved while this one ran is in the build, but the hook may not have seen it.
    this.#changes.note(updates.filter(({ before, after }) => before?.digest !== after.digest).map(({ file }) => file));
    await this.#noteRefusals([...written], updates);
    if (target.stale || (await this.#writtenSince(buildDirs(listed), since)).length > 0) {
      if (!(await this.#relistAfterHooks([...written]))) return undefined;
      const joined = await this.#writtenSince(trackedFiles(target.closure).filter((file) => !known.has(file)), since);
      await this.#noteRefusals(joined, await target.refresh(joined, batch));
      for (const file of joined) written.add(file);
    }
    if (since !== undefined && until !== undefined) this.#to((state) => hooksRan(state, { since, until }));
    return written;
  }

  /** Those of `files` written at `since` or later, or gone; all of them without a time to compare with. */
  async #writtenSince(files: readonly string[], since: number | undefined): Promise<string[]> {
    if (since === undefined) return [...files];
    const times = await this.#o.writeTimes(files);
    return files.filter((_, index) => times[index] === undefined || times[index] >= since);
  }

  /** Lists the closure after a hook moved it; false when a special file holds go. A broken closure is left for go build to report. */
  async #relistAfterHooks(written: readonly string[]): Promise<boolean> {
    const { target, emit } = this.#o;
    try {
      return await this.#reloadClosure(written.some((file) => target.closure.moduleFiles.includes(file) || isModuleDefinition(file)));
    } catch (error) {
      if (!this.#closed) {
        target.markStale();
        emit(errorEvent(error, this.#name));
      }
      return true;
    }
  }

  #hookFailed(id: number, startedAt: number, failure: HookFailure): void {
    const { emit, displayDir } = this.#o;
    // Hooks run where the program runs: the directory paths are shown relative to.
    const diagnostics = parseDiagnostics(failure.output, displayDir, displayDir);
    const durationMs = Math.round(this.#o.now() - startedAt);
    emit({ event: 'build-fail', target: this.#name, id, durationMs, diagnostics, output: failure.output, hook: hookOf(failure) });
  }

  #startBuild(key: string, hooked: Hooked | undefined): void {
    const { target, cache, emit, hooks } = this.#o;
    if (this.#closed) {
      // Every build-start has its end.
      if (hooked) emit({ event: 'build-canceled', target: this.#name, id: hooked.id });
      return;
    }
    // Told after this returns: go waits for a build slot first. A build whose pre hooks ran was told then.
    const go = this.#o.build({ ...target.spec, output: cache.buildOutput }, () => {
      if (build.id !== undefined) return;
      build.id = this.#nextId++;
      build.startedAt = this.#o.now();
      emit({ event: 'build-start', target: this.#name, id: build.id });
    });
    const running = thenPostHooks(go, hooks.has('go.build.post') ? (signal) => this.#postHooks(signal) : undefined);
    const build: Build = {
      id: hooked?.id,
      startedAt: hooked?.startedAt,
      key,
      running,
      inputs: trackedFiles(target.closure),
      readsBegan: this.#state.readsBegan,
      dirty: false,
      ownWrites: hooked?.ownWrites ?? new Set(),
    };
    this.#to((state) => buildStarted(state, build));
    // A build that could not run at all (go gone from PATH mid-run) still ends as a failure.
    running.done
      .catch((error: unknown): BuildEnd => ({ kind: 'fail', durationMs: 0, output: errorMessage(error) }))
      .then((outcome) => this.#enqueue(() => this.#finishBuild(build, outcome)));
  }

  /** go.build.post, once go built: it runs outside the queue, as go does, and a newer change cancels it. */
  async #postHooks(signal: AbortSignal): Promise<HookOutcome> {
    const pending = this.#changes.pending('go.build.post');
    const outcome = await this.#o.hooks.run('go.build.post', { changed: pending.files, binary: this.#o.cache.buildOutput }, signal);
    if (outcome.kind === 'ok') this.#changes.succeeded('go.build.post', pending.upTo);
    return outcome;
  }

  async #cancelBuild(): Promise<void> {
    const { phase } = this.#state;
    if (phase.kind !== 'building') return;
    this.#to(buildGone);
    await this.#canceled(phase.build);
  }

  async #canceled(build: Build): Promise<void> {
    await build.running.cancel();
    if (build.id !== undefined) this.#o.emit({ event: 'build-canceled', target: this.#name, id: build.id });
  }

  async #finishBuild(build: Build, outcome: BuildEnd): Promise<void> {
    const { phase } = this.#state;
    if (phase.kind !== 'building' || phase.build !== build || outcome.kind === 'canceled') return;
    this.#to(buildGone);
    const id = build.id;
    const { emit, target, displayDir, cache } = this.#o;
    // The slot is freed once the end is said: no other build-start comes between.
    const end = (event: EventInput) => {
      emit(event);
      build.running.release();
    };
    // A build that never started has no id, and ended canceled.
    if (id === undefined) return build.running.release();
    // With hooks, a build's time is theirs and go's; without, go's own.
    const { hooks, now } = this.#o;
    const hooked = build.startedAt !== undefined && (hooks.has('go.build.pre') || hooks.has('go.build.post'));
    const durationMs = (goMs: number) => (hooked ? Math.round(now() - build.startedAt!) : goMs);
    if (outcome.kind === 'hook-fail') {
      const diagnostics = parseDiagnostics(outcome.failure.output, displayDir, displayDir);
      return end({ event: 'build-fail', target: this.#name, id, durationMs: durationMs(0), diagnostics, output: outcome.failure.output, hook: hookOf(outcome.failure) });
    }
    if (outcome.kind === 'fail') {
      const diagnostics = parseDiagnostics(outcome.output, target.spec.cwd, displayDir);
      return end({ event: 'build-fail', target: this.#name, id, durationMs: durationMs(outcome.durationMs), diagnostics, output: outcome.output });
    }
    end({ event: 'build-ok', target: this.#name, id, durationMs: durationMs(outcome.durationMs), cached: false });
    // Without a time to compare with, no binary is taken for its key.
    const since = build.readsBegan;
    const matches = cache.clock().then((until) =>
      build.dirty || since === undefined || until === undefined ? false : this.#o.writtenBetween(build.inputs, since, until).then((written) => !written),
    );
    this.#to((state) => buildWaits(state, { key: build.key, output: cache.buildOutput, matches }));
    // Changes are still gathering: decide once they are classified.
    if (!this.#o.changesPending()) await this.#swapWaiting();
  }

  /** A build that waited for the burst to end is swapped in; one under way goes on. */
  async #swapWaiting(): Promise<void> {
    const waiting = finishedOf(this.#state.phase);
    this.#to(settled);
    if (!waiting) return;
    const protect = new Set(this.#state.running ? [this.#state.running.key] : []);
    const { file, stored } = this.#o.cache.store(waiting.key, waiting.output, protect);
    // The program before is stopped while the binary goes into the cache, and the new one starts
    // at once; whether it may stand for its key is settled before the next batch.
    await this.#swap(waiting.key, file, false);
    const { running } = this.#state;
    // One that could not be put in place was said by the supervisor, which started nothing
    // (the program before it was stopped meanwhile): the next change starts one again.
    if (!(await file.then(() => true, () => false))) return void this.#to((state) => neverStarted(state, waiting.key));
    await stored;
    if (!(await waiting.matches)) await this.#o.cache.forget(waiting.key);
    else if (running?.key === waiting.key) this.#to((state) => confirmed(state, running));
  }

  /** Runs the binary of `key` once go.run.preStart succeeded; if it failed (said), what ran before still runs. */
  async #swap(key: string, binary: string | Promise<string>, matches: boolean): Promise<void> {
    if (this.#closed || !(await this.#preStart(binary)) || this.#closed) return;
    this.#to((state) => swapped(state, key, matches));
    void this.#o.supervisor.run(binary);
  }

  /** Runs what runs again, once go.run.preStart succeeded. */
  async #restart(binary: string): Promise<void> {
    if ((await this.#preStart(binary)) && !this.#closed) void this.#o.supervisor.run(binary);
  }

  /**
   * go.run.preStart, before `binary` starts and while the program before it still runs: when it
   * fails, nothing starts, and the next change tries again.
   */
  async #preStart(binary: string | Promise<string>): Promise<boolean> {
    const { hooks, supervisor, emit, now } = this.#o;
    if (!hooks.has('go.run.preStart')) return true;
    const started = now();
    const pending = this.#changes.pending('go.run.preStart');
    const outcome = await hooks.run('go.run.preStart', { changed: pending.files, binary: await binary }, this.#stopping.signal);
    if (outcome.kind === 'ok') {
      this.#changes.succeeded('go.run.preStart', pending.upTo);
      return true;
    }
    if (outcome.kind === 'fail' && !this.#closed) {
      const { failure } = outcome;
      const running = supervisor.state === 'running';
      emit({ event: 'hook-fail', target: this.#name, hook: hookOf(failure), durationMs: Math.round(now() - started), output: failure.output, running });
    }
    return false;
  }
}

/** A failed hook command as events say it. */
const hookOf = ({ hook, command, code, signal, timedOut }: HookFailure): EventOf<'hook-fail'>['hook'] => ({ key: hook, command: [...command], code, signal, timedOut });
