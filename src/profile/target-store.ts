import path from 'node:path';
import type { TargetOptions } from '../config/options.js';
import { ProfileStore } from './store.js';

/** The profiles of a target, kept in its cache directory `dir`: where `gowatch run` and `gowatch profile` both write. */
export const targetProfileStore = (dir: string, target: TargetOptions): ProfileStore =>
  new ProfileStore(path.join(dir, 'profiles'), { keep: target.profile.keep });

/**
 * Keeps the newest baseline whatever another process's save prunes: it is likely the running
 * program's, which its gowatch (another process) keeps until the run ends.
 */
export const keepNewestBaseline = async (store: ProfileStore): Promise<void> => {
  const baseline = (await store.list()).find((capture) => capture.trigger === 'baseline');
  for (const file of baseline?.files ?? []) store.protect(file.path);
};
