import { humanReporter } from '../report/human-reporter.js';
import { jsonReporter } from '../report/json-reporter.js';
import type { EventSink } from '../report/events.js';

const wantsColor = (stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv) =>
  !('NO_COLOR' in env) && (Boolean(env['FORCE_COLOR']) || stream.isTTY === true);

/** JSON events on stdout, or human lines on stderr (stdout stays the program's). */
export const reporterFor = (json: boolean, env: NodeJS.ProcessEnv = process.env): EventSink =>
  json
    ? jsonReporter()
    : humanReporter({ write: (text) => process.stderr.write(text), color: wantsColor(process.stderr, env) });

export const printError = (message: string, json: boolean): void => {
  if (json) process.stdout.write(`${JSON.stringify({ event: 'error', ts: Date.now(), message })}\n`);
  process.stderr.write(`gowatch: ${message}\n`);
};
