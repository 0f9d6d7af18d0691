import { randomBytes } from 'node:crypto';
import { open, rm, stat, statfs } from 'node:fs/promises';
import path from 'node:path';

export type Writability =
  | { readonly ok: true; readonly exists: boolean; readonly tried: string; readonly freeBytes: number | undefined }
  | { readonly ok: false; readonly exists: boolean; readonly tried: string; readonly problem: string };

const isDirectory = async (dir: string): Promise<boolean | undefined> => {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return undefined;
  }
};

/** The directory itself when it exists, else its nearest existing ancestor: where it would be created. */
const nearestExisting = async (dir: string): Promise<{ dir: string; exists: boolean; notDirectory: boolean }> => {
  const own = await isDirectory(dir);
  if (own !== undefined) return { dir, exists: true, notDirectory: !own };
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    const found = await isDirectory(current);
    if (found !== undefined) return { dir: current, exists: false, notDirectory: !found };
    if (path.dirname(current) === current) return { dir: current, exists: false, notDirectory: false };
  }
};

/**
 * Whether files can be written in `dir`: a temporary file is created there and removed at
 * once. A directory that does not exist yet is judged by the nearest existing one above it
 * (where it would be created), and nothing is created for it.
 */
export const checkWritable = async (dir: string): Promise<Writability> => {
  const { dir: tried, exists, notDirectory } = await nearestExisting(path.resolve(dir));
  if (notDirectory) return { ok: false, exists, tried, problem: `${tried} is not a directory` };
  const probe = path.join(tried, `.gowatch-doctor-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const handle = await open(probe, 'wx');
    await handle.close();
    await rm(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { ok: false, exists, tried, problem: `cannot create a file in ${tried} (${code})` };
  }
  const freeBytes = await statfs(tried).then((s) => s.bavail * s.bsize, () => undefined);
  return { ok: true, exists, tried, freeBytes };
};

/** Less free space than this on a cache's filesystem is worth a warning. */
export const LOW_SPACE_BYTES = 1024 ** 3;
