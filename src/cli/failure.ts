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
