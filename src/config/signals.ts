import { constants } from 'node:os';
import { didYouMean } from './did-you-mean.js';
import { quote } from '../text/quote.js';

/**
 * Signals a program can catch and end on: the only ones a graceful stop can use. The usual
 * ones come first, so a typo is matched to them; SIGWINCH is Apache httpd's graceful stop.
 */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGALRM'] as const;

const expected = `one of ${STOP_SIGNALS.join(', ')}`;

/** Why `name` cannot be the stop signal, or undefined when it can. */
export const stopSignalProblem = (name: string): string | undefined => {
  if ((STOP_SIGNALS as readonly string[]).includes(name)) return undefined;
  if (name === 'SIGKILL' || name === 'SIGSTOP') {
    return `${name} cannot be caught, so the program could never stop gracefully; gowatch itself sends SIGKILL once go.run.stopTimeout runs out (0 kills at once)`;
  }
  if (Object.hasOwn(constants.signals, name)) return `${name} is not a signal programs stop on; expected ${expected}`;
  // "term" and "TERM" are near misses too.
  const upper = name.length <= 20 ? name.toUpperCase() : '';
  const typo = didYouMean(upper.startsWith('SIG') ? upper : `SIG${upper}`, STOP_SIGNALS);
  return `unknown signal ${quote(name)}${typo}; expected ${expected}`;
};
