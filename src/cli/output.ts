import { humanReporter } from '../report/human-reporter.js';
import { jsonReporter } from '../report/json-reporter.js';
import type { GowatchError } from '../errors.js';
import { errorEvent, type EventSink, type GowatchEvent } from '../events.js';
import type { ProgramLines } from '../gowatch.js';
import { targetPrefixes } from '../report/target-prefix.js';

const wantsColor = (stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv) =>
  !('NO_COLOR' in env) && (Boolean(env['FORCE_COLOR']) || stream.isTTY === true);

/** JSON events on stdout, or human lines on stderr (stdout stays the programs'). */
export const reporterFor = (json: boolean, targets: readonly string[], verbose = false, env: NodeJS.ProcessEnv = process.env): EventSink =>
  json
    ? jsonReporter()
    : humanReporter({ write: (text) => process.stderr.write(text), color: wantsColor(process.stderr, env), targets, verbose });

/**
 * Several programs on one terminal: each whole line behind its target's prefix, in the
 * target's colour, on the stream it was written to (stdout goes to stderr under --json).
 */
export const programLinesFor = (json: boolean, targets: readonly string[], env: NodeJS.ProcessEnv = process.env): ProgramLines => {
  const out = json ? process.stderr : process.stdout;
  const prefix = targetPrefixes(targets, wantsColor(out, env));
  return (target, stream, line) => (stream === 'stdout' ? out : process.stderr).write(`${prefix(target)}${line}\n`);
};

/** A failure that ends gowatch: one line on stderr, and under --json its `error` event too. */
export const printError = (error: GowatchError, json: boolean): void => {
  if (json) jsonReporter()({ ...errorEvent(error), ts: Date.now() } as GowatchEvent);
  process.stderr.write(`gowatch: ${error.message}\n`);
};
