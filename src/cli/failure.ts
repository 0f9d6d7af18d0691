import { isGowatchError } from '../errors.js';
import { errorEvent, type GowatchEvent } from '../events.js';
import { jsonReporter } from '../report/json-reporter.js';
import { printError } from './output.js';

/**
 * Says why gowatch ends, and returns its exit status. An expected error is one line (and its
 * `error` event under --json); anything else is a bug: under --json an `error` event of kind
 * internal comes first, so a consumer reading the stream learns that gowatch is gone, and the
 * stack goes to stderr for the bug report.
 */
export const reportFailure = (error: unknown, json: boolean): number => {
  if (isGowatchError(error)) {
    printError(error, json);
    return error.exitCode;
  }
  if (json) jsonReporter()({ ...errorEvent(error), ts: Date.now() } as GowatchEvent);
  process.stderr.write(`gowatch: internal error, please report it:\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
};

/**
 * An exception nothing caught, or a rejection nothing handled, ends gowatch as a failure of the
 * command does: said once, then `exit`, whose 'exit' listeners stop every program. Later ones,
 * while leaving, are dropped: the first says what went wrong. The CLI's own: the library
 * installs no process handlers.
 */
export const reportUncaught = (json: boolean, exit: (code: number) => void): void => {
  let reported = false;
  const onUncaught = (error: unknown) => {
    if (reported) return;
    reported = true;
    exit(reportFailure(error, json));
  };
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
};
