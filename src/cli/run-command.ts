import { resolveRunOptions, type RunFlags } from '../config/options.js';
import { errorMessage } from '../errors.js';
import { startGowatch } from '../gowatch.js';
import { findLauncher, parentLeftMessage, watchLauncher } from './launcher.js';
import { outputGone } from './output-gone.js';
import { programLinesFor, reporterFor } from './output.js';

/** Exit statuses of a signalled process, as shells report them: 128 + the signal number. */
const SIGNAL_EXIT = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

/** --verbose shapes only what people read, so it is the command's, not a setting of the run. */
export type RunCommandFlags = RunFlags & { readonly verbose?: boolean };

/**
 * `gowatch run`: runs until a signal, then stops the program tree the same careful way. Losing
 * its launcher (launcher.ts: the npm script was killed, the shell died) or its output
 * (output-gone.ts: a closed pipe, a hung-up terminal) counts as SIGHUP, so the program never
 * outlives what started it.
 */
export const runCommand = async ({ verbose = false, ...flags }: RunCommandFlags): Promise<number> => {
  const options = resolveRunOptions(flags);
  const names = options.targets.map((target) => target.name);
  // Both taken before the first build, which can be long: what happens meanwhile still counts.
  const launcher = findLauncher();
  const output = outputGone();
  const sink = reporterFor(options.json, names, verbose);
  const gowatch = await startGowatch(options, sink, names.length > 1 ? { programLines: programLinesFor(options.json, names) } : {});
  process.on('exit', () => gowatch.killNow());
  return new Promise((resolve) => {
    let stopping = false;
    const shutdown = (signal: keyof typeof SIGNAL_EXIT) => {
      const code = SIGNAL_EXIT[signal];
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
