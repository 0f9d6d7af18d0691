import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';

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

/**
 * Counts the directories (the root included) and files below `root`, and their bytes, until
 * `deadline`. Symbolic links are not followed (gowatch's watcher does not follow them either);
 * unreadable directories are counted but not entered. Sizes are read by a few workers per
 * directory that stop at the deadline, so a cache of a million files queues no million calls.
 */
export const walkTree = async (root: string, options: WalkOptions): Promise<WalkTotals> => {
  const limit = pLimit(PARALLEL);
  let files = 0;
  let dirs = 0;
  let bytes = 0;
  let cut = false;
  const late = () => {
    if (Date.now() > options.deadline) cut = true;
    return cut;
  };
  const addSizes = async (paths: readonly string[]) => {
    let next = 0;
    const worker = async () => {
      while (next < paths.length && !late()) {
        const file = paths[next++]!;
        const size = await limit(() => lstat(file)).then((stats) => stats.size, () => 0);
        bytes += size;
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, paths.length) }, worker));
  };
  const visit = async (dir: string): Promise<void> => {
    if (late()) return;
    dirs += 1;
    const entries = await limit(() => readdir(dir, { withFileTypes: true })).catch(() => []);
    const subdirs: string[] = [];
    const sized: string[] = [];
    for (const entry of entries) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!options.skip?.has(abs)) subdirs.push(abs);
        continue;
      }
      files += 1;
      if (options.sizes && entry.isFile()) sized.push(abs);
    }
    await Promise.all([...subdirs.map(visit), addSizes(sized)]);
  };
  await visit(root);
  return { files, dirs, bytes, cut };
};
