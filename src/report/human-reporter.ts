import { createColors } from 'picocolors';
import { formatDiagnostic } from '../go/diagnostics.js';
import type { EventSink, GowatchEvent } from '../events.js';
import { targetPrefixes } from './target-prefix.js';

export type HumanReporterOptions = {
  readonly write: (text: string) => void;
  /** Colours only on a terminal, and never with NO_COLOR. */
  readonly color: boolean;
  /** The targets running: with several, each line about one starts with its name. */
  readonly targets?: readonly string[];
};

const list = (files: readonly string[], max = 3) =>
  files.length <= max ? files.join(', ') : `${files.slice(0, max).join(', ')} and ${files.length - max} more`;

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

const megabytes = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;

const exitText = (event: { code: number | null; signal: string | null }) => (event.signal ? `on ${event.signal}` : `with code ${event.code}`);

/** What the reporter remembers of one target between its events. */
type TargetLines = {
  /**
   * Files no pattern names and files .gitignore leaves out (editor temp files, build output,
   * logs) are noise for people: the "changed" line waits for the skip that may follow it and
   * leaves those files out.
   */
  changed: string[];
  lastStopMs: number | undefined;
  /** A crash loop is told once, with its count: within a streak, restarts and exits stay quiet. */
  streak: number;
};

/** Concise lines for people: what changed, how long the build and the restart took, what failed. */
export const humanReporter = ({ write, color, targets = [] }: HumanReporterOptions): EventSink => {
  const c = createColors(color);
  const prefix = targetPrefixes(targets, color);
  const state = new Map<string, TargetLines>();
  const of = (target: string) => {
    let lines = state.get(target);
    if (!lines) state.set(target, (lines = { changed: [], lastStopMs: undefined, streak: 0 }));
    return lines;
  };
  // Every target hears of the same batch: its "changed" line is said once, not once per target.
  let lastChanged = { text: '', by: new Set<string>() };
  const flushChanged = (target: string, lines: TargetLines) => {
    if (lines.changed.length === 0) return;
    const text = list(lines.changed);
    lines.changed = [];
    if (text === lastChanged.text && !lastChanged.by.has(target)) {
      lastChanged.by.add(target);
      return;
    }
    lastChanged = { text, by: new Set([target]) };
    write(`${c.dim('[gowatch]')} ${c.cyan('changed')} ${text}\n`);
  };
  return (event: GowatchEvent) => {
    const target = 'target' in event && event.target !== undefined ? event.target : undefined;
    const line = (text: string) => write(`${c.dim('[gowatch]')} ${target === undefined ? '' : prefix(target)}${text}\n`);
    if (event.event === 'skip' && (event.reason === 'not-watched' || event.reason === 'gitignored')) {
      const lines = of(event.target);
      lines.changed = lines.changed.filter((file) => !event.files.includes(file));
      return;
    }
    if (target === undefined) for (const [name, lines] of state) flushChanged(name, lines);
    else flushChanged(target, of(target));
    const own = of(target ?? '');
    switch (event.event) {
      case 'watching':
        return line(`watching ${event.root} ${c.dim(`(${event.backend}: ${event.reason}${event.environment ? `; ${event.environment}` : ''})`)}`);
      case 'closure':
        return line(c.dim(`${event.target}: ${plural(event.packages, 'package')}, ${plural(event.edges, 'import')}, ${plural(event.files, 'file')} in the build (${event.durationMs} ms)`));
      case 'change':
        own.streak = 0;
        own.changed = [...event.files];
        return;
      case 'skip':
        return line(c.dim(`no rebuild: ${list(event.files)} ${event.reason === 'unchanged' ? 'left the build unchanged' : `(${event.reason})`}`));
      case 'build-start':
        own.streak = 0;
        return line(c.dim(`building ${event.target}…`));
      case 'build-ok':
        return line(`${c.green('built')} ${event.target} ${event.cached ? 'from cache' : `in ${event.durationMs} ms`}`);
      case 'build-fail': {
        line(`${c.red('build failed')} in ${event.durationMs} ms; the previous program keeps running`);
        for (const diagnostic of event.diagnostics) write(`  ${c.red(formatDiagnostic(diagnostic))}\n`);
        return;
      }
      case 'build-canceled':
        return line(c.dim('build canceled: newer changes arrived'));
      case 'stop':
        own.lastStopMs = event.durationMs;
        return event.forced ? line(c.yellow(`pid ${event.pid} ignored the stop signal and was killed after ${event.durationMs} ms`)) : undefined;
      case 'start': {
        const stopped = own.lastStopMs === undefined ? '' : c.dim(` (old one stopped in ${Math.round(own.lastStopMs)} ms)`);
        own.lastStopMs = undefined;
        if (own.streak > 1) return undefined;
        return line(`${c.green('running')} ${event.target} as pid ${event.pid}${stopped}`);
      }
      case 'exit': {
        if (own.streak > 0) return undefined;
        return line(`${event.code === 0 ? c.dim('program exited') : c.yellow('program exited')} ${exitText(event)}`);
      }
      case 'restart': {
        own.streak = event.attempt;
        if (event.attempt > 1) return undefined;
        const why = event.reason === 'memory' ? 'over its memory limit' : event.reason === 'crash' ? 'it crashed' : 'it exited';
        return line(c.yellow(`restarting ${event.target} (${why}), backing off from ${event.delayMs} ms`));
      }
      case 'restart-limit':
        own.streak = 0;
        return line(c.yellow(`${event.target} ended ${plural(event.restarts + 1, 'time')} in a row; waiting for the next change`));
      case 'memory':
        return line(c.yellow(`${event.target} (pid ${event.pid}) holds ${megabytes(event.rssBytes)}, over go.run.memoryLimit ${megabytes(event.limitBytes)}`));
      case 'leftover':
        return line(c.yellow(`stopped ${event.pids.length === 1 ? '1 process' : `${event.pids.length} processes`} left running by an earlier gowatch (${event.pids.join(', ')})${event.forced ? ', with SIGKILL' : ''}`));
      case 'warning':
        return line(c.yellow(event.message));
      case 'error':
        return line(c.red(event.message));
    }
  };
};
