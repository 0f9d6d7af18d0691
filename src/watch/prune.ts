import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** For each directory met while crawling a root: leave it out of the watch, or look inside. */
export type PruneDecision = (absDir: string) => 'prune' | 'descend';

/**
 * Finds the directories under `root` to leave out of the native watcher. Backends take plain
 * directory paths, not globs (glob ignores are slow and crash on deep paths in parcel), so
 * the rules are applied here, once, over the directory tree.
 */
export const findPrunedDirs = async (root: string, decide: PruneDecision): Promise<string[]> => {
  const pruned: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
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
  return pruned.sort();
};
