import type { EventSink } from '../events.js';

/** `--json`: one event per line on stdout, and nothing else there. */
export const jsonReporter = (write: (line: string) => void = (line) => process.stdout.write(line)): EventSink =>
  (event) => write(`${JSON.stringify(event)}\n`);
