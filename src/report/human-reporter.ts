import { createColors } from 'picocolors';
import { formatDiagnostic } from '../go/diagnostics.js';
import type { EventSink, GowatchEvent } from '../events.js';
import { formatBytes } from './bytes.js';
import { hookFailureText, lastLines } from './hook-lines.js';
import { ignoredHint, ignoredLine, isIgnored, settledByPath, type IgnoredReason } from './ignored-edits.js';
import { unchangedLine } from './unchanged-saves.js';
import { IgnoredByAll } from './ignored-by-all.js';
import { plural } from '../text/plural.js';
import { profileLines } from './profile-lines.js';
import { targetPrefixes } from './target-prefix.js';

export type HumanReporterOptions = {
  readonly write: (text: string) => void;
  /** Colours only on a terminal, and never with NO_COLOR. */
  readonly color: boolean;
  /** The targets running: with several, each line about one starts with its name. */
  readonly targets?: readonly string[];
  /** --verbose: every ignored edit gets its line, and every program its pid. */
  readonly verbose?: boolean;
};

const list = (files: readonly string[], max = 3) =>
  files.length <= max ? files.join(', ') : `${files.slice(0, max).join(', ')} and ${files.length - max} more`;

const exitText = (event: { code: number | null; signal: string | null }) => (event.signal ? `on ${event.signal}` : `with code ${event.code}`);

/**
 * Whether an `unchanged` skip is of a save whose "changed" line is not said yet (it came in the
 * same turn as its `change`) and that fixes no failed build (that is said).
 */
const isQuietSave = (lines: TargetLines, files: readonly string[]) =>
  !lines.failed && !lines.built && files.length > 0 && files.every((file) => lines.changed.includes(file));

/** What the reporter remembers of one target between its events. */
type TargetLines = {
  /**
   * The "changed" line of the latest batch, said once the skips that follow its `change` in
   * the same turn have taken out the files gowatch ignores (editor temp files, build output,
   * logs, tests), which are said apart.
   */
  changed: string[];
  ignored: { readonly reason: IgnoredReason; readonly files: readonly string[] }[];
  /** Files of the latest batch saved with no change to the build: said only with --verbose. */
  unchanged: string[];
  lastStopMs: number | undefined;
  /** A crash loop is told once, with its count: within a streak, restarts and exits stay quiet. */
  streak: number;
  /** The last build that ended failed: a return to the running version fixed it. */
  failed: boolean;
  /**
   * A build was said to be done and nothing started since: a save that brings the build back
   * to what runs leaves it unused, and that is said (the "built" line promised a restart).
   */
  built: boolean;
};

