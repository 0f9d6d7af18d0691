import type { WatchRoot } from '../watch/watch-set.js';
import type { DoctorContext } from './context.js';
import { errorMessage } from '../errors.js';

export type PlannedRoots = {
  readonly roots: readonly WatchRoot[];
  /** Why only the project root is known (the closures could not be listed, or the crawl overran). */
  readonly partial: string | undefined;
};

/** The roots gowatch run would watch; without closures, the project root alone, said so. */
export const plannedRoots = async (context: DoctorContext): Promise<PlannedRoots> => {
  let partial: string | undefined = 'the targets could not be listed, so only the project root is known';
  try {
    const roots = await context.watchRoots();
    if (roots) return { roots, partial: undefined };
  } catch (error) {
    partial = errorMessage(error);
  }
  return { roots: [{ root: context.projectRoot, ignoreDirs: [], unreadable: [], kept: 0 }], partial };
};
