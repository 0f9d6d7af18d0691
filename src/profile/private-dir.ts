import { chmod, lstat, mkdir } from 'node:fs/promises';
import { GowatchError } from '../errors.js';
import { makeDirectories } from '../go/make-directories.js';

/** Read, write and search for the owner only: profiles show what the program's memory holds. */
export const PRIVATE_DIR_MODE = 0o700;

/** A directory of gowatch's own cache, made (or made again) open to the user alone. */
export const ensurePrivateDir = async (dir: string): Promise<void> => {
  await makeDirectories(dir);
  await chmod(dir, PRIVATE_DIR_MODE);
};

/**
 * A directory in a place others can write to (the system's temporary directory): made open to
 * the user alone, or used only when it is a real directory the user owns that nobody else can
 * open, since whoever owns it could read or replace what is put there.
 */
export const claimSharedPlaceDir = async (dir: string, uid: number): Promise<void> => {
  await mkdir(dir, { mode: PRIVATE_DIR_MODE }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw new GowatchError('profile', `cannot create ${dir} for the profile socket (${error.code ?? error.message})`);
  });
  const stats = await lstat(dir);
  const refuse = (why: string) => new GowatchError('profile', `will not put the profile socket in ${dir}: ${why}; remove it, or set TMPDIR to a directory of your own`);
  if (!stats.isDirectory()) throw refuse('it is not a directory');
  if (stats.uid !== uid) throw refuse(`it belongs to user id ${stats.uid}, not to you (${uid})`);
  if ((stats.mode & 0o077) !== 0) throw refuse(`others may open it (mode ${(stats.mode & 0o777).toString(8)}, expected 700)`);
};
