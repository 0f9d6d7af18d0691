import path from 'node:path';
import { GowatchError } from '../errors.js';
import { isGoDirectoryPath, isWithin } from '../paths.js';
import { moduleContext, type GoEnv } from './env.js';
import { noMainPackage } from './no-main-package.js';
import { runGo, type GoTarget } from './run-go.js';

/** Only the fields gowatch reads: naming them lets go list skip work (no builder, no staleness). */
const LIST_FIELDS = [
  'Dir', 'ImportPath', 'Name', 'Standard', 'Module', 'GoFiles', 'CgoFiles', 'CFiles', 'CXXFiles', 'MFiles',
  'HFiles', 'FFiles', 'SFiles', 'SwigFiles', 'SwigCXXFiles', 'SysoFiles', 'EmbedFiles', 'IgnoredGoFiles',
  'EmbedPatterns', 'Imports', 'Error',
] as const;

const SOURCE_LISTS = [
  'GoFiles', 'CgoFiles', 'CFiles', 'CXXFiles', 'MFiles', 'HFiles', 'FFiles', 'SFiles', 'SwigFiles', 'SwigCXXFiles',
  'SysoFiles', 'EmbedFiles',
] as const;

type ListedModule = { Path: string; Dir?: string; GoMod?: string; Main?: boolean; Replace?: ListedModule };
type ListedPackage = {
  Dir?: string;
  ImportPath: string;
  Name?: string;
  Standard?: boolean;
  Module?: ListedModule;
  IgnoredGoFiles?: string[];
  EmbedPatterns?: string[];
  Imports?: string[];
  Error?: { Err: string };
} & { [K in (typeof SOURCE_LISTS)[number]]?: string[] };

export type ClosurePackage = {
  readonly importPath: string;
  readonly name: string;
  readonly dir: string;
  readonly moduleDir: string;
  /** Absolute paths of the files compiled or embedded into the binary. */
  readonly inputs: readonly string[];
  /** Absolute paths of Go files excluded by build constraints: a //go:build edit can flip them in. */
  readonly ignored: readonly string[];
  readonly imports: readonly string[];
  /** Whether the package has //go:embed patterns: then a new file below its directory may join the build. */
  readonly embeds: boolean;
  /** Those patterns, as go list gives them: only a file one of them may match can join the build. */
  readonly embedPatterns: readonly string[];
  readonly error: string | undefined;
};

export type Closure = {
  readonly target: ClosurePackage;
  /** Packages of main, workspace and locally replaced modules; never GOROOT or GOMODCACHE. */
  readonly packages: readonly ClosurePackage[];
  readonly edges: number;
  /** Root directories of the modules those packages belong to. */
  readonly moduleDirs: readonly string[];
  readonly inputFiles: ReadonlySet<string>;
  /** The package each input belongs to: a changed path is looked up once, not searched for. */
  readonly ownerOf: ReadonlyMap<string, ClosurePackage>;
  readonly packageDirs: ReadonlySet<string>;
  readonly ignoredFiles: ReadonlySet<string>;
  /** go.mod, go.sum, go.work, go.work.sum, vendor/modules.txt, default.pgo: present or not, they shape the build. */
  readonly moduleFiles: readonly string[];
  readonly workspace: string | undefined;
  /** Imported packages go could not find on disk: while there are any, a new Go file may be one. */
  readonly unresolved: readonly string[];
};

/** Whether some package of the closure lies in `dir` or below it. */
export const hasPackageWithin = (closure: Closure, dir: string): boolean => {
  for (const packageDir of closure.packageDirs) if (isWithin(packageDir, dir)) return true;
  return false;
};

/** Files whose appearance can put a target into another module or a workspace. */
export const isModuleDefinition = (file: string): boolean => ['go.mod', 'go.work'].includes(path.basename(file));

/** The directory of the module a package comes from, when it is the user's own code. */
const ownModuleDir = (pkg: ListedPackage): string | undefined => {
  const module = pkg.Module;
  if (!module || pkg.Standard) return undefined;
  if (module.Main) return module.Dir;
  if (module.Replace && isGoDirectoryPath(module.Replace.Path)) return module.Replace.Dir;
  return undefined;
};

const parseListOutput = (stdout: string): ListedPackage[] =>
  stdout.trim() === '' ? [] : (JSON.parse(`[${stdout.replace(/}\n{/g, '},{')}]`) as ListedPackage[]);

const sourceFiles = (pkg: ListedPackage, dir: string): string[] => SOURCE_LISTS.flatMap((list) => pkg[list] ?? []).map((file) => path.join(dir, file));

/** A package gowatch's overlay adds whole: its directory is on no disk, so there is nothing to watch or hash. */
const onlyOverlaid = (pkg: ListedPackage, dir: string, overlaid: ReadonlySet<string>): boolean => {
  const files = sourceFiles(pkg, dir);
  return files.length > 0 && files.every((file) => overlaid.has(file));
};

