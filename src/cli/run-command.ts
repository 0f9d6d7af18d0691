import { resolveRunOptions, type RunFlags } from '../config/options.js';
import { errorMessage } from '../errors.js';
import { startGowatch } from '../gowatch.js';
import { programLinesFor, reporterFor } from './output.js';

/** Exit statuses of a signalled process, as shells report them: 128 + the signal number. */
const SIGNAL_EXIT = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

/** How often gowatch looks whether its parent (a terminal, an npm script) is still there. */
const PARENT_CHECK_MS = 1000;

/** A write to a closed terminal or pipe: whoever read gowatch's output is gone. */
const isGoneReader = (error: NodeJS.ErrnoException) => error.code === 'EPIPE' || error.code === 'EIO';

/** --verbose shapes only what people read, so it is the command's, not a setting of the run. */
export type RunCommandFlags = RunFlags & { readonly verbose?: boolean };

/**
 * `gowatch run`: runs until a signal, then stops the program tree the same careful way. Losing
 * its parent (reparented: the terminal closed, the npm script was killed) or its output
 * streams counts as SIGHUP, so the program never outlives the session that started it.
 */
export const runCommand = async ({ verbose = false, ...flags }: RunCommandFlags): Promise<number> => {
  const options = resolveRunOptions(flags);
  const names = options.targets.map((target) => target.name);
  const gowatch = await startGowatch(options, reporterFor(options.json, names, verbose), names.length > 1 ? { programLines: programLinesFor(options.json, names) } : {});
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
      clearInterval(parentCheck);
      void gowatch
        .close()
        .catch((error: unknown) => process.stderr.write(`gowatch: while stopping: ${errorMessage(error)}\n`))
        .finally(() => resolve(code));
    };
    for (const signal of Object.keys(SIGNAL_EXIT) as (keyof typeof SIGNAL_EXIT)[]) process.on(signal, () => shutdown(signal));
    const parent = process.ppid;
    const parentCheck = setInterval(() => {
      if (process.ppid !== parent && !stopping) shutdown('SIGHUP');
    }, PARENT_CHECK_MS);
    parentCheck.unref();
    for (const stream of [process.stdout, process.stderr]) {
      stream.on('error', (error: NodeJS.ErrnoException) => {
        if (isGoneReader(error) && !stopping) shutdown('SIGHUP');
      });
    }
  });
};
