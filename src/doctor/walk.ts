import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

export type WalkTotals = {
  readonly files: number;
  readonly dirs: number;
  readonly bytes: number;
  /** Whether the walk stopped at its time bound: the totals are then lower bounds. */
  readonly cut: boolean;
};

export type WalkOptions = {
  /** When to stop, as a Date.now() value. */
  readonly deadline: number;
  /** Directories not to enter (nor count). */
  readonly skip?: ReadonlySet<string>;
  /** Whether to lstat files for their size (a directory count needs none). */
  readonly sizes?: boolean;
};

/** File system calls in flight at once: enough to hide latency, few enough for slow disks. */
const PARALLEL = 16;

/** Runs at most `max` of the given calls at once. */
const limiter = (max: number) => {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(call: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      return await call();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
};

/**
 * Counts the directories (the root included) and files below `root`, and their bytes, until
 * `deadline`. Symbolic links are not followed (gowatch's watcher does not follow them either);
 * unreadable directories are counted but not entered.
 */
export const walkTree = async (root: string, options: WalkOptions): Promise<WalkTotals> => {
  const limit = limiter(PARALLEL);
  let files = 0;
  let dirs = 0;
  let bytes = 0;
  let cut = false;
  const late = () => {
    if (Date.now() > options.deadline) cut = true;
    return cut;
  };
  const visit = async (dir: string): Promise<void> => {
    if (late()) return;
    dirs += 1;
    const entries = await limit(() => readdir(dir, { withFileTypes: true })).catch(() => []);
    const children: Promise<void>[] = [];
    for (const entry of entries) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!options.skip?.has(abs)) children.push(visit(abs));
        continue;
      }
      files += 1;
      if (options.sizes && entry.isFile()) {
        children.push(
          limit(async () => {
            if (late()) return;
            const size = await lstat(abs).then((stats) => stats.size, () => 0);
            bytes += size;
          }),
        );
      }
    }
    await Promise.all(children);
  };
  await visit(root);
  return { files, dirs, bytes, cut };
};
