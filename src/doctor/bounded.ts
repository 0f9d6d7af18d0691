import { seconds } from '../text/duration.js';

/** Raised by `bounded` when the work did not finish in time. */
export class TimedOut extends Error {
  readonly ms: number;

  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${seconds(ms)}`);
    this.name = 'TimedOut';
    this.ms = ms;
  }
}

/**
 * `work`, or a TimedOut after `ms`: doctor never waits on a hung `go` or a slow disk. What
 * keeps running meanwhile (a child process) is left to its own timeout and to doctor's exit.
 */
export const bounded = async <T>(work: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimedOut(what, ms)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
};
