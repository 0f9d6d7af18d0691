import { readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * For each directory met while crawling a root: leave it out of the watch, look inside and keep
 * it, or look inside and keep it only if something below can matter (`relevant`).
 */
export type PruneDecision = (absDir: string) => 'prune' | 'descend' | 'if-relevant';

export type CrawlRules = {
  readonly decide: PruneDecision;
  /** Whether a file can matter (the build may read it, or a pattern names it). */
  readonly relevant: (absFile: string) => boolean;
};

export type Crawl = {
  /** The outermost directories left out of the watch. */
  readonly pruned: string[];
  /** Directories that could not be read (permission denied): neither watched nor polled. */
  readonly unreadable: string[];
  /** Directories the watch keeps (the root included). */
  readonly kept: number;
};

/**
 * Finds the directories under `root` to leave out of the watcher. Backends take plain
 * directory paths, not globs (glob ignores are slow and crash on deep paths in parcel), so
 * the rules are applied here, once, over the directory tree. A directory with nothing that can
 * matter below it costs nothing: no watch, no polling. Symbolic links are not followed, as the
 * backends do not follow them either (a link loop costs nothing).
 */
export const crawlRoot = async (root: string, { decide, relevant }: CrawlRules): Promise<Crawl> => {
  const pruned: string[] = [];
  const unreadable: string[] = [];
  let kept = 0;
  /** Whether `dir` is kept; its own pruned subdirectories are listed as it goes. */
  const walk = async (dir: string, rule: 'descend' | 'if-relevant'): Promise<boolean> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') unreadable.push(dir);
      return rule === 'descend';
    }
    const below: string[] = [];
    const children = await Promise.all(
      entries
        .filter((entry) => entry.isDirectory())
        .map(async (entry) => {
          const abs = path.join(dir, entry.name);
          const decision = decide(abs);
          const keep = decision !== 'prune' && (await walk(abs, decision));
          if (!keep) below.push(abs);
          return keep;
        }),
    );
    const keep = rule === 'descend' || children.some(Boolean) || entries.some((entry) => !entry.isDirectory() && relevant(path.join(dir, entry.name)));
    if (!keep) return false;
    // Kept: its pruned children are the outermost pruned directories of this branch.
    pruned.push(...below);
    kept += 1;
    return true;
  };
  await walk(root, 'descend');
  return { pruned: pruned.sort(), unreadable: unreadable.sort(), kept };
};
