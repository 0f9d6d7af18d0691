import path from 'node:path';
import { hasPackageWithin, isModuleDefinition, type Closure, type ClosurePackage } from '../go/closure.js';
import { embeddingPattern } from '../go/embed-match.js';
import { BUILD_SOURCE } from '../go/go-opens.js';
import { isDirectory, isWithin } from '../paths.js';
import type { SkipReason } from '../events.js';
import type { GitIgnores } from '../watch/gitignore.js';
import type { PatternSet } from '../watch/patterns.js';
import { patternPath } from '../watch/plan.js';

/**
 * What a changed path means for one target:
 * - build: it goes into the binary (source, embedded file, module file);
 * - recheck: it may join the build (a new file in a package directory, a build-constraint
 *   flip), so the closure is recomputed and the path classified again;
 * - restart: a non-Go file the patterns name (e.g. a runtime config), or a file of
 *   go.run.envFile: same binary, new process;
 * - skip: nothing to do, with the reason.
 */
export type Verdict =
  | { readonly kind: 'build'; readonly why: string }
  | { readonly kind: 'recheck'; readonly why: string }
  | { readonly kind: 'restart'; readonly why: string }
  | { readonly kind: 'skip'; readonly reason: SkipReason; readonly why: string };

export type ClassifyContext = {
  readonly closure: Closure;
  readonly patterns: PatternSet;
  readonly projectRoot: string;
  /** The repository's ignore files (go.watch.gitignore), and the include patterns the user wrote, which win over them. */
  readonly ignores?: { readonly gitignores: GitIgnores; readonly userIncludes: readonly string[] } | undefined;
  /** go.run.envFile: read at each start of the program, whatever the patterns and ignore files say. */
  readonly envFiles?: ReadonlySet<string> | undefined;
  /** The closure was just recomputed with these changes on disk: "may join the build" is settled. */
  readonly fresh?: boolean;
};

/** A package of the closure with a //go:embed pattern that may match `file`, with that pattern. */
const embeddingOwner = (closure: Closure, file: string): { pkg: ClosurePackage; pattern: string } | undefined => {
  for (const pkg of closure.packages) {
    if (!pkg.embeds || file === pkg.dir || !isWithin(file, pkg.dir)) continue;
    const pattern = embeddingPattern(pkg.embedPatterns, path.relative(pkg.dir, file).split(path.sep).join('/'));
    if (pattern) return { pkg, pattern };
  }
  return undefined;
};

/**
 * A rule that ignores `file` as a directory only (`tmp/`): the watcher reports a new directory
 * as one path, which is ignored like the files in it. Only then is the path looked at.
 */
const directoryRule = (gitignores: GitIgnores, file: string) => {
  const rule = gitignores.ignoredBy(file, true);
  return rule && isDirectory(file) ? rule : undefined;
};

/** "path/.gitignore:LINE (pattern)" when .gitignore leaves `file` out and no include pattern the user wrote names it. */
const gitignoreRule = (file: string, rel: string, context: ClassifyContext): string | undefined => {
  if (!context.ignores) return undefined;
  const { gitignores, userIncludes } = context.ignores;
  const rule = gitignores.ignoredBy(file, false) ?? directoryRule(gitignores, file);
  if (!rule || userIncludes.some((pattern) => context.patterns.include(rel) === pattern)) return undefined;
  return `${path.relative(context.projectRoot, rule.file) || rule.file}:${rule.line} (${rule.pattern})`;
};

export const classify = (file: string, context: ClassifyContext): Verdict => {
  const { closure, patterns, projectRoot } = context;
  if (closure.moduleFiles.includes(file)) {
    return { kind: 'build', why: `${path.basename(file)} shapes every build of ${closure.target.importPath}` };
  }
  const rel = patternPath(projectRoot, file);
  const exclusion = patterns.exclusion(rel);
  const isTest = file.endsWith('_test.go');

  const pkg = closure.ownerOf.get(file);
  if (pkg) {
    if (exclusion) return { kind: 'skip', reason: 'excluded', why: `part of package ${pkg.importPath}, but excluded by "${exclusion}"` };
    return { kind: 'build', why: `goes into package ${pkg.importPath}, which ${closure.target.importPath} depends on` };
  }
  if (context.envFiles?.has(file)) return { kind: 'restart', why: 'a file of go.run.envFile: not compiled in, so the program restarts with its variables, without a build' };
  // go looks upward for both go.mod and go.work: one here governs the packages below it.
  if (!context.fresh && isModuleDefinition(file) && hasPackageWithin(closure, path.dirname(file))) {
    return { kind: 'recheck', why: `a ${path.basename(file)} here can move ${closure.target.importPath} into another module or workspace` };
  }
  if (!isTest && !exclusion && !context.fresh) {
    if (BUILD_SOURCE.test(file) && closure.packageDirs.has(path.dirname(file))) {
      return { kind: 'recheck', why: `a file in the directory of a package of the closure: it may join the build` };
    }
    if (closure.unresolved.length > 0 && file.endsWith('.go') && closure.moduleDirs.some((dir) => isWithin(file, dir))) {
      return { kind: 'recheck', why: `the build misses ${closure.unresolved.join(', ')}: a new Go file may provide it` };
    }
    const embedder = embeddingOwner(closure, file);
    if (embedder) return { kind: 'recheck', why: `below package ${embedder.pkg.importPath}, whose //go:embed pattern "${embedder.pattern}" may match it` };
  }
  // The patterns are gowatch's own rules and an exclusion always wins, so it is the reason
  // given first, as the README documents (a test file is "excluded", not "not-in-build").
  if (exclusion) return { kind: 'skip', reason: 'excluded', why: `excluded by "${exclusion}"` };
  const gitignored = gitignoreRule(file, rel, context);
  if (gitignored) return { kind: 'skip', reason: 'gitignored', why: `ignored by ${gitignored}` };
  if (file.endsWith('.go')) {
    const what = isTest ? 'a test file, never part of the binary' : 'not in the build closure';
    return { kind: 'skip', reason: 'not-in-build', why: `${what} of ${closure.target.importPath}` };
  }
  const include = patterns.include(rel);
  if (include) return { kind: 'restart', why: `matches "${include}": not compiled in, so the program restarts without a build` };
  return { kind: 'skip', reason: 'not-watched', why: 'matches no pattern of go.watch.patterns and is not part of the build' };
};
