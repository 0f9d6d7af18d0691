import { readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * The one directory walk: the watch plan's pruning crawl, the poll sweep, doctor's counts and
 * the cache's sizes all go through here.
 *
 * Walks make the synchronous calls, which cost a fraction of their promise forms in CPU (the
 * kernel's share is the same, the thread-pool round trip is not), in slices of at most
 * SLICE_MS: the event loop is never held longer than that between two directories. Symbolic
 * links are never followed (the watcher backends do not follow them either, and a link loop
 * then costs nothing); a root that is a link to a directory is listed through it.
 */

/** Longest stretch a walk holds the event loop before it yields. */
const SLICE_MS = 8;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export type WalkLimits = {
  /** No directory is visited after this Date.now() value. */
  readonly deadline?: number;
  /** No directory is visited once this is aborted. */
  readonly signal?: AbortSignal;
  /** Called before the walk yields the event loop: what it gathered so far can be handed on. */
  readonly onPause?: () => void;
};

export type WalkEnd = {
  /** Whether the deadline or the signal stopped the walk before every directory was visited. */
  readonly cut: boolean;
};

/** Looks at `dir` and hands each subdirectory to visit later to `enter`. */
export type Visit = (dir: string, enter: (subdir: string) => void) => void;

/**
 * Visits `root`, then every directory a visit enters, depth first, until none is left or the
 * limits stop it. The visit decides how a directory is read (the poll sweep lists one only
 * when it changed); `walkTree` below lists each one.
 */
export const walkDirectories = async (root: string, visit: Visit, { deadline, signal, onPause }: WalkLimits = {}): Promise<WalkEnd> => {
  const stack = [root];
  const enter = (dir: string) => {
    stack.push(dir);
  };
  let sliceStart = performance.now();
  while (stack.length > 0) {
    if (signal?.aborted || (deadline !== undefined && Date.now() > deadline)) return { cut: true };
    visit(stack.pop()!, enter);
    if (performance.now() - sliceStart >= SLICE_MS) {
      onPause?.();
      await yieldToLoop();
      sliceStart = performance.now();
    }
  }
  return { cut: false };
};

/** Why a path could not be read: gone (it, or a directory on its way), denied, or another failure. */
export type ReadFailure = 'gone' | 'denied' | 'failed';

export const readFailure = (error: unknown): ReadFailure => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'gone';
  if (code === 'EACCES' || code === 'EPERM') return 'denied';
  return 'failed';
};

/** `dir`/`name`, without path.join's normalising (the walk's paths are already normal). */
export const childPath = (dir: string, name: string): string => (dir.endsWith(path.sep) ? dir + name : dir + path.sep + name);

export type TreeWalk = WalkLimits & {
  /** Whether to enter a subdirectory (the root is always entered); every one by default. */
  readonly enter?: (dir: string) => boolean;
  /** Each directory listed, with its entries (subdirectories included, entered or not). */
  readonly onDirectory: (dir: string, entries: readonly Dirent[]) => void;
  /** A directory entered that could not be listed: nothing below it is visited. What it throws ends the walk. */
  readonly onUnreadable?: (dir: string, failure: ReadFailure, error: Error) => void;
};

/** Lists `root` (resolved) and every directory below it that `enter` lets in. */
export const walkTree = (root: string, { enter, onDirectory, onUnreadable, ...limits }: TreeWalk): Promise<WalkEnd> =>
  walkDirectories(
    path.resolve(root),
    (dir, enterDir) => {
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (error) {
        onUnreadable?.(dir, readFailure(error), error as Error);
        return;
      }
      onDirectory(dir, entries);
      for (const entry of entries) {
        if (!entry.isDirectory()) continue;
        const subdir = childPath(dir, entry.name);
        if (!enter || enter(subdir)) enterDir(subdir);
      }
    },
    limits,
  );
