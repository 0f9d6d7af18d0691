import { resolveRunOptions, type RunFlags } from '../config/options.js';
import { errorMessage } from '../errors.js';
import { startGowatch } from '../gowatch.js';
import { reporterFor } from './output.js';

/** Exit statuses of a signalled process, as shells report them: 128 + the signal number. */
const SIGNAL_EXIT = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

/** `gowatch run`: runs until a signal, then stops the program tree the same careful way. */
export const runCommand = async (flags: RunFlags): Promise<number> => {
  const options = resolveRunOptions(flags);
  const gowatch = await startGowatch(options, reporterFor(options.json));
  process.on('exit', () => gowatch.killNow());
  return new Promise((resolve) => {
    let stopping = false;
    for (const [signal, code] of Object.entries(SIGNAL_EXIT)) {
      process.on(signal, () => {
        if (stopping) {
          // A second signal: the user will not wait for the graceful stop.
          gowatch.killNow();
          process.exit(code);
        }
        stopping = true;
        void gowatch
          .close()
          .catch((error: unknown) => process.stderr.write(`gowatch: while stopping: ${errorMessage(error)}\n`))
          .finally(() => resolve(code));
      });
    }
  });
};
