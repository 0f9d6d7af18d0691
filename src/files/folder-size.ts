import { statSync } from 'node:fs';
import { isGoneError } from './is-gone.js';
import { childPath, walkTree } from './walk.js';

export type FolderSize = {
  /** What the files hold: a file with several names (hard links) is counted once. */
  readonly bytes: number;
  /** The paths of the regular files under the folder, every name of a linked file included. */
  readonly files: readonly string[];
};

/**
 * The regular files under `dir`; one removed while it is walked (a build replacing a binary) is
 * left out. A folder that cannot be read is an error.
 */
export const folderSize = async (dir: string): Promise<FolderSize> => {
  const seen = new Set<string>();
  const files: string[] = [];
  let bytes = 0;
  await walkTree(dir, {
    onDirectory: (parent, entries) => {
      for (const entry of entries) {
        if (!entry.isFile()) continue;
        const file = childPath(parent, entry.name);
        let stats;
        try {
          stats = statSync(file, { bigint: true });
        } catch (error) {
          if (isGoneError(error)) continue;
          throw error;
        }
        files.push(file);
        // Windows reports no inode for some filesystems (0): each name then counts, as before.
        const identity = `${stats.dev}:${stats.ino}`;
        if (stats.ino !== 0n && seen.has(identity)) continue;
        seen.add(identity);
        bytes += Number(stats.size);
      }
    },
    onUnreadable: (_folder, failure, error) => {
      if (failure !== 'gone') throw error;
    },
  });
  return { bytes, files };
};
