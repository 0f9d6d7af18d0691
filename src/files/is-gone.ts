import { stat } from 'node:fs/promises';

/** Whether an error of the file system says the path is not there (it, or a directory on its way). */
export const isGoneError = (error: unknown): boolean => ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '');

/** Whether `target` is gone: a path that cannot be looked at (no permission) is not said to be gone. */
export const isGone = async (target: string): Promise<boolean> =>
  stat(target).then(
    () => false,
    (error: unknown) => isGoneError(error),
  );
