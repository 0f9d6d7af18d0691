import { lstatSync } from 'node:fs';
import { childPath, walkTree } from '../files/walk.js';

export type TreeTotals = {
  readonly files: number;
  readonly dirs: number;
  readonly bytes: number;
  /** Whether the walk stopped at its time bound: the totals are then lower bounds. */
  readonly cut: boolean;
};

export type TotalsOptions = {
  /** When to stop, as a Date.now() value. */
  readonly deadline: number;
  /** Directories not to enter (nor count). */
  readonly skip?: ReadonlySet<string>;
  /** Whether to lstat files for their size (a directory count needs none). */
  readonly sizes?: boolean;
};

/** A file's size; one that cannot be looked at (gone, or its directory not searchable) counts nothing. */
const sizeOf = (file: string): number => {
  try {
    return lstatSync(file).size;
  } catch {
    return 0;
  }
};

/**
 * Counts the directories (the root included) and files below `root`, and their bytes, until
 * `deadline`. Symbolic links are not followed (gowatch's watcher does not follow them either);
 * unreadable directories are counted but not entered.
 */
export const treeTotals = async (root: string, { deadline, skip, sizes }: TotalsOptions): Promise<TreeTotals> => {
  let files = 0;
  let dirs = 0;
  let bytes = 0;
  const { cut } = await walkTree(root, {
    deadline,
    ...(skip ? { enter: (dir: string) => !skip.has(dir) } : {}),
    onDirectory: (dir, entries) => {
      dirs += 1;
      for (const entry of entries) {
        if (entry.isDirectory()) continue;
        files += 1;
        if (sizes && entry.isFile()) bytes += sizeOf(childPath(dir, entry.name));
      }
    },
    onUnreadable: () => {
      dirs += 1;
    },
  });
  return { files, dirs, bytes, cut };
};
