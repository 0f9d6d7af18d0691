import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { specialAt, specialRefusal, type SpecialRefusal } from '../files/bounded-read.js';
import { hasPackageWithin, isModuleDefinition, type Closure } from './closure.js';

/** Extensions go build may compile or link from a package directory. */
export const BUILD_SOURCE = /\.(go|c|h|s|S|sx|cc|cpp|cxx|hh|hpp|hxx|m|f|F|for|f90|syso|swig|swigcxx)$/;

/**
 * Whether go opens a file so named when it loads the package of its directory: every source,
 * tests and files excluded by build constraints included (go reads them to tell), but not the
 * names it skips (a leading `_` or `.`).
 */
const opensInPackage = (name: string): boolean => BUILD_SOURCE.test(name) && !/^[_.]/.test(name);

/** Whether go list or go build opens `file` for this closure: a FIFO there would block it. */
export const goOpens = (file: string, closure: Closure): boolean =>
  closure.moduleFiles.includes(file) ||
  closure.inputFiles.has(file) ||
  closure.ignoredFiles.has(file) ||
  (closure.packageDirs.has(path.dirname(file)) && opensInPackage(path.basename(file))) ||
  (isModuleDefinition(file) && hasPackageWithin(closure, path.dirname(file)));

export type SpecialFile = { readonly file: string; readonly refusal: SpecialRefusal };

/** The files go would open in package directory `dir` that are FIFOs, devices or sockets (through a symbolic link too). */
export const specialFilesIn = async (dir: string): Promise<SpecialFile[]> => {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const found: SpecialFile[] = [];
  for (const entry of entries) {
    if (!opensInPackage(entry.name) && !isModuleDefinition(entry.name)) continue;
    const file = path.join(dir, entry.name);
    const refusal = entry.isSymbolicLink() ? await specialAt(file) : specialRefusal(entry);
    if (refusal) found.push({ file, refusal });
  }
  return found;
};
