import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Every process a program starts inherits its environment unless it clears it, so a variable
 * naming the run marks the whole tree — even a double-forked daemon that left the group, the
 * session and the parent chain.
 */
export const RUN_ID_VARIABLE = 'GOWATCH_RUN_ID';

/** Whether a NUL-separated environment block holds GOWATCH_RUN_ID=<runId> exactly (not a prefix of a longer id). */
export const environCarries = (environ: Buffer, runId: string): boolean => {
  const entry = Buffer.from(`${RUN_ID_VARIABLE}=${runId}`);
  for (let at = environ.indexOf(entry); at >= 0; at = environ.indexOf(entry, at + 1)) {
    const end = at + entry.length;
    if ((at === 0 || environ[at - 1] === 0) && (end === environ.length || environ[end] === 0)) return true;
  }
  return false;
};

/** Processes of other users (EACCES) and processes that just exited (ENOENT, ESRCH) cannot carry it for us. */
const UNREADABLE = new Set(['EACCES', 'EPERM', 'ENOENT', 'ESRCH']);

/** Environments are read into one buffer per process-table snapshot; it grows for a larger one. */
export type EnvironBuffer = { bytes: Buffer };

export const environBuffer = (): EnvironBuffer => ({ bytes: Buffer.allocUnsafe(64 * 1024) });

/** The whole of /proc/PID/environ (which reports no size), read into `buffer`. */
const readEnviron = (pid: number, buffer: EnvironBuffer): Buffer => {
  const fd = openSync(`/proc/${pid}/environ`, 'r');
  try {
    let length = 0;
    for (;;) {
      if (length === buffer.bytes.length) {
        const larger = Buffer.allocUnsafe(buffer.bytes.length * 2);
        buffer.bytes.copy(larger);
        buffer.bytes = larger;
      }
      const read = readSync(fd, buffer.bytes, length, buffer.bytes.length - length, null);
      if (read === 0) return buffer.bytes.subarray(0, length);
      length += read;
    }
  } finally {
    closeSync(fd);
  }
};

/** Linux: whether /proc/PID/environ (the environment the process started with) carries `runId`. */
export const procCarries = (pid: number, runId: string, buffer: EnvironBuffer = environBuffer()): boolean => {
  try {
    return environCarries(readEnviron(pid, buffer), runId);
  } catch (error) {
    if (UNREADABLE.has((error as NodeJS.ErrnoException).code ?? '')) return false;
    throw error;
  }
};
