import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

const isDirectory = (dir: string): Promise<boolean | undefined> =>
  stat(dir).then(
    (stats) => stats.isDirectory(),
    () => undefined,
  );

/**
 * `mkdir -p` that always ends. Node's recursive mkdir retries a level whose parent exists when
 * the kernel still says ENOENT (as under /proc), and spins there for ever; here each missing
 * level is made once, from the nearest existing ancestor down, and its error is thrown.
 */
export const makeDirectories = async (dir: string): Promise<void> => {
  const missing: string[] = [];
  for (let current = path.resolve(dir); (await isDirectory(current)) === undefined; current = path.dirname(current)) {
    missing.unshift(current);
    if (path.dirname(current) === current) break;
  }
  for (const level of missing) {
    await mkdir(level).catch(async (error: NodeJS.ErrnoException) => {
      // Made meanwhile by another gowatch: fine, as long as it is a directory.
      if (error.code !== 'EEXIST' || !(await isDirectory(level))) throw error;
    });
  }
};
