import { performance } from 'node:perf_hooks';
import type { BinaryCache } from '../go/binary-cache.js';
import { startBuild, type BuildRequest, type RunningBuild } from '../go/build.js';
import type { BuildSlots } from '../go/build-slots.js';
import type { TargetState } from '../go/target-state.js';
import { writtenBetween } from '../go/written-between.js';
import { writeTimes } from '../go/write-times.js';
import type { Hooks } from '../hooks/hook-runner.js';
import type { Supervisor } from '../supervise/supervisor.js';
import type { WatchPlans } from './watch-plans.js';

/**
 * What the reload loop calls out to. gowatch gives the real ones; the loop's decision tests
 * give a scripted build, an in-memory cache, a target whose key they set and a recording
 * supervisor.
 */
export type LoopBoundary = {
  readonly target: Pick<TargetState, 'spec' | 'closure' | 'loaded' | 'stale' | 'markStale' | 'list' | 'adopt' | 'refusals' | 'refresh' | 'key'>;
  readonly cache: Pick<BinaryCache, 'buildOutput' | 'clock' | 'lookup' | 'store' | 'forget'>;
  readonly supervisor: Pick<Supervisor, 'run' | 'state' | 'binary'>;
  /** Where the target says what it needs watched. */
  readonly plans: Pick<WatchPlans, 'update'>;
  /** Starts go build; `onStart` is told when go is about to run (it has a build slot), never before this returns. */
  readonly build: (request: BuildRequest, onStart: () => void) => RunningBuild;
  /** Whether one of `files` was written between two times of the file system's clock (BinaryCache.clock). */
  readonly writtenBetween: (files: readonly string[], since: number, until: number) => Promise<boolean>;
  /** When each of `files` was last written, on that clock; undefined for one that is gone. */
  readonly writeTimes: (files: readonly string[]) => Promise<(number | undefined)[]>;
  /** Numbers a read that must see files anew (ContentHashes.nextBatch): what a hook wrote. */
  readonly nextBatch: () => number;
  /** go.build.pre, go.build.post and go.run.preStart of the target. */
  readonly hooks: Hooks;
  /** Milliseconds, for how long a build took. */
  readonly now: () => number;
};

/** The real go build (in a build slot), file times and clock. */
export const goBuilds = (slots: BuildSlots): Pick<LoopBoundary, 'build' | 'writtenBetween' | 'writeTimes' | 'now'> => ({
  build: (request, onStart) => startBuild(request, slots, onStart),
  writtenBetween,
  writeTimes,
  now: () => performance.now(),
});
