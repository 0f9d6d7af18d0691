import { humanReporter } from '../report/human-reporter.js';
import { jsonReporter } from '../report/json-reporter.js';
import type { GowatchError } from '../errors.js';
import { errorEvent, type EventSink, type GowatchEvent } from '../events.js';
import type { ProgramLines } from '../gowatch.js';
import { targetPrefixes } from '../report/target-prefix.js';
import { quietFilter } from '../report/quiet-filter.js';
import { statusReporter } from '../report/status-reporter.js';
import { statusTerminal } from '../report/status-terminal.js';

/** FORCE_COLOR=0 (or false) turns colours off, as in the other tools that read it; any other value forces them. */
const forcedColor = (env: NodeJS.ProcessEnv): boolean | undefined => {
  const value = env['FORCE_COLOR'];
  if (value === undefined || value === '') return undefined;
  return value !== '0' && value !== 'false';
};

const wantsColor = (stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv) => !('NO_COLOR' in env) && (forcedColor(env) ?? stream.isTTY === true);

/** A terminal that can keep a row for the status line: not a pipe or file, not TERM=dumb. */
const redraws = (stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv) => stream.isTTY === true && env['TERM'] !== 'dumb';

/** How the human output is shaped: flags of the command and go.run.clearScreen. */
export type TerminalOptions = {
  readonly verbose?: boolean;
  /** --quiet: only failures, crashes and warnings are lines. */
  readonly quiet?: boolean;
  /** go.run.clearScreen. */
  readonly clearScreen?: boolean;
};

export type Reporter = {
  readonly sink: EventSink;
  /** Clears the terminal (the hotkey c): the rows above the status line when there is one. */
  readonly clear: () => void;
};

const clearWhole = () => void process.stderr.write('\x1b[H\x1b[2J');

/**
 * JSON events on stdout, or human lines on stderr (stdout stays the programs'), with the
 * status line below them when stderr is a terminal that can redraw it.
 */
export const reporterFor = (
  json: boolean,
  targets: readonly string[],
  { verbose = false, quiet = false, clearScreen = false }: TerminalOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): Reporter => {
  if (json) return { sink: jsonReporter(), clear: clearWhole };
  const color = wantsColor(process.stderr, env);
  const lines = humanReporter({ write: (text) => process.stderr.write(text), color, targets, verbose });
  const human = quiet ? quietFilter(lines) : lines;
  if (!redraws(process.stderr, env)) return { sink: human, clear: clearWhole };
  const terminal = statusTerminal(process.stderr);
  const status = statusReporter(terminal, { targets, color, clearScreen });
  // Whatever ends gowatch, the terminal scrolls whole again and the status row is left blank.
  process.on('exit', status.close);
  const sink: EventSink = (event) => {
    status.before(event);
    human(event);
    status.sink(event);
  };
  return { sink, clear: terminal.clear };
};

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
