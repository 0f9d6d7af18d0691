import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RunOptions, TargetOptions } from '../config/options.js';
import { ContentHashes } from '../go/content-hashes.js';
import { runGo } from '../go/run-go.js';
import { TargetState } from '../go/target-state.js';
import { chooseBackend } from '../watch/choose-backend.js';
import { predictedLimitReason } from '../watch/limits.js';
import { compilePatterns } from '../watch/patterns.js';
import { classify, type Verdict } from './classify.js';
import { planWatch, userIncludes } from '../watch/plan.js';
import { gitIgnoresFor } from '../watch/gitignore.js';

export type Topology = {
  readonly projectRoot: string;
  readonly configFile: string | null;
  readonly target: { readonly name: string; readonly importPath: string; readonly dir: string; readonly buildFlags: readonly string[] };
  readonly workspace: string | null;
  /** The main modules: in a workspace, every `use`d one. */
  readonly mainModules: readonly string[];
  /** Module roots the target depends on (its own, used workspace modules, local replaces). */
  readonly modules: readonly string[];
  readonly packages: number;
  readonly edges: number;
  readonly packageDirs: readonly string[];
  readonly files: number;
  /** The module files that exist: go.mod, go.sum, go.work, vendor/modules.txt, default.pgo… */
  readonly moduleFiles: readonly string[];
  /** Those that do not exist yet: watched, and each would count once created. */
  readonly moduleFilesIfCreated: readonly string[];
  /** Each watched root: its backend as run would choose it (the inotify limit included), the directories it watches and those it prunes. */
  readonly roots: readonly { readonly root: string; readonly backend: string; readonly reason: string; readonly watchedDirs: number; readonly pruned: readonly string[] }[];
  readonly patterns: readonly string[];
  /** go.run.envFile, in order, and whether each exists now. */
  readonly envFiles: readonly { readonly file: string; readonly exists: boolean }[];
  readonly closureMs: number;
};

/** One target's answer to `--why`: a path can rebuild one target and be nothing to another. */
export type Why = { readonly target: string; readonly path: string; readonly verdict: Verdict['kind']; readonly reason?: string; readonly why: string };

const mainModules = async (dir: string): Promise<string[]> => {
  const result = await runGo(['list', '-m', '-f', '{{.Dir}}'], dir);
  return result.exitCode === 0 ? result.stdout.split('\n').filter(Boolean) : [];
};

/** The watch topology `gowatch inspect` prints, computed as `gowatch run` would, without watching. */
export const inspectTarget = async (options: RunOptions, target: TargetOptions): Promise<{ topology: Topology; explain: (file: string) => Why }> => {
  const state = new TargetState(target.target, new ContentHashes());
  const stats = await state.load();
  const closure = state.closure;
  const patterns = compilePatterns(target.patterns);
  const gitignores = options.gitignore ? gitIgnoresFor(options.projectRoot) : undefined;
  const envFiles = target.program.envFiles;
  const plan = await planWatch(options.projectRoot, [{ closure, patterns, userPatterns: target.patterns, envFiles }], { ignores: gitignores });
  const topology: Topology = {
    projectRoot: options.projectRoot,
    configFile: options.configFile ?? null,
    target: { name: target.name, importPath: closure.target.importPath, dir: closure.target.dir, buildFlags: target.target.buildFlags },
    workspace: closure.workspace ?? null,
    mainModules: await mainModules(target.target.cwd),
    modules: closure.moduleDirs,
    packages: stats.packages,
    edges: stats.edges,
    packageDirs: [...closure.packageDirs].sort(),
    files: stats.files,
    moduleFiles: closure.moduleFiles.filter((file) => existsSync(file)),
    moduleFilesIfCreated: closure.moduleFiles.filter((file) => !existsSync(file)),
    roots: plan.map(({ root, ignoreDirs, kept }) => {
      const choice = chooseBackend(root, options.poll, options.env);
      const limited = choice.kind === 'native' ? predictedLimitReason(kept) : undefined;
      return { root, backend: limited ? 'polling' : choice.kind, reason: limited ?? choice.reason, watchedDirs: kept, pruned: ignoreDirs };
    }),
    patterns: target.patterns,
    envFiles: envFiles.map((file) => ({ file, exists: existsSync(file) })),
    closureMs: stats.durationMs,
  };
  const explain = (file: string): Why => {
    const abs = path.resolve(options.cwd, file);
    const ignores = gitignores && { gitignores, userIncludes: userIncludes(target.patterns) };
    const verdict = classify(abs, { closure, patterns, projectRoot: options.projectRoot, ignores, envFiles: new Set(envFiles) });
    return { target: target.name, path: path.relative(options.cwd, abs) || '.', verdict: verdict.kind, ...(verdict.kind === 'skip' ? { reason: verdict.reason } : {}), why: verdict.why };
  };
  return { topology, explain };
};
