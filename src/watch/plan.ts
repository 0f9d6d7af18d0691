import path from 'node:path';
import picomatch from 'picomatch';
import { DEFAULT_PATTERNS } from '../config/schema.js';
import type { Closure } from '../go/closure.js';
import { isWithin } from '../paths.js';
import type { GitIgnores } from './gitignore.js';
import { crawlRoot, type PruneDecision } from './prune.js';
import type { PatternSet } from './patterns.js';
import type { WatchRoot } from './watch-set.js';

/** Drops directories that lie inside another one of the list. */
const outermost = (dirs: readonly string[]): string[] => {
  const sorted = [...new Set(dirs)].sort((a, b) => a.length - b.length);
  return sorted.filter((dir, index) => !sorted.slice(0, index).some((other) => isWithin(dir, other)));
};

/** What one target needs watched; `envFiles` (go.run.envFile) are watched wherever they are, as inputs are. */
export type TargetWatch = { readonly closure: Closure; readonly patterns: PatternSet; readonly userPatterns: readonly string[]; readonly envFiles?: readonly string[] };

/** The path as patterns see it: relative to the project root, with forward slashes. */
export const patternPath = (projectRoot: string, file: string): string => path.relative(projectRoot, file).split(path.sep).join('/');

/** Include patterns the user wrote (not gowatch's defaults): they win over .gitignore. */
export const userIncludes = (patterns: readonly string[]): string[] =>
  patterns.filter((pattern) => !pattern.startsWith('!') && !(DEFAULT_PATTERNS as readonly string[]).includes(pattern));

/**
 * Directories where an import go cannot resolve yet would be found: the module a package of
 * the closure shares the import path's prefix with, plus the rest of the path. Watching up to
 * them lets a package created after its import be noticed.
 */
const awaitedDirs = (closure: Closure): string[] => {
  const modules = new Map<string, string>();
  for (const pkg of closure.packages) {
    const rel = path.relative(pkg.moduleDir, pkg.dir).split(path.sep).join('/');
    const modulePath = rel ? pkg.importPath.slice(0, -(rel.length + 1)) : pkg.importPath;
    modules.set(modulePath, pkg.moduleDir);
  }
  return closure.unresolved.flatMap((importPath) =>
    [...modules].filter(([modulePath]) => importPath.startsWith(`${modulePath}/`)).map(([modulePath, dir]) => path.join(dir, importPath.slice(modulePath.length + 1))),
  );
};

/** The directories one target's build reads from (or may soon), and the roots it needs. */
const needsOf = (projectRoot: string, { closure, envFiles = [] }: TargetWatch) => {
  const needed = outermost([projectRoot, ...closure.moduleDirs]);
  const inputDirs = [...closure.packageDirs, ...[...closure.moduleFiles, ...envFiles].map((file) => path.dirname(file)), ...awaitedDirs(closure)];
  // A file anywhere below a package with //go:embed patterns may match one: its whole tree is watched.
  const embedding = closure.packages.filter((pkg) => pkg.embeds).map((pkg) => pkg.dir);
  return { needed, inputDirs, embedding };
};

export type PlanOptions = {
  /** The repository's ignore files, when go.watch.gitignore is on. */
  readonly ignores: GitIgnores | undefined;
};

/**
 * Which directories to watch and which to prune, for every target at once (one watcher serves
 * them all). Needed: the project root and every module a target depends on (a workspace's
 * `use ../lib` or a local `replace` outside the project included), plus the directory of
 * go.work. What the build reads is always watched; anything else only if something below it
 * can matter — a Go file (a package a new import may need), a file the patterns include —
 * and neither the patterns' exclusions nor .gitignore leave it out (a pattern the user wrote
 * wins over .gitignore). Everything else costs nothing: no watch, no polling.
 */
export const planWatch = (projectRoot: string, targets: readonly TargetWatch[], options: PlanOptions): Promise<WatchRoot[]> =>
  crawlRules(watchRules(projectRoot, targets, options));

export type WatchRules = ReturnType<typeof watchRules>;

/** Each root crawled by `rules`: what it keeps, what it prunes. */
export const crawlRules = ({ roots, decide, relevant }: WatchRules): Promise<WatchRoot[]> =>
  Promise.all(
    roots.map(async (root) => {
      const { pruned, unreadable, kept } = await crawlRoot(root, { decide, relevant });
      return { root, ignoreDirs: pruned, unreadable, kept };
    }),
  );

/** The roots planWatch crawls, and the rules it crawls them by (no I/O but .gitignore reads). */
export const watchRules = (projectRoot: string, targets: readonly TargetWatch[], { ignores }: PlanOptions) => {
  const needs = targets.map((target) => needsOf(projectRoot, target));
  const roots = outermost(needs.flatMap(({ needed, inputDirs }) => [...needed, ...inputDirs.filter((dir) => !needed.some((n) => isWithin(dir, n)))]));
  const inputDirs = needs.flatMap((need) => need.inputDirs);
  const neededDirs = needs.flatMap((need) => need.needed);
  const embedding = needs.flatMap((need) => need.embedding);
  const explicit = targets.flatMap((target) => userIncludes(target.userPatterns).map((pattern) => path.join(projectRoot, picomatch.scan(pattern).base)));
  const holdsInput = (dir: string) => inputDirs.some((inputDir) => isWithin(inputDir, dir));
  const explicitlyIncluded = (dir: string) => explicit.some((base) => isWithin(base, dir) || isWithin(dir, base));

  const decide: PruneDecision = (dir) => {
    if (holdsInput(dir) || embedding.some((pkgDir) => isWithin(dir, pkgDir)) || neededDirs.some((n) => isWithin(n, dir) && n !== dir)) return 'descend';
    if (!neededDirs.some((n) => isWithin(dir, n))) return 'prune';
    const rel = patternPath(projectRoot, dir);
    if (targets.every(({ patterns }) => patterns.prunesDir(rel))) return 'prune';
    if (ignores?.ignoredBy(dir, true) && !explicitlyIncluded(dir)) return 'prune';
    return 'if-relevant';
  };
  const relevant = (file: string): boolean => {
    const rel = patternPath(projectRoot, file);
    const named = targets.some(({ patterns }) => patterns.include(rel) !== undefined && patterns.exclusion(rel) === undefined);
    if (!named && !file.endsWith('.go')) return false;
    return !ignores?.ignoredBy(file, false) || explicitlyIncluded(path.dirname(file));
  };
  return { roots, decide, relevant };
};
