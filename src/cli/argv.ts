/**
 * What commander cannot express directly: everything after `--` belongs to the program, and
 * `--poll=MS` and `--debug=HOST:PORT` are both a switch and a value (a bare `--poll` or
 * `--debug` must not swallow the PACKAGE or a target's name).
 */
export type SplitArgv = { readonly args: string[]; readonly programArgs: string[] | undefined };

export const splitArgv = async (argv: readonly string[]): Promise<SplitArgv> => {
  const separator = argv.indexOf('--');
  const own = separator === -1 ? [...argv] : argv.slice(0, separator);
  const programArgs = separator === -1 ? undefined : argv.slice(separator + 1);
  const args: string[] = [];
  for (const arg of own) {
    const [, flag, value] = /^(--debug|--poll)=(.*)$/.exec(arg) ?? [];
    if (flag === undefined || value === undefined) {
      args.push(arg);
      continue;
    }
    // Checked while the flag still has the name the user wrote; the config schema that checks
    // it is loaded only then.
    const { flagValue } = await import('../config/flag-value.js');
    if (flag === '--debug') {
      flagValue('--debug', 'go.debug.listen', value);
      args.push('--debug-listen', value);
    } else {
      flagValue('--poll', 'go.watch.pollInterval', value);
      args.push('--poll-interval', value);
    }
  }
  return { args, programArgs };
};
