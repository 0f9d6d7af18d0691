import { resolveRunOptions, type RunFlags } from '../config/options.js';
import { errorMessage } from '../errors.js';
import { startGowatch } from '../gowatch.js';
import { hotkeysOn } from '../hotkeys/stdin-rule.js';
import { listenForHotkeys } from './hotkeys.js';
import { findLauncher, parentLeftMessage, watchLauncher } from './launcher.js';
import { outputGone } from './output-gone.js';
import { programLinesFor, reporterFor } from './output.js';

/** Exit statuses of a signalled process, as shells report them: 128 + the signal number. */
const SIGNAL_EXIT = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

/** --verbose and --quiet shape only what people read, so they are the command's, not settings of the run. */
export type RunCommandFlags = RunFlags & { readonly verbose?: boolean; readonly quiet?: boolean };

/**
 * `gowatch run`: runs until a signal, then stops the program tree the same careful way. Losing
 * its launcher (launcher.ts: the npm script was killed, the shell died) or its output
 * (output-gone.ts: a closed pipe, a hung-up terminal) counts as SIGHUP, so the program never
 * outlives what started it.
 */
export const runCommand = async ({ verbose = false, quiet = false, ...flags }: RunCommandFlags): Promise<number> => {
  const options = resolveRunOptions(flags);
  const names = options.targets.map((target) => target.name);
  // Both taken before the first build, which can be long: what happens meanwhile still counts.
  const launcher = findLauncher();
  const output = outputGone();
  const { sink, clear } = reporterFor(options.json, names, { verbose, quiet, clearScreen: options.clearScreen });
  const hotkeys = hotkeysOn(options, { stdin: process.stdin.isTTY === true, stderr: process.stderr.isTTY === true });
  const gowatch = await startGowatch(options, sink, { hotkeys, ...(names.length > 1 ? { programLines: programLinesFor(options.json, names) } : {}) });
  process.on('exit', () => gowatch.killNow());
  return new Promise((resolve) => {
    let stopping = false;
    // q is a stop asked for, not a signal: status 0.
    const shutdown = (signal: keyof typeof SIGNAL_EXIT | 'quit') => {
      const code = signal === 'quit' ? 0 : SIGNAL_EXIT[signal];
      // Line mode again at once: a second Ctrl-C is SIGINT again, and kills.
      keys?.stop();
      if (stopping) {
        // A second signal: the user will not wait for the graceful stop.
        gowatch.killNow();
        process.exit(code);
      }
      stopping = true;
      launcherWatch.stop();
      output.stop();
      void gowatch
        .close()
        .catch((error: unknown) => process.stderr.write(`gowatch: while stopping: ${errorMessage(error)}\n`))
        .finally(() => resolve(code));
    };
    const keys = hotkeys
      ? listenForHotkeys({ gowatch, options, sink, input: process.stdin, output: process.stderr, clear, quit: () => shutdown('quit'), interrupt: () => shutdown('SIGINT') })
      : undefined;
    for (const signal of Object.keys(SIGNAL_EXIT) as (keyof typeof SIGNAL_EXIT)[]) process.on(signal, () => shutdown(signal));
    const launcherWatch = watchLauncher(launcher, {
      gone: () => shutdown('SIGHUP'),
      parentLeft: (parent) => sink({ event: 'warning', message: parentLeftMessage(parent), ts: Date.now() }),
    });
    void output.gone.then(() => {
      if (!stopping) shutdown('SIGHUP');
    });
  });
};
