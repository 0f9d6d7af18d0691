import path from 'node:path';
import { runGo } from './run-go.js';

/** A `package main` of one of the main modules (or workspace modules) seen from a directory. */
export type MainPackage = {
  /** Absolute directory of the package. */
  readonly dir: string;
  readonly importPath: string;
  /** The directory relative to where the search started, as a user types it: `.` or `./cmd/api`. */
  readonly relative: string;
};

/** `./cmd/api` for a directory below `from`, `.` for `from` itself, else the path relative to it. */
export const relativePackage = (from: string, dir: string): string => {
  const relative = path.relative(from, dir).split(path.sep).join('/');
  if (relative === '') return '.';
  return relative.startsWith('../') ? relative : `./${relative}`;
};

const MODULES_FORMAT = '{{.Path}}\t{{.Dir}}';
const PACKAGES_FORMAT = '{{.Name}}\t{{.Dir}}\t{{.ImportPath}}';

/**
 * Every main package of the main modules as go sees them from `cwd` (one module, or every module
 * of a go.work), sorted with the shortest paths first. Asks the module list first because a
 * go.work root that is no module itself matches nothing under `./...`. Empty when there is no
 * module at all or go cannot list it: callers say what they were looking for.
 */
export const listMainPackages = async (cwd: string, env?: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<MainPackage[]> => {
  const modules = await runGo(['list', '-m', '-f', MODULES_FORMAT], cwd, env, signal);
  if (modules.exitCode !== 0) return [];
  const patterns = modules.stdout
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([modulePath, dir]) => modulePath && dir)
    .map(([modulePath]) => `${modulePath}/...`);
  if (patterns.length === 0) return [];
  const packages = await runGo(['list', '-e', '-f', PACKAGES_FORMAT, ...patterns], cwd, env, signal);
  return packages.stdout
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([name, dir, importPath]) => name === 'main' && dir && importPath)
    .map(([, dir, importPath]) => ({ dir: dir!, importPath: importPath!, relative: relativePackage(cwd, dir!) }))
    .sort((a, b) => a.relative.split('/').length - b.relative.split('/').length || a.relative.localeCompare(b.relative));
};
