import { flagValue } from '../config/flag-value.js';

/**
 * What commander cannot express directly: everything after `--` belongs to the program, and
 * `--poll=MS` and `--debug=HOST:PORT` are both a switch and a value (a bare `--poll` or
 * `--debug` must not swallow the PACKAGE or a target's name).
 */
export type SplitArgv = { readonly args: string[]; readonly programArgs: string[] | undefined };

export const splitArgv = (argv: readonly string[]): SplitArgv => {
  const separator = argv.indexOf('--');
  const own = separator === -1 ? [...argv] : argv.slice(0, separator);
  const programArgs = separator === -1 ? undefined : argv.slice(separator + 1);
  const args = own.flatMap((arg) => {
    const debug = /^--debug=(.*)$/.exec(arg);
    if (debug) {
      flagValue('--debug', 'go.debug.listen', debug[1]);
      return ['--debug-listen', debug[1]!];
    }
    const poll = /^--poll=(.*)$/.exec(arg);
    if (!poll) return [arg];
    // Checked while the flag still has the name the user wrote; after the rewrite it is --poll-interval.
    flagValue('--poll', 'go.watch.pollInterval', poll[1]);
    return ['--poll-interval', poll[1]!];
  });
  return { args, programArgs };
};
