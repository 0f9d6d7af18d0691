import { createColors } from 'picocolors';
import { formatDiagnostic } from '../go/diagnostics.js';
import type { EventSink, GowatchEvent } from './events.js';

export type HumanReporterOptions = {
  readonly write: (text: string) => void;
  /** Colours only on a terminal, and never with NO_COLOR. */
  readonly color: boolean;
};

const list = (files: readonly string[], max = 3) =>
  files.length <= max ? files.join(', ') : `${files.slice(0, max).join(', ')} and ${files.length - max} more`;

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

const megabytes = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;

const exitText = (event: { code: number | null; signal: string | null }) => (event.signal ? `on ${event.signal}` : `with code ${event.code}`);

/** Concise lines for people: what changed, how long the build and the restart took, what failed. */
export const humanReporter = ({ write, color }: HumanReporterOptions): EventSink => {
  const c = createColors(color);
  const line = (text: string) => write(`${c.dim('[gowatch]')} ${text}\n`);
  let lastStopMs: number | undefined;
  // A crash loop is told once, with its count: within a streak, restarts and exits stay quiet.
  const streaks = new Map<string, number>();
  // Files no pattern names (editor temp files, build output) are noise for people: the
  // "changed" line waits for the skip that may follow it and leaves those files out.
  let changed: string[] = [];
  const flushChanged = () => {
    if (changed.length > 0) line(`${c.cyan('changed')} ${list(changed)}`);
    changed = [];
  };
  return (event: GowatchEvent) => {
    if (event.event === 'skip' && event.reason === 'not-watched') {
      changed = changed.filter((file) => !event.files.includes(file));
      return;
    }
    flushChanged();
    switch (event.event) {
      case 'watching':
        return line(`watching ${event.root} ${c.dim(`(${event.backend}: ${event.reason})`)}`);
      case 'closure':
        return line(c.dim(`${event.target}: ${plural(event.packages, 'package')}, ${plural(event.edges, 'import')}, ${plural(event.files, 'file')} in the build (${event.durationMs} ms)`));
      case 'change':
        streaks.delete(event.target);
        changed = [...event.files];
        return;
      case 'skip':
        return line(c.dim(`no rebuild: ${list(event.files)} ${event.reason === 'unchanged' ? 'left the build unchanged' : `(${event.reason})`}`));
      case 'build-start':
        streaks.delete(event.target);
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
        lastStopMs = event.durationMs;
        return event.forced ? line(c.yellow(`pid ${event.pid} ignored the stop signal and was killed after ${event.durationMs} ms`)) : undefined;
      case 'start': {
        const stopped = lastStopMs === undefined ? '' : c.dim(` (old one stopped in ${lastStopMs} ms)`);
        lastStopMs = undefined;
        const streak = streaks.get(event.target);
        if (streak !== undefined && streak > 1) return undefined;
        return line(`${c.green('running')} ${event.target} as pid ${event.pid}${stopped}`);
      }
      case 'exit': {
        if ((streaks.get(event.target) ?? 0) > 0) return undefined;
        return line(`${event.code === 0 ? c.dim('program exited') : c.yellow('program exited')} ${exitText(event)}`);
      }
      case 'restart': {
        streaks.set(event.target, event.attempt);
        if (event.attempt > 1) return undefined;
        const why = event.reason === 'memory' ? 'over its memory limit' : event.reason === 'crash' ? 'it crashed' : 'it exited';
        return line(c.yellow(`restarting ${event.target} (${why}), backing off from ${event.delayMs} ms`));
      }
      case 'restart-limit':
        streaks.delete(event.target);
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
