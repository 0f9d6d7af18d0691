import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync, statSync, type Stats } from 'node:fs';
import { isGowatchError } from '../errors.js';
import { notRegular } from '../files/file-kind.js';
import { configError } from './config-error.js';
import { MAX_CONFIG_BYTES } from './limits.js';
import { shownPath } from '../text/quote.js';

const errnoCode = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

const tooLarge = (file: string, bytes: string): never => {
  throw configError(file, `is ${bytes} bytes; a config over 1 MiB (${MAX_CONFIG_BYTES} bytes) is refused`);
};

const refuseUnlessRegular = (file: string, stats: Stats): void => {
  const kind = notRegular(stats);
  if (kind) throw configError(file, `is ${kind}, not a regular file`);
  if (stats.size > MAX_CONFIG_BYTES) tooLarge(file, String(stats.size));
};

/** stat() follows symbolic links; when it fails, say which link leads nowhere. */
const statFollowing = (file: string): Stats => {
  try {
    return statSync(file);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ELOOP') throw configError(file, 'is a symbolic link that loops');
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw configError(file, `cannot be read (${code})`);
    const link = lstatSync(file, { throwIfNoEntry: false });
    if (link?.isSymbolicLink()) {
      throw configError(file, `is a symbolic link to ${shownPath(readlinkSync(file))}, which does not exist`);
    }
    throw configError(file, 'does not exist');
  }
};

/**
 * The bytes of a config file, refusing what is not a regular file before opening it, and
 * reading at most MAX_CONFIG_BYTES + 1 bytes whatever happens to the file meanwhile.
 */
export const readConfigFile = (file: string): Buffer => {
  refuseUnlessRegular(file, statFollowing(file));
  let fd: number;
  try {
    // Non-blocking: a file swapped for a FIFO since the stat must not hang the open.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw configError(file, `cannot be read (${errnoCode(error)})`);
  }
  try {
    refuseUnlessRegular(file, fstatSync(fd));
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    // It grew since the fstat.
    if (length > MAX_CONFIG_BYTES) tooLarge(file, `over ${MAX_CONFIG_BYTES}`);
    return buffer.subarray(0, length);
  } catch (error) {
    if (isGowatchError(error)) throw error;
    throw configError(file, `cannot be read (${errnoCode(error)})`);
  } finally {
    closeSync(fd);
  }
};
