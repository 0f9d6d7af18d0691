import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Closure } from '../go/closure.js';

/**
 * When go.build.pre ran, on the file system's clock (BinaryCache.clock): from a stamp taken
 * before it started, up to a stamp taken once the clock had moved past its end. A file last
 * written within it was written while the hook ran, and the build read it after the hook: the
 * watcher's report of that write is no change. A write after it is stamped `until` or later.
 */
export type HookWindow = { readonly since: number; readonly until: number };

/**
 * Windows kept: the watcher reports a write within a poll interval, and batches wait while a
 * hook runs, so only the latest few can still have reports on the way.
 */
const KEPT_WINDOWS = 8;

/** Past this, a clock that has not moved is taken as it is (the window then ends early: its last writes count as changes). */
const CLOCK_WAIT_MS = 3000;

export const withWindow = (windows: readonly HookWindow[], window: HookWindow): readonly HookWindow[] => [...windows, window].slice(-KEPT_WINDOWS);

/** Whether a file written at `time` was written while a pre hook ran. */
export const inWindow = (windows: readonly HookWindow[], time: number): boolean => windows.some(({ since, until }) => time >= since && time < until);

/** Every file the closure reads or holds: what a hook may have written. */
export const trackedFiles = (closure: Closure): string[] => [...closure.inputFiles, ...closure.ignoredFiles, ...closure.moduleFiles];

/** Directories whose entries shape the closure: a file made or removed in one may join or leave the build. */
export const buildDirs = (closure: Closure): string[] => [...new Set([...closure.packageDirs, ...trackedFiles(closure).map((file) => path.dirname(file))])];

/**
 * The file system's time once its clock has moved past `time` (a time of that clock), so that a
 * write stamped `time` or earlier is stamped earlier than the result; after `waitMs`, the time
 * it gives then. Undefined where the clock cannot be read.
 */
export const clockAfter = async (clock: () => Promise<number | undefined>, time: number, waitMs = CLOCK_WAIT_MS): Promise<number | undefined> => {
  const deadline = performance.now() + waitMs;
  for (;;) {
    const now = await clock();
    if (now === undefined || now > time || performance.now() > deadline) return now;
    await sleep(1);
  }
};

/**
 * The file system's time once its clock has moved past the time it gives now, so that every write
 * made before this call is stamped earlier than the result (file times can be as coarse as the
 * kernel's tick). Undefined where the clock cannot be read.
 */
export const clockPast = async (clock: () => Promise<number | undefined>): Promise<number | undefined> => {
  const first = await clock();
  return first === undefined ? undefined : clockAfter(clock, first);
};
