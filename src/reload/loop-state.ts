import { withWindow, type HookWindow } from './hook-windows.js';
import type { BuildRun } from './post-hooks.js';

/** A build under way. */
export type Build = {
  /**
   * Given once go starts (it has a build slot), or once its go.build.pre commands start: a build
   * canceled before has said nothing.
   */
  id: number | undefined;
  /** The loop's clock (LoopBoundary.now) when `id` was given: with hooks, a build's time is its own. */
  startedAt: number | undefined;
  readonly key: string;
  readonly running: BuildRun;
  /** What the key was read from, and since when (the file system's time, BinaryCache.clock). */
  readonly inputs: readonly string[];
  readonly readsBegan: number | undefined;
  /** A change to one of its inputs was reported while it ran. */
  dirty: boolean;
  /** Files its go.build.pre commands wrote, read after them: reports of those writes do not make it dirty. */
  readonly ownWrites: ReadonlySet<string>;
};

/**
 * A build that ended. `matches`: whether the binary certainly holds what its key says — no
 * input changed while it was read and built, whether or not the watcher has said so yet.
 */
export type Finished = { readonly key: string; readonly output: string; readonly matches: Promise<boolean> };

/** What the loop is doing. */
export type Phase =
  /**
   * Nothing under way: the loop heads for what runs. A restart asked for while a burst was
   * still gathering is owed, and done when the burst is over.
   */
  | { readonly kind: 'current'; readonly restartOwed: boolean }
  | { readonly kind: 'building'; readonly build: Build }
  /** A build ended while changes were still gathering: it waits for them to be classified. */
  | { readonly kind: 'built'; readonly finished: Finished }
  /**
   * A special file holds go: nothing is built, and the batch that finds it gone heads for its key
   * whatever that batch holds. A build that had ended waits on; a restart asked for is owed.
   */
  | { readonly kind: 'held'; readonly restartOwed: boolean; readonly finished: Finished | undefined }
  | { readonly kind: 'closed' };

/**
 * The running binary's key, and whether the binary is known to match it: a file written while
 * it was being built may have gone into it, and then only a build can tell what runs.
 */
export type Running = { readonly key: string; readonly matches: boolean };

/** Beside the phase, and through every one of them: what runs, and when the reads behind the next key began. */
export type LoopState = {
  readonly phase: Phase;
  readonly running: Running | undefined;
  /**
   * The file system's time when the reads behind the next key began (see Build): stamped before
   * they start, since a write stamped later could be missed by them.
   */
  readonly readsBegan: number | undefined;
  /** When go.build.pre ran lately (see HookWindow): the watcher's reports of its writes are no change. */
  readonly hookWindows: readonly HookWindow[];
};

const current = (restartOwed = false): Phase => ({ kind: 'current', restartOwed });

export const initialState: LoopState = { phase: current(), running: undefined, readsBegan: undefined, hookWindows: [] };

/** A build that ended and waits to be swapped in, if any. */
export const finishedOf = (phase: Phase): Finished | undefined =>
  phase.kind === 'built' || phase.kind === 'held' ? phase.finished : undefined;

/** A restart owed by an earlier batch, if any. */
export const restartOwed = (phase: Phase): boolean => (phase.kind === 'current' || phase.kind === 'held') && phase.restartOwed;

/** The key the running binary certainly matches, if any. */
export const currentKey = (state: LoopState): string | undefined => (state.running?.matches ? state.running.key : undefined);

/** The key the loop is heading for: the build under way, the one waiting, or the running one. */
export const goalKey = (state: LoopState): string | undefined => {
  const { phase } = state;
  if (phase.kind === 'building') return phase.build.key;
  return finishedOf(phase)?.key ?? currentKey(state);
};

/** Reads behind the next key begin now (`at`, the file system's time). */
export const readsStamped = (state: LoopState, at: number | undefined): LoopState => ({ ...state, readsBegan: at });

/** go.build.pre ran within `window`, and what it wrote was read: reports of those writes are no change. */
export const hooksRan = (state: LoopState, window: HookWindow): LoopState => ({ ...state, hookWindows: withWindow(state.hookWindows, window) });

/** A build started: whatever it replaces is gone, and a restart owed is done by its swap. */
export const buildStarted = (state: LoopState, build: Build): LoopState => ({ ...state, phase: { kind: 'building', build } });

/** The build under way ended without a binary to run: canceled, or failed. */
export const buildGone = (state: LoopState): LoopState => ({ ...state, phase: current() });

export const buildWaits = (state: LoopState, finished: Finished): LoopState => ({ ...state, phase: { kind: 'built', finished } });

/** A build that waits is left unused: the key moved on. */
export const waitingDropped = (state: LoopState): LoopState => {
  const { phase } = state;
  if (phase.kind === 'built') return { ...state, phase: current() };
  if (phase.kind === 'held') return { ...state, phase: { ...phase, finished: undefined } };
  return state;
};

/** A special file holds go; a build that had ended waits on. */
export const held = (state: LoopState, owed: boolean): LoopState => ({
  ...state,
  phase: { kind: 'held', restartOwed: owed, finished: finishedOf(state.phase) },
});

/** Once the burst is over, what runs restarts. */
export const restartPostponed = (state: LoopState): LoopState => ({ ...state, phase: current(true) });

/**
 * What runs is what the loop heads for: a build that waited was swapped in, a restart owed was
 * done or not asked for. A build under way goes on.
 */
export const settled = (state: LoopState): LoopState => (state.phase.kind === 'building' ? state : { ...state, phase: current() });

/** The program of `key` never started (its binary could not be put in place, said): nothing runs. */
export const neverStarted = (state: LoopState, key: string): LoopState => (state.running?.key === key ? { ...state, running: undefined } : state);

/** The program now runs the binary of `key`; `matches`: known to hold what the key says. */
export const swapped = (state: LoopState, key: string, matches: boolean): LoopState => ({ ...state, phase: current(), running: { key, matches } });

/** The binary that runs was found to match its key, unless another has been swapped in since. */
export const confirmed = (state: LoopState, running: Running): LoopState =>
  state.running === running ? { ...state, running: { ...running, matches: true } } : state;

export const closed = (state: LoopState): LoopState => ({ ...state, phase: { kind: 'closed' } });
