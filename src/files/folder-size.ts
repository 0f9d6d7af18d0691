import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isGoneError } from './is-gone.js';

export type FolderSize = {
  /** What the files hold: a file with several names (hard links) is counted once. */
  readonly bytes: number;
  /** The paths of the regular files under the folder, every name of a linked file included. */
  readonly files: readonly string[];
};

/** The regular files under `dir`; one removed while it is walked (a build replacing a binary) is left out. */
export const folderSize = async (dir: string): Promise<FolderSize> => {
  const seen = new Set<string>();
  const files: string[] = [];
  let bytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const stats = await stat(file, { bigint: true }).catch((error: unknown) => {
      if (isGoneError(error)) return undefined;
      throw error;
    });
    if (!stats) continue;
    files.push(file);
    // Windows reports no inode for some filesystems (0): each name then counts, as before.
    const identity = `${stats.dev}:${stats.ino}`;
    if (stats.ino !== 0n && seen.has(identity)) continue;
    seen.add(identity);
    bytes += Number(stats.size);
  }
  return { bytes, files };
};
