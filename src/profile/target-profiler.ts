import type { RunOptions, TargetOptions } from '../config/options.js';
import type { EventInput } from '../events.js';
import { Profiler } from './profiler.js';
import type { ProfileSource } from './source.js';
import { targetProfileStore } from './target-store.js';

/** How often the tree's memory is sampled for the leak trend: as often as the memory limit's watchdog. */
const SAMPLE_MS = 1000;

/**
 * The most a capture gowatch starts itself may take. Runtime/pprof writes a heap profile in well
 * under a second, after a GC of the heap; a program that takes longer is taken to be stuck.
 */
const CAPTURE_BOUND_MS = 5000;

/** The profiler of a target whose profiles are served at `source`, or undefined when profiling is off. */
export const targetProfiler = (
  options: RunOptions,
  target: TargetOptions,
  dir: string,
  source: ProfileSource | undefined,
  emit: (event: EventInput) => void,
): Profiler | undefined =>
  source === undefined
    ? undefined
    : new Profiler({
        target: target.name,
        source,
        store: targetProfileStore(dir, target),
        baselineMs: target.profile.baselineMs,
        trend: target.profile.trendWindowMs === undefined ? {} : { windowMs: target.profile.trendWindowMs },
        sampleMs: SAMPLE_MS,
        captureBoundMs: CAPTURE_BOUND_MS,
        cwd: options.cwd,
        pprof: { env: { ...options.env } },
        emit,
      });
