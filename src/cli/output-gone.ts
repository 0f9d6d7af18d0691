import { isatty } from 'node:tty';

/** How often a terminal gowatch writes to is looked at: one ioctl per stream. */
const CHECK_MS = 1000;

/** A write to a closed terminal or pipe: whoever read gowatch's output is gone. */
const isGoneReader = (error: NodeJS.ErrnoException) => error.code === 'EPIPE' || error.code === 'EIO';

/**
 * Resolves once gowatch's output has nowhere to go: a write fails because the pipe's reader
 * exited or the terminal was hung up, or — noticed even when gowatch has nothing to write — a
 * terminal stdout or stderr was hung up (its window or tmux pane closed, and no SIGHUP reached
 * gowatch: its shell ignored it or did not pass it on). A hung-up terminal answers no terminal
 * request, so isatty turns false on it. Call it before anything is written.
 */
export const outputGone = (): { readonly gone: Promise<void>; readonly stop: () => void } => {
  const streams = [process.stdout, process.stderr];
  const terminals = streams.filter((stream) => isatty(stream.fd));
  let timer: NodeJS.Timeout | undefined;
  const gone = new Promise<void>((resolve) => {
    for (const stream of streams) {
      stream.on('error', (error: NodeJS.ErrnoException) => {
        if (isGoneReader(error)) resolve();
      });
    }
    if (terminals.length === 0) return;
    timer = setInterval(() => {
      if (!terminals.some((stream) => !isatty(stream.fd))) return;
      clearInterval(timer);
      resolve();
    }, CHECK_MS);
    timer.unref();
  });
  return { gone, stop: () => clearInterval(timer) };
};
