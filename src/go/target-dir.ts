import type { RunOptions, TargetOptions } from '../config/options.js';
import { errorMessage, GowatchError, isGowatchError } from '../errors.js';
import { cacheRoot, ensureProjectCache, projectCacheDir, targetCacheDir } from './cache-dir.js';

/**
 * What names a target's cache directory: its name, so two targets of one package (two ports,
 * two roles) share none, and how it is built as the user wrote it. Flags gowatch adds itself
 * (go.run.profile's overlay) are left out, so another gowatch command finds the same directory.
 */
const targetId = (target: TargetOptions): string => [target.name, target.target.cwd, target.target.pkg, ...target.target.buildFlags].join('\0');

/** The target's own cache directory (its binaries, the record of the program it runs), without making anything. */
export const targetDirOf = (options: RunOptions, target: TargetOptions): string =>
  targetCacheDir(projectCacheDir(options.projectRoot, options.env), targetId(target));

/** ensureProjectCache refuses an unusable cache directory in doctor's words already. */
export const cacheError = (options: RunOptions, error: unknown) =>
  isGowatchError(error) ? error : new GowatchError('cache', `cannot use gowatch's cache directory ${cacheRoot(options.env)}: ${errorMessage(error)} (set GOWATCH_CACHE_DIR to a writable directory)`);

/** The target's own cache directory, its project's folder made first. */
export const targetDir = async (options: RunOptions, target: TargetOptions): Promise<string> => {
  try {
    const projectCache = await ensureProjectCache(options.projectRoot, options.env);
    return targetCacheDir(projectCache, targetId(target));
  } catch (error) {
    throw cacheError(options, error);
  }
};
