import type { GowatchEvent } from '../events.js';

/** What one target is doing, as the status line says it. */
type TargetStatus =
  | { readonly kind: 'watching'; readonly exited?: string }
  | { readonly kind: 'building'; readonly sinceMs: number }
  | { readonly kind: 'failed'; readonly where: string }
  | { readonly kind: 'starting' }
  | { readonly kind: 'running'; readonly sinceMs: number; readonly readyMs: number | undefined }
  | { readonly kind: 'backing-off'; readonly untilMs: number; readonly why: string };

type Tracked = {
  status: TargetStatus;
  running: boolean;
  /** When the program that runs now started. */
  lastStartMs: number | undefined;
  /** The change that began what the next start ends: "ready in" counts from it. */
  changeMs: number | undefined;
};

const clock = (ms: number) => new Date(ms).toTimeString().slice(0, 8);
const wholeSeconds = (ms: number) => `${Math.max(0, Math.round(ms / 1000))} s`;

const statusText = (status: TargetStatus, running: boolean, nowMs: number): string => {
  const kept = running ? ', the previous program keeps running' : '';
  switch (status.kind) {
    case 'watching':
      return status.exited ? `exited ${status.exited}; watching for changes` : 'watching for changes';
    case 'building':
      return `building… ${wholeSeconds(nowMs - status.sinceMs)}`;
    case 'failed':
      return `build failed${status.where ? ` at ${status.where}` : ''}${kept}`;
    case 'starting':
      return 'starting…';
    case 'running':
      return `running since ${clock(status.sinceMs)}${status.readyMs === undefined ? '' : ` · ready in ${status.readyMs} ms`}`;
    case 'backing-off':
      return `${status.why}; restarting in ${wholeSeconds(status.untilMs - nowMs)}`;
  }
};

/** How the line is coloured: by the most pressing state of any target. */
export type Tone = 'failed' | 'troubled' | 'busy' | 'fine';

const TONES: readonly Tone[] = ['failed', 'troubled', 'busy', 'fine'];

const toneOf = (status: TargetStatus): Tone => {
  switch (status.kind) {
    case 'failed':
      return 'failed';
    case 'backing-off':
      return 'troubled';
    case 'watching':
      return status.exited ? 'troubled' : 'fine';
    case 'building':
    case 'starting':
      return 'busy';
    case 'running':
      return 'fine';
  }
};

/** A status that changes by itself as time passes, so the line is redrawn while one is shown. */
const ticks = (status: TargetStatus) => status.kind === 'building' || status.kind === 'backing-off';

export type StatusLine = {
  /** Follows the run's events. */
  readonly update: (event: GowatchEvent) => void;
  /** The line as of `nowMs`: one target's state, or with several targets, each one's in turn. */
  readonly text: (nowMs: number) => string;
  readonly tone: () => Tone;
  /** Whether a target's build runs. */
  readonly building: () => boolean;
  /** Whether the text changes with time alone (elapsed build, back-off countdown). */
  readonly ticking: () => boolean;
};

/**
 * The state of every target, from the events: what the terminal's status line says.
 * `startedMs` is when gowatch started: the first start's "ready in" counts from it.
 */
export const statusLine = (targets: readonly string[], startedMs: number): StatusLine => {
  const fresh = (): Tracked => ({ status: { kind: 'watching' }, running: false, lastStartMs: undefined, changeMs: startedMs });
  const tracked = new Map<string, Tracked>(targets.map((name) => [name, fresh()]));
  const of = (target: string) => {
    let entry = tracked.get(target);
    if (!entry) tracked.set(target, (entry = fresh()));
    return entry;
  };
  const runningSince = (entry: Tracked, fallbackMs: number) => entry.lastStartMs ?? fallbackMs;
  const update = (event: GowatchEvent) => {
    if (!('target' in event) || event.target === undefined) return;
    const entry = of(event.target);
    switch (event.event) {
      case 'change':
        entry.changeMs ??= event.ts;
        return;
      case 'skip':
        if (event.reason !== 'unchanged') return;
        // The program as it runs is current: a failure is fixed, a build is not needed.
        entry.changeMs = undefined;
        entry.status = entry.running ? { kind: 'running', sinceMs: runningSince(entry, event.ts), readyMs: undefined } : { kind: 'watching' };
        return;
      case 'build-start':
        entry.status = { kind: 'building', sinceMs: event.ts };
        return;
      case 'build-fail': {
        const first = event.diagnostics.find((diagnostic) => diagnostic.file !== '');
        const where = first ? `${first.file}:${first.line}` : event.hook ? event.hook.key : '';
        entry.status = { kind: 'failed', where };
        entry.changeMs = undefined;
        return;
      }
      case 'hook-fail':
        entry.status = { kind: 'failed', where: event.hook.key };
        entry.changeMs = undefined;
        return;
      case 'starting':
        entry.status = { kind: 'starting' };
        return;
      case 'start':
        entry.running = true;
        entry.lastStartMs = event.ts;
        entry.status = { kind: 'running', sinceMs: event.ts, readyMs: entry.changeMs === undefined ? undefined : event.ts - entry.changeMs };
        entry.changeMs = undefined;
        return;
      case 'exit':
        entry.running = false;
        if (!event.restarts && entry.status.kind !== 'building' && entry.status.kind !== 'failed') {
          entry.status = { kind: 'watching', exited: event.signal ? `on ${event.signal}` : `with code ${event.code}` };
        }
        return;
      case 'restart': {
        const why = event.reason === 'memory' ? 'over its memory limit' : event.reason === 'crash' ? 'crashed' : 'exited';
        entry.status = { kind: 'backing-off', untilMs: event.ts + event.delayMs, why: `${why} (restart ${event.attempt})` };
        return;
      }
      case 'restart-limit':
        entry.status = { kind: 'watching', exited: `${event.restarts + 1} times in a row` };
        return;
      default:
        return;
    }
  };
  const text = (nowMs: number) => {
    const entries = [...tracked];
    if (entries.length === 1) return statusText(entries[0]![1].status, entries[0]![1].running, nowMs);
    return entries.map(([name, entry]) => `${name}: ${statusText(entry.status, entry.running, nowMs)}`).join('  │  ');
  };
  const tone = () => {
    const tones = new Set([...tracked.values()].map((entry) => toneOf(entry.status)));
    return TONES.find((one) => tones.has(one)) ?? 'fine';
  };
  return { update, text, tone, building: () => [...tracked.values()].some((entry) => entry.status.kind === 'building'), ticking: () => [...tracked.values()].some((entry) => ticks(entry.status)) };
};
