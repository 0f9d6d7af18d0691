import { stat } from 'node:fs/promises';
import pLimit from 'p-limit';

/** Stats in flight at once. */
const PARALLEL = 32;

/**
 * Whether one of `files` changed (its ctime: a write, or a file renamed into place) between
 * `since` and `until`, both times of the file system's clock (BinaryCache.clock); a time equal to
 * either counts as between. A file gone now is not counted: its removal is an event of its own.
 */
export const writtenBetween = async (files: readonly string[], since: number, until: number): Promise<boolean> => {
  const limit = pLimit(PARALLEL);
  const changed = await Promise.all(
    files.map((file) =>
      limit(() =>
        stat(file).then(
          (stats) => stats.ctimeMs >= since && stats.ctimeMs <= until,
          () => false,
        ),
      ),
    ),
  );
  return changed.includes(true);
};
