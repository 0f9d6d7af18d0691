import { stat as statCallback } from 'node:fs';
import { promisify } from 'node:util';

/** fs.stat, not fs/promises: for many small calls the promise version is markedly slower. */
const stat = promisify(statCallback);

/**
 * When each of `files` was last written (its ctime: a write, or a file renamed into place), on
 * the file system's clock (BinaryCache.clock); undefined for one that is gone.
 */
export const writeTimes = (files: readonly string[]): Promise<(number | undefined)[]> =>
  Promise.all(files.map((file) => stat(file).then((stats) => stats.ctimeMs, () => undefined)));
