import { currentKey, goalKey, restartOwed, type LoopState } from './loop-state.js';

/** What a batch was found to hold, once its files were classified and read. */
export type BatchFacts = {
  /** The key its reads give; undefined when a special file holds go. */
  readonly key: string | undefined;
  /** Changed files that go into the binary. */
  readonly triggers: readonly string[];
  /** A changed file the patterns name that is not compiled in: the program restarts. */
  readonly restart: boolean;
  /** The closure was listed again: it can move the key with no trigger of its own (a nested go.mod splits a package off). */
  readonly reloaded: boolean;
  /** A file it read holds other content than the key was last taken from. */
  readonly moved: boolean;
};

/** What the batch asks for, whatever runs or is under way. */
export type BatchAction =
  /** Nothing is built while a special file holds go (a build under way may be waiting on it). */
  | { readonly kind: 'hold'; readonly restartOwed: boolean }
  /** Nothing new: a build that waited for this batch is swapped in. */
  | { readonly kind: 'settle' }
  /** Head for `key`: what is under way or waiting is dropped first. */
  | { readonly kind: 'reach'; readonly key: string; readonly restart: boolean; readonly triggers: readonly string[] };

export const decideBatch = (state: LoopState, facts: BatchFacts): BatchAction => {
  const restart = facts.restart || restartOwed(state.phase);
  if (facts.key === undefined) return { kind: 'hold', restartOwed: restart };
  const goal = goalKey(state);
  const closureMoved = facts.reloaded && facts.key !== goal;
  // A build held by a special file is made once the batch that finds it gone comes, whatever that batch holds.
  const retry = state.phase.kind === 'held' && facts.key !== goal;
  // Files that read as the build under way (or waiting) read them change nothing for it: a
  // touch, or another target's generator writing the same bytes.
  const building = state.phase.kind === 'building' || state.phase.kind === 'built';
  const same = building && !facts.moved && facts.key === goal;
  if ((facts.triggers.length === 0 || same) && !restart && !closureMoved && !retry) return { kind: 'settle' };
  return { kind: 'reach', key: facts.key, restart, triggers: facts.triggers };
};

/** The program as the supervisor has it: none (never started, or being stopped), running, or ended on its own. */
export type ProgramNow = 'none' | 'running' | 'ended';

export type ReachAction =
  /** One restart per burst: the rest of it is still to come (a save seen half, a file after). */
  | { readonly kind: 'postpone-restart' }
  | { readonly kind: 'restart' }
  /** A save that brings the key back to what runs: said, nothing done. */
  | { readonly kind: 'unchanged'; readonly files: readonly string[] }
  /** From the cache when built before, else built now. */
  | { readonly kind: 'converge'; readonly key: string };

/**
 * How the key a batch asks for is reached, once nothing else is under way: decided after a
 * build is canceled, since the program may end and changes may come meanwhile.
 */
export const decideReach = (
  state: LoopState,
  action: Extract<BatchAction, { kind: 'reach' }>,
  program: ProgramNow,
  changesPending: boolean,
): ReachAction => {
  if (action.key !== currentKey(state) || program === 'none') return { kind: 'converge', key: action.key };
  if (action.restart && changesPending) return { kind: 'postpone-restart' };
  if (action.restart || program === 'ended') return { kind: 'restart' };
  return { kind: 'unchanged', files: action.triggers };
};
