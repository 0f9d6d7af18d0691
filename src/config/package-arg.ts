import path from 'node:path';
import { isDirectory, isGoDirectoryPath, statOf } from '../paths.js';

/** Tab completion ends a directory with "/"; the package is the directory itself. */
const withoutTrailingSlash = (pkg: string): string => pkg.replace(/(?<=.)\/+$/, '');

/**
 * A package as the user wrote it, in the form go reads: a `.go` file stands for its package's
 * directory, and a path without `./` that names a directory under `base` (as tab completion
 * writes `cmd/api`) is that directory. Anything else, an import path such as
 * `example.com/x/cmd/api` included, is left as it is.
 */
export const packageArgument = (pkg: string, base: string): string => {
  const trimmed = withoutTrailingSlash(pkg);
  const dir = trimmed.endsWith('.go') && statOf(path.resolve(base, trimmed))?.isFile() ? path.dirname(trimmed) : trimmed;
  if (isGoDirectoryPath(dir) || !isDirectory(path.resolve(base, dir))) return dir;
  return `./${dir}`;
};

/** Whether a positional argument names a package rather than a target or a command: a path, an import path, a .go file, a directory. */
export const looksLikePackage = (arg: string, base: string): boolean =>
  isGoDirectoryPath(arg) || arg.includes('/') || arg.endsWith('.go') || isDirectory(path.resolve(base, arg));
