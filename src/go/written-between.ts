import { stat as statCallback } from 'node:fs';
import { promisify } from 'node:util';

/** fs.stat, not fs/promises: for many small calls the promise version is markedly slower. */
const stat = promisify(statCallback);

/**
 * Whether one of `files` changed (its ctime: a write, or a file renamed into place) between
 * `since` and `until`, both times of the file system's clock (BinaryCache.clock); a time equal to
 * either counts as between. A file gone now is not counted: its removal is an event of its own.
 */
export const writtenBetween = async (files: readonly string[], since: number, until: number): Promise<boolean> => {
  const changed = await Promise.all(
    files.map((file) =>
      stat(file).then(
        (stats) => stats.ctimeMs >= since && stats.ctimeMs <= until,
        () => false,
      ),
    ),
  );
  return changed.includes(true);
};