const toClosurePackage = (pkg: ListedPackage, moduleDir: string, overlaid: ReadonlySet<string>): ClosurePackage => {
  const dir = pkg.Dir!;
  const inputs = sourceFiles(pkg, dir).filter((file) => !overlaid.has(file));
  return {
    importPath: pkg.ImportPath,
    name: pkg.Name ?? '',
    dir,
    moduleDir,
    inputs,
    ignored: (pkg.IgnoredGoFiles ?? []).map((file) => path.join(dir, file)),
    imports: pkg.Imports ?? [],
    embeds: (pkg.EmbedPatterns ?? []).length > 0,
    embedPatterns: pkg.EmbedPatterns ?? [],
    error: pkg.Error?.Err,
  };
};

const moduleFilesFor = (moduleDirs: readonly string[], workspace: string | undefined, targetDir: string) => {
  const files = moduleDirs.flatMap((dir) => ['go.mod', 'go.sum', 'vendor/modules.txt'].map((f) => path.join(dir, f)));
  if (workspace) {
    const workDir = path.dirname(workspace);
    files.push(workspace, `${workspace}.sum`, path.join(workDir, 'vendor', 'modules.txt'));
  }
  files.push(path.join(targetDir, 'default.pgo'));
  return [...new Set(files)].sort();
};

export type ClosureRequest = GoTarget & {
  readonly goEnv: GoEnv;
  /** Where the package was named from: the main packages a failure suggests are relative to it. */
  readonly from: string;
  /** Stops go list (and the search for main packages a failure makes). */
  readonly signal?: AbortSignal;
  /** Files gowatch adds with -overlay: on no disk, and in the key through the flag that names them. A package made of them only is left out. */
  readonly overlaid?: readonly string[];
};

/** `go list -deps -e` the target, keeping the user's own packages. */
export const listClosure = async (request: ClosureRequest): Promise<Closure> => {
  const args = ['list', '-deps', '-e', `-json=${LIST_FIELDS.join(',')}`, ...request.buildFlags, request.pkg];
  const result = await runGo(args, request.cwd, request.env, request.signal);
  const listed = result.exitCode === 0 || result.stdout.trim() !== '' ? parseListOutput(result.stdout) : [];
  const last = listed.at(-1);
  const cannotLoad = () => new GowatchError('go-list', `cannot load package ${request.pkg} (in ${request.cwd}):\n${result.stderr.trim() || 'no package listed'}`);
  if (!last) throw cannotLoad();
  const packages: ClosurePackage[] = [];
  const overlaid = new Set(request.overlaid);
  for (const pkg of listed) {
    const moduleDir = ownModuleDir(pkg);
    if (moduleDir && pkg.Dir && !onlyOverlaid(pkg, pkg.Dir, overlaid)) packages.push(toClosurePackage(pkg, moduleDir, overlaid));
  }
  const target = packages.at(-1);
  if (!target || target.importPath !== last.ImportPath) {
    // go says why when it found nothing to build: no Go files, no such directory or package.
    if (last.Error) throw await noMainPackage(last.Error.Err, request.from, request.env, request.signal);
    if (!last.Dir) throw cannotLoad();
    throw new GowatchError('go-list', `package ${request.pkg} is in ${last.Dir}, outside the main, workspace and locally replaced modules whose code gowatch watches`);
  }
  // go names no package whose files do not parse or are all excluded by build constraints: gowatch starts and waits for the fix.
  if (target.name !== 'main' && !target.error) {
    throw await noMainPackage(`${target.importPath} is package ${target.name}, not a main package: gowatch runs programs`, request.from, request.env, request.signal);
  }
  const unresolved = listed.filter((pkg) => !pkg.Dir && pkg.Error && !pkg.Standard).map((pkg) => pkg.ImportPath);
  return closureOf(packages, moduleContext(request.goEnv).goWork, unresolved);
};

/** The closure of `packages` (the target last), as listed or as recorded by the last run (warm start). */
export const closureOf = (packages: readonly ClosurePackage[], workspace: string | undefined, unresolved: readonly string[]): Closure => {
  const target = packages.at(-1)!;
  const own = new Set(packages.map((pkg) => pkg.importPath));
  const edges = packages.reduce((sum, pkg) => sum + pkg.imports.filter((i) => own.has(i)).length, 0);
  const moduleDirs = [...new Set(packages.map((pkg) => pkg.moduleDir))].sort();
  return {
    target,
    packages,
    edges,
    moduleDirs,
    inputFiles: new Set(packages.flatMap((pkg) => pkg.inputs)),
    ownerOf: new Map(packages.flatMap((pkg) => pkg.inputs.map((file) => [file, pkg] as const))),
    packageDirs: new Set(packages.map((pkg) => pkg.dir)),
    ignoredFiles: new Set(packages.flatMap((pkg) => pkg.ignored)),
    moduleFiles: moduleFilesFor(moduleDirs, workspace, target.dir),
    workspace,
    unresolved,
  };
};
