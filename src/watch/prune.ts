import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** For each directory met while crawling a root: leave it out of the watch, or look inside. */
export type PruneDecision = (absDir: string) => 'prune' | 'descend';

export type Crawl = {
  /** Directories to leave out of the watch. */
  readonly pruned: string[];
  /** Directories that could not be read (permission denied): neither watched nor polled. */
  readonly unreadable: string[];
};

/**
 * Finds the directories under `root` to leave out of the native watcher. Backends take plain
 * directory paths, not globs (glob ignores are slow and crash on deep paths in parcel), so
 * the rules are applied here, once, over the directory tree. Symbolic links are not followed,
 * as the backends do not follow them either (a link loop costs nothing).
 */
export const crawlRoot = async (root: string, decide: PruneDecision): Promise<Crawl> => {
  const pruned: string[] = [];
  const unreadable: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EACCES' || (error as NodeJS.ErrnoException).code === 'EPERM') unreadable.push(dir);
      return;
    }
    await Promise.all(
      entries
        .filter((entry) => entry.isDirectory())
        .map((entry) => {
          const abs = path.join(dir, entry.name);
          if (decide(abs) === 'prune') {
            pruned.push(abs);
            return undefined;
          }
          return walk(abs);
        }),
    );
  };
  await walk(root);
  return { pruned: pruned.sort(), unreadable: unreadable.sort() };
};
