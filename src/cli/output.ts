import { humanReporter } from '../report/human-reporter.js';
import { jsonReporter } from '../report/json-reporter.js';
import type { EventSink } from '../report/events.js';
import type { ProgramLines } from '../gowatch.js';
import { targetPrefixes } from '../report/target-prefix.js';

const wantsColor = (stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv) =>
  !('NO_COLOR' in env) && (Boolean(env['FORCE_COLOR']) || stream.isTTY === true);

/** JSON events on stdout, or human lines on stderr (stdout stays the programs'). */
export const reporterFor = (json: boolean, targets: readonly string[], env: NodeJS.ProcessEnv = process.env): EventSink =>
  json
    ? jsonReporter()
    : humanReporter({ write: (text) => process.stderr.write(text), color: wantsColor(process.stderr, env), targets });

/**
 * Several programs on one terminal: each whole line behind its target's prefix, in the
 * target's colour, on the stream it was written to (stdout goes to stderr under --json).
 */
export const programLinesFor = (json: boolean, targets: readonly string[], env: NodeJS.ProcessEnv = process.env): ProgramLines => {
  const out = json ? process.stderr : process.stdout;
  const prefix = targetPrefixes(targets, wantsColor(out, env));
  return (target, stream, line) => (stream === 'stdout' ? out : process.stderr).write(`${prefix(target)}${line}\n`);
};

export const printError = (message: string, json: boolean): void => {
  if (json) process.stdout.write(`${JSON.stringify({ event: 'error', ts: Date.now(), message })}\n`);
  process.stderr.write(`gowatch: ${message}\n`);
};
