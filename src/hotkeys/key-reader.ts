import type { ReadStream } from 'node:tty';

export type KeyReader = {
  /** Stops reading and gives the terminal its line mode back (echo, Ctrl-C as SIGINT). */
  readonly stop: () => void;
};

/**
 * Reads single keys from a terminal: raw mode, so a key counts without Enter and is not echoed.
 * Line mode comes back on stop — gowatch stops reading keys as soon as it starts stopping, so a
 * second Ctrl-C is SIGINT again — and on every exit (a crash, process.exit), whether or not
 * Node resets the terminal itself.
 */
export const readKeys = (input: ReadStream, onKeys: (text: string) => void): KeyReader => {
  let stopped = false;
  const restore = () => {
    try {
      if (input.isTTY) input.setRawMode(false);
    } catch {
      // A terminal hung up since (hung-up-terminal.ts) has no mode to give back.
    }
  };
  const data = (chunk: Buffer | string) => onKeys(chunk.toString());
  // A hung-up terminal fails reads (EIO): that is the output's end, said by output-gone.ts, not a
  // crash. Kept after stop: a read under way may still fail.
  const failed = () => undefined;
  input.setRawMode(true);
  input.on('data', data);
  input.on('error', failed);
  input.resume();
  process.once('exit', restore);
  return {
    stop: () => {
      if (stopped) return;
      stopped = true;
      input.off('data', data);
      input.pause();
      restore();
      process.off('exit', restore);
    },
  };
};
