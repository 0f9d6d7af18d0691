import path from 'node:path';
import type { Closure } from '../go/closure.js';
import { isWithin } from '../paths.js';
import { crawlRoot, type PruneDecision } from '../watch/prune.js';
import type { PatternSet } from '../watch/patterns.js';
import type { WatchRoot } from '../watch/watch-set.js';

/** Drops directories that lie inside another one of the list. */
const outermost = (dirs: readonly string[]): string[] => {
  const sorted = [...new Set(dirs)].sort((a, b) => a.length - b.length);
  return sorted.filter((dir, index) => !sorted.slice(0, index).some((other) => isWithin(dir, other)));
};

/** What one target needs watched. */
export type TargetWatch = { readonly closure: Closure; readonly patterns: PatternSet };

/** One target's rule for a directory met while crawling. */
const targetDecision = (projectRoot: string, { closure, patterns }: TargetWatch): PruneDecision => {
  const needed = outermost([projectRoot, ...closure.moduleDirs]);
  const fileDirs = [...closure.packageDirs, ...closure.moduleFiles.map((file) => path.dirname(file))];
  const holdsInput = (dir: string) => fileDirs.some((fileDir) => isWithin(fileDir, dir));
  return (dir) => {
    const base = needed.find((n) => isWithin(dir, n));
    if (!base) return needed.some((n) => isWithin(n, dir)) || holdsInput(dir) ? 'descend' : 'prune';
    const rel = path.relative(isWithin(dir, projectRoot) ? projectRoot : base, dir).split(path.sep).join('/');
    return patterns.prunesDir(rel) && !holdsInput(dir) ? 'prune' : 'descend';
  };
};

/** The directories one target needs: the project root, its modules, and directories of its inputs outside them. */
const targetRoots = (projectRoot: string, { closure }: TargetWatch): string[] => {
  const needed = outermost([projectRoot, ...closure.moduleDirs]);
  const fileDirs = [...closure.packageDirs, ...closure.moduleFiles.map((file) => path.dirname(file))];
  return [...needed, ...fileDirs.filter((dir) => !needed.some((n) => isWithin(dir, n)))];
};

/**
 * Which directories to watch and which to prune, for every target at once (one watcher serves
 * them all). Needed: the project root and every module a target depends on (a workspace's
 * `use ../lib` or a local `replace` outside the project included), plus the directory of
 * go.work. Under a root, everything off the way to a needed directory is pruned (a workspace's
 * other modules cost no watch), and inside one, directories the exclusions cover are pruned
 * unless a build input lives below them. A directory is pruned only when every target would prune it.
 */
export const planWatch = async (projectRoot: string, targets: readonly TargetWatch[]): Promise<WatchRoot[]> => {
  const roots = outermost(targets.flatMap((target) => targetRoots(projectRoot, target)));
  const decisions = targets.map((target) => targetDecision(projectRoot, target));
  const decide: PruneDecision = (dir) => (decisions.every((decision) => decision(dir) === 'prune') ? 'prune' : 'descend');
  return Promise.all(
    roots.map(async (root) => {
      const { pruned, unreadable } = await crawlRoot(root, decide);
      return { root, ignoreDirs: pruned, unreadable };
    }),
  );
};
