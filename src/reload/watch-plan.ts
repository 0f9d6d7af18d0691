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

export type WatchPlanInput = {
  readonly projectRoot: string;
  readonly closure: Closure;
  readonly patterns: PatternSet;
};

/**
 * Which directories to watch and which to prune. Needed: the project root and every module
 * the target depends on (a workspace's `use ../lib` or a local `replace` outside the project
 * included), plus the directory of go.work. Under a root, everything off the way to a needed
 * directory is pruned (a workspace's other modules cost no watch), and inside one, directories
 * the exclusions cover are pruned unless a build input lives below them.
 */
export const planWatch = async ({ projectRoot, closure, patterns }: WatchPlanInput): Promise<WatchRoot[]> => {
  const needed = outermost([projectRoot, ...closure.moduleDirs]);
  const fileDirs = [...closure.packageDirs, ...closure.moduleFiles.map((file) => path.dirname(file))];
  const roots = outermost([...needed, ...fileDirs.filter((dir) => !needed.some((n) => isWithin(dir, n)))]);
  const holdsInput = (dir: string) => fileDirs.some((fileDir) => isWithin(fileDir, dir));
  const neededAt = (dir: string) => needed.find((n) => isWithin(dir, n));

  const decide: PruneDecision = (dir) => {
    const base = neededAt(dir);
    if (!base) return needed.some((n) => isWithin(n, dir)) || holdsInput(dir) ? 'descend' : 'prune';
    const rel = path.relative(isWithin(dir, projectRoot) ? projectRoot : base, dir).split(path.sep).join('/');
    return patterns.prunesDir(rel) && !holdsInput(dir) ? 'prune' : 'descend';
  };
  return Promise.all(
    roots.map(async (root) => {
      const { pruned, unreadable } = await crawlRoot(root, decide);
      return { root, ignoreDirs: pruned, unreadable };
    }),
  );
};
