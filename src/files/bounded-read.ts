import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { statOf } from '../paths.js';
import { specialKind, type KindOf } from './file-kind.js';

/** A FIFO, a device or a socket: what it is. */
export type SpecialRefusal = { readonly kind: 'special'; readonly what: string };

/** Why gowatch did not read a file of the user's tree. */
export type Refusal = SpecialRefusal | { readonly kind: 'too-large'; readonly bytes: number };

/**
 * Non-blocking: opening a FIFO must not block (in a thread-pool thread nothing could ever free
 * again); what was opened is then told by its fstat, and only a regular file is read. No
 * controlling terminal: a link to a terminal device must not become gowatch's. Neither flag
 * exists on Windows, where no FIFO or terminal can be in a directory tree either.
 */
export const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** The most one read takes: a big file is read in pieces. */
const PIECE_BYTES = 1024 ** 2;

/** A FIFO, a device or a socket: refused unread. */
export const specialRefusal = (stats: KindOf): SpecialRefusal | undefined => {
  const what = specialKind(stats);
  return what ? { kind: 'special', what } : undefined;
};

/** Why a path is not to be read, if it is not; undefined for a regular file within `limit` (and for a directory, which holds no content). */
export const refusalOf = (stats: Stats, limit: number): Refusal | undefined =>
  specialRefusal(stats) ?? (stats.size > limit ? { kind: 'too-large', bytes: stats.size } : undefined);

/** Whether `file` is now a FIFO, a device or a socket (following symbolic links), and which. */
export const specialAt = async (file: string): Promise<SpecialRefusal | undefined> => {
  const stats = await stat(file).catch(() => undefined);
  return stats && specialRefusal(stats);
};

/**
 * How much the next read of a file fstat called `size` asks for, `done` bytes in: up to one byte
 * past the size (a short read is the end; a full one means the file grew), never more than one
 * byte past `limit`, and at most a piece.
 */
export const nextReadLength = (size: number, done: number, limit: number): number =>
  Math.min(PIECE_BYTES, limit - done + 1, done <= size ? size - done + 1 : PIECE_BYTES);

/** What reading a file gave. */
export type BoundedRead =
  | { readonly kind: 'read'; readonly bytes: Buffer }
  /** Missing, a directory, or unreadable: nothing there to read. */
  | { readonly kind: 'absent' }
  | { readonly kind: 'refused'; readonly refusal: Refusal };

const ABSENT: BoundedRead = { kind: 'absent' };

/** A refusal, unless `stats` is a regular file within `limit`; a directory is absent. */
const verdict = (stats: Stats | undefined, limit: number): BoundedRead | undefined => {
  if (!stats || stats.isDirectory()) return ABSENT;
  const refusal = refusalOf(stats, limit);
  return refusal && { kind: 'refused', refusal };
};

/**
 * A small file of the user's tree (an ignore file, a go.mod) read on the spot: only a regular
 * file (a symbolic link to one is fine), opened without blocking, and never more than `limit`
 * bytes, whatever happens to the file meanwhile.
 */
export const readBoundedSync = (file: string, limit: number): BoundedRead => {
  const early = verdict(statOf(file), limit);
  if (early) return early;
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch {
    return ABSENT;
  }
  try {
    const stats = fstatSync(fd);
    const late = verdict(stats, limit);
    if (late) return late;
    const pieces: Buffer[] = [];
    let done = 0;
    for (;;) {
      const length = nextReadLength(stats.size, done, limit);
      const piece = Buffer.allocUnsafe(length);
      const read = readSync(fd, piece, 0, length, null);
      done += read;
      // It grew past the limit since the fstat.
      if (done > limit) return { kind: 'refused', refusal: { kind: 'too-large', bytes: done } };
      pieces.push(piece.subarray(0, read));
      if (read < length) return { kind: 'read', bytes: Buffer.concat(pieces, done) };
    }
  } catch {
    return ABSENT;
  } finally {
    closeSync(fd);
  }
};

/**
 * What follows a refused file's name: "is a FIFO (named pipe), not a regular file", or "is
 * 2100000000 bytes, over " and `limit`, which says whose limit it is.
 */
export const refusalText = (refusal: Refusal, limit: string): string =>
  refusal.kind === 'special' ? specialText(refusal) : `is ${refusal.bytes} bytes, over ${limit}`;

export const specialText = (refusal: SpecialRefusal): string => `is ${refusal.what}, not a regular file`;