/** Concise lines for people: what changed, how long the build and the restart took, what failed. */
export const humanReporter = ({ write, color, targets = [], verbose = false }: HumanReporterOptions): EventSink => {
  const c = createColors(color);
  const prefix = targetPrefixes(targets, color);
  const state = new Map<string, TargetLines>();
  const of = (target: string) => {
    let lines = state.get(target);
    if (!lines) state.set(target, (lines = { changed: [], ignored: [], unchanged: [], lastStopMs: undefined, streak: 0, failed: false, built: false }));
    return lines;
  };
  const lineOf = (target: string | undefined, text: string) => write(`${c.dim('[gowatch]')} ${target === undefined ? '' : prefix(target)}${text}\n`);
  // Every target hears of the same batch: its "changed" line is said once, not once per target.
  let lastChanged = { text: '', by: new Set<string>() };
  // The hint is spent only on an edit every target ignores, said once, with no target's name.
  let hinted = false;
  const unused = new IgnoredByAll(targets);
  // A file saved unchanged is said once for the batch, whichever targets build it.
  let lastUnchanged = { text: '', by: new Set<string>() };
  const sayIgnored = (target: string, ignored: TargetLines['ignored']) => {
    for (const { reason, files } of ignored) {
      if (verbose) lineOf(target, c.dim(ignoredLine(list(files), reason)));
      else if (!hinted) {
        const byAll = unused.ignored(target, files);
        if (byAll.length === 0) continue;
        hinted = true;
        unused.clear();
        lineOf(undefined, c.dim(ignoredHint(list(byAll), reason)));
      }
    }
  };
  /**
   * With several targets, a "changed" line of files that a target leaves out of its build waits
   * for the targets that build them: said when one of them acts (its line, or anything it does
   * next), dropped when they find the save changed nothing, and never said when no target
   * builds them. What the waiting targets say of the files follows it.
   */
  let waiting: { text: string; files: readonly string[]; by: Set<string>; then: (() => void)[] } | undefined;
  const endWaiting = (sayLine: boolean) => {
    const ended = waiting;
    waiting = undefined;
    if (!ended) return;
    if (sayLine) sayChangedText(ended.text);
    for (const then of ended.then) then();
  };
  const sayChangedText = (text: string) => write(`${c.dim('[gowatch]')} ${c.cyan('changed')} ${text}\n`);
  const flushChanged = (target: string, lines: TargetLines) => {
    const { changed, ignored, unchanged } = lines;
    lines.changed = [];
    lines.ignored = [];
    lines.unchanged = [];
    const leftOut = new Set(ignored.flatMap(({ reason, files }) => (reason === 'not-in-build' ? files : [])));
    if (changed.length > 0) {
      const text = list(changed);
      if (text === lastChanged.text && !lastChanged.by.has(target)) lastChanged.by.add(target);
      else if (targets.length > 1 && changed.every((file) => leftOut.has(file))) {
        if (waiting?.text !== text) endWaiting(true);
        waiting ??= { text, files: changed, by: new Set(), then: [] };
        waiting.by.add(target);
        waiting.then.push(() => sayIgnored(target, ignored));
        if (waiting.by.size === targets.length) endWaiting(false);
        return;
      } else {
        if (waiting && waiting.text !== text) endWaiting(true);
        lastChanged = { text, by: new Set([target]) };
        sayChangedText(text);
        if (waiting?.text === text) endWaiting(false);
      }
    }
    if (unchanged.length > 0) {
      const text = list(unchanged);
      if (text === lastUnchanged.text && !lastUnchanged.by.has(target)) lastUnchanged.by.add(target);
      else {
        lastUnchanged = { text, by: new Set([target]) };
        lineOf(undefined, c.dim(unchangedLine(text)));
      }
      if (waiting && waiting.files.every((file) => unchanged.includes(file))) endWaiting(false);
    }
    sayIgnored(target, ignored);
  };
  return (event: GowatchEvent) => {
    const target = 'target' in event && event.target !== undefined ? event.target : undefined;
    const line = (text: string) => lineOf(target, text);
    if (event.event === 'skip' && event.reason === 'unchanged' && isQuietSave(of(event.target), event.files)) {
      // A save that changed nothing (a touch, an identical rewrite) is no news: its `change`
      // came in this turn and is not said; --verbose says it in one line.
      const lines = of(event.target);
      lines.changed = lines.changed.filter((file) => !event.files.includes(file));
      if (verbose) lines.unchanged.push(...event.files);
      else if (waiting && waiting.files.every((file) => event.files.includes(file))) queueMicrotask(() => endWaiting(false));
      return;
    }
    if (event.event === 'skip' && isIgnored(event.reason)) {
      const lines = of(event.target);
      // With several targets, the "changed" line is every target's: a Go file this one leaves
      // out may be another's build, and this target's word on it follows that line.
      if (targets.length < 2 || settledByPath(event.reason)) lines.changed = lines.changed.filter((file) => !event.files.includes(file));
      lines.ignored.push({ reason: event.reason, files: event.files });
      // Said in this turn, after its `change` if the batch had one (a log alone has none).
      queueMicrotask(() => flushChanged(event.target, lines));
      return;
    }
    if (target === undefined) for (const [name, lines] of state) flushChanged(name, lines);
    else flushChanged(target, of(target));
    // Something happens that is not a target's word on a change: a waiting line is due first.
    if (event.event !== 'change') endWaiting(true);
    const own = of(target ?? '');
    switch (event.event) {
      case 'watching':
        return line(`watching ${event.root} ${c.dim(`(${event.backend}: ${event.reason}${event.environment ? `; ${event.environment}` : ''})`)}`);
      case 'closure':
        return line(c.dim(`${event.target}: ${plural(event.packages, 'package')}, ${plural(event.edges, 'import')}, ${plural(event.files, 'file')} in the build (${event.durationMs} ms)`));
      case 'change':
        own.streak = 0;
        own.changed = [...event.files];
        if (!hinted) unused.told(event.target, event.files);
        // Its skips follow in the same turn; the line is said before anything this batch starts.
        queueMicrotask(() => flushChanged(event.target, own));
        return;
      case 'skip': {
        // Its "changed" line is out (a build was canceled or left unused, or the closure read again): the end is said.
        if (own.built) {
          own.built = false;
          return line(c.dim('the new build is not needed: the running program is current'));
        }
        if (!own.failed) return line(c.dim('no rebuild needed: the running program is current'));
        own.failed = false;
        return line(`${c.green('build errors fixed')}: the running program is current (no rebuild needed)`);
      }
      case 'build-start':
        own.streak = 0;
        own.built = false;
        return line(c.dim(`building ${event.target}…`));
      case 'build-ok':
        own.failed = false;
        own.built = true;
        return line(`${c.green('built')} ${event.target} ${event.cached ? 'from cache' : `in ${event.durationMs} ms`}`);
      case 'build-fail': {
        own.failed = true;
        own.built = false;
        if (event.hook) {
          line(`${c.red('build failed')}: ${hookFailureText(event.hook)} (${event.durationMs} ms); the previous program keeps running`);
          for (const text of lastLines(event.diagnostics.map(formatDiagnostic))) write(`  ${c.red(text)}\n`);
          return;
        }
        line(`${c.red('build failed')} in ${event.durationMs} ms; the previous program keeps running`);
        for (const diagnostic of event.diagnostics) write(`  ${c.red(formatDiagnostic(diagnostic))}\n`);
        return;
      }
      case 'hook-fail': {
        const kept = event.running ? ', the previous one keeps running' : '';
        line(`${c.red(hookFailureText(event.hook))}: the program was not started${kept}; the next change tries again`);
        for (const text of lastLines(event.output.split('\n').filter((text) => text.trim() !== ''))) write(`  ${c.red(text)}\n`);
        return;
      }
      case 'build-canceled':
        return line(c.dim('build canceled: newer changes arrived'));
      case 'stop':
        own.lastStopMs = event.durationMs;
        return event.forced ? line(c.yellow(`pid ${event.pid} ignored the stop signal and was killed after ${event.durationMs} ms`)) : undefined;
      case 'starting': {
        own.built = false;
        const stopped = own.lastStopMs === undefined ? '' : c.dim(` (old one stopped in ${Math.round(own.lastStopMs)} ms)`);
        own.lastStopMs = undefined;
        if (own.streak > 1) return undefined;
        return line(`${c.green('starting')} ${event.target}${stopped}`);
      }
      case 'debug':
        return line(`${event.target} runs under Delve: attach the debugger to ${event.listen} once it started`);
      case 'start':
        // The announcement was "starting": by now the program may be writing, so its pid is a
        // detail for --verbose, where it may come after the program's first lines.
        return verbose && own.streak <= 1 ? line(c.dim(`${event.target} runs as pid ${event.pid}`)) : undefined;
      case 'exit': {
        if (own.streak > 0) return undefined;
        // Without a restart to come, the line says what starts it again (a restart says so itself).
        const next = event.restarts ? '' : '; waiting for the next change';
        return line(`${event.code === 0 ? c.dim('program exited') : c.yellow('program exited')} ${exitText(event)}${next}`);
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
        return line(c.yellow(`${event.target} (pid ${event.pid}) holds ${formatBytes(event.rssBytes)}, over go.run.memoryLimit ${formatBytes(event.limitBytes)}`));
      case 'profile':
        for (const { text, raw } of profileLines(event, c, verbose)) {
          if (raw) write(`${text}\n`);
          else line(text);
        }
        return;
      case 'leftover':
        return line(c.yellow(`stopped ${plural(event.pids.length, 'process', 'processes')} left running by an earlier gowatch (${event.pids.join(', ')})${event.forced ? ', with SIGKILL' : ''}`));
      case 'warning':
        return line(c.yellow(event.message));
      case 'error':
        return line(c.red(event.message));
    }
  };
};
