import type { Dirent } from 'node:fs';
import path from 'node:path';
import { childPath, walkTree } from '../files/walk.js';

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

type Rule = 'descend' | 'if-relevant';

/** A directory listed by the crawl: its subdirectories, and its entries while they may still decide whether it is kept. */
type Listed = { readonly subdirs: readonly string[]; readonly entries: readonly Dirent[] | undefined };

/**
 * Finds the directories under `root` to leave out of the watcher. Backends take plain
 * directory paths, not globs (glob ignores are slow and crash on deep paths in parcel), so
 * the rules are applied here, once, over the directory tree. A directory with nothing that can
 * matter below it costs nothing: no watch, no polling. Symbolic links are not followed, as the
 * backends do not follow them either (a link loop costs nothing).
 */
export const crawlRoot = async (root: string, { decide, relevant }: CrawlRules): Promise<Crawl> => {
  const start = path.resolve(root);
  const rules = new Map<string, Rule>([[start, 'descend']]);
  const listed = new Map<string, Listed>();
  const unreadable: string[] = [];
  await walkTree(start, {
    enter: (dir) => {
      const decision = decide(dir);
      if (decision === 'prune') return false;
      rules.set(dir, decision);
      return true;
    },
    onDirectory: (dir, entries) => {
      const subdirs = entries.filter((entry) => entry.isDirectory()).map((entry) => childPath(dir, entry.name));
      // Files are looked at only when no subdirectory keeps the directory: a kept one never needs them.
      listed.set(dir, { subdirs, entries: rules.get(dir) === 'if-relevant' ? entries : undefined });
    },
    onUnreadable: (dir, failure) => {
      if (failure === 'denied') unreadable.push(dir);
    },
  });
  // Depth first: every directory was listed after its parent, so backwards each one is settled before its parent.
  const kept = new Set<string>();
  /** Whether `dir`, entered or pruned, is kept; one entered but not listed (unreadable, gone) is kept if it had to be. */
  const keeps = (dir: string) => kept.has(dir) || (!listed.has(dir) && rules.get(dir) === 'descend');
  const pruned: string[] = [];
  for (const [dir, { subdirs, entries }] of [...listed].reverse()) {
    const keep =
      rules.get(dir) === 'descend' ||
      subdirs.some(keeps) ||
      (entries ?? []).some((entry) => !entry.isDirectory() && relevant(childPath(dir, entry.name)));
    if (!keep) continue;
    kept.add(dir);
    // Kept: its children that are not are the outermost pruned directories of this branch.
    pruned.push(...subdirs.filter((subdir) => !keeps(subdir)));
  }
  return { pruned: pruned.sort(), unreadable: unreadable.sort(), kept: kept.size };
};
