import type { Closure } from './closure.js';

/**
 * How many files a target's build reads, one count for run, inspect and doctor: the files
 * compiled or embedded, and the module files (go.mod, go.sum, go.work…) that exist.
 */
export const buildFileCount = (closure: Closure, exists: (file: string) => boolean): number =>
  closure.inputFiles.size + closure.moduleFiles.filter(exists).length;
