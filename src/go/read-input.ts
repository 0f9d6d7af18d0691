import { constants as bufferConstants } from 'node:buffer';
import { createHash, type Hash } from 'node:crypto';
import { close, closeSync, fstat, fstatSync, open, openSync, read, readSync, type Stats } from 'node:fs';
import { nextReadLength, OPEN_FLAGS, refusalOf, type Refusal } from '../files/bounded-read.js';
import { goFileShape } from './go-file-shape.js';

/**
 * What gowatch remembers of one file: a content digest, for Go files the shape go list reads,
 * and why it was not read, when it was not.
 */
export type FileState = { readonly digest: string; readonly shape: string | undefined; readonly refusal?: Refusal };

export const MISSING: FileState = { digest: 'missing', shape: undefined };

/**
 * Go's own limit for an embedded file (the linker's): no input larger than that can go into a
 * binary, and nothing larger is read. A source or asset of a real program is far smaller.
 */
export const MAX_INPUT_BYTES = 2e9;
/** A Go file's shape is read from its text; a longer source than a string can hold is not. */
const MAX_SHAPED_BYTES = bufferConstants.MAX_STRING_LENGTH;

/** A refused file still has its own digest, so the key moves when it comes, goes, or turns into a regular file. */
const refused = (refusal: Refusal): FileState => ({
  digest: refusal.kind === 'special' ? `special:${refusal.what}` : `too-large:${refusal.bytes}`,
  shape: undefined,
  refusal,
});

/** The state of `stats` when it is not a regular file to read: missing (a directory holds no content) or refused. */
const notToRead = (stats: Stats | undefined): FileState | undefined => {
  if (!stats || stats.isDirectory()) return MISSING;
  const refusal = refusalOf(stats, MAX_INPUT_BYTES);
  return refusal && refused(refusal);
};

/** The digest of what was read (`last` being its last piece), with the shape of a Go file's text. */
const stateOf = (hash: Hash, pieces: Buffer[] | undefined, last: Buffer, length: number): FileState => {
  hash.update(last);
  if (pieces && length <= MAX_SHAPED_BYTES) pieces.push(last);
  const digest = hash.digest('hex');
  if (!pieces) return { digest, shape: undefined };
  // Without the text, the shape is the content itself: any edit may change the closure.
  return { digest, shape: length <= MAX_SHAPED_BYTES ? goFileShape(Buffer.concat(pieces, length).toString('utf8')) : digest };
};

/**
 * The state of one input: only a regular file is read (a symbolic link to one is fine), opened
 * without blocking and read no further than the limit; a FIFO, a device or a socket is refused
 * unread, told by the descriptor's own fstat (no stat before the open: at start every input is
 * read, and one more file-system call each is a large share of that). Deleted, a directory or
 * unreadable: no content goes into the binary from this path. Callbacks, not fs/promises: for
 * small files the promise versions are several times slower.
 */
export const readInput = (file: string): Promise<FileState> =>
  new Promise((resolve) => {
    const isGo = file.endsWith('.go');
    open(file, OPEN_FLAGS, (openError, fd) => {
      if (openError) return resolve(MISSING);
      const finish = (state: FileState) => close(fd, () => resolve(state));
      fstat(fd, (fstatError, stats) => {
        const late = notToRead(fstatError ? undefined : stats);
        if (late) return finish(late);
        const hash = createHash('sha256');
        const pieces: Buffer[] | undefined = isGo ? [] : undefined;
        let done = 0;
        const next = () => {
          const length = nextReadLength(stats.size, done, MAX_INPUT_BYTES);
          const piece = Buffer.allocUnsafe(length);
          read(fd, piece, 0, length, null, (readError, bytesRead) => {
            if (readError) return finish(MISSING);
            done += bytesRead;
            // It grew past the limit since the fstat.
            if (done > MAX_INPUT_BYTES) return finish(refused({ kind: 'too-large', bytes: done }));
            const got = piece.subarray(0, bytesRead);
            // The end, hashed once the file is closed: hashing first holds up the thread-pool work of every other file.
            if (bytesRead < length) return close(fd, () => resolve(stateOf(hash, pieces, got, done)));
            hash.update(got);
            if (pieces && done <= MAX_SHAPED_BYTES) pieces.push(got);
            next();
          });
        };
        next();
      });
    });
  });

/** The largest input read without the thread pool: anything larger would hold up the event loop. */
const READ_NOW_BYTES = 256 * 1024;

/**
 * readInput without the thread pool, for the few files of one edit on the way to `go build`:
 * every asynchronous call is a round trip through the pool, and a file takes several. Undefined
 * for a file larger than READ_NOW_BYTES (or grown past it while read): read it with readInput.
 */
export const readInputNow = (file: string): FileState | undefined => {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch {
    return MISSING;
  }
  try {
    let stats: Stats | undefined;
    try {
      stats = fstatSync(fd);
    } catch {
      stats = undefined;
    }
    const late = notToRead(stats);
    if (late) return late;
    if (stats!.size > READ_NOW_BYTES) return undefined;
    const hash = createHash('sha256');
    const pieces: Buffer[] | undefined = file.endsWith('.go') ? [] : undefined;
    for (let done = 0; ; ) {
      const length = nextReadLength(stats!.size, done, MAX_INPUT_BYTES);
      const piece = Buffer.allocUnsafe(length);
      const bytesRead = readSync(fd, piece, 0, length, null);
      done += bytesRead;
      if (done > READ_NOW_BYTES) return undefined;
      const got = piece.subarray(0, bytesRead);
      if (bytesRead < length) return stateOf(hash, pieces, got, done);
      hash.update(got);
      pieces?.push(got);
    }
  } catch {
    return MISSING;
  } finally {
    closeSync(fd);
  }
};
