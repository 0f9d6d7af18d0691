import { statSync, type Stats } from 'node:fs';
import path from 'node:path';

/** Whether `file` is `dir` or lies below it; both absolute and normalised (a root such as "/" included). */
export const isWithin = (file: string, dir: string): boolean =>
  file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);

/** Go reads a package argument or a replace target as a directory, not an import path, when it looks like one. */
export const isGoDirectoryPath = (value: string): boolean =>
  value === '.' || value === '..' || value.startsWith('./') || value.startsWith('../') || path.isAbsolute(value);

/** What `file` is on disk, or undefined when nothing can be there (missing, overlong, a symlink loop). */
export const statOf = (file: string): Stats | undefined => {
  try {
    return statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
};

export const isDirectory = (file: string): boolean => statOf(file)?.isDirectory() === true;
