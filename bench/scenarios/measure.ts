/**
 * One measured change for one tool: the bench writes, then asks the program until it answers the
 * expected text (edit → first response with the new content), then waits for the tool to settle
 * and counts the `go build` runs and program starts the change cost.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { GowatchEvent } from '../../src/events.js';
import { answer, servedAt } from '../http-probe.js';
import type { ToolId } from '../peers/tool.js';
import type { FileWrite } from './project.js';
import { countsOf, settle, type Entry } from './session.js';

/** gowatch's own account of a change, in ms after the write (from its `--json` events). */
export type GowatchTimeline = {
  readonly change?: number;
  readonly buildStart?: number;
  readonly buildDone?: number;
  readonly cached?: boolean;
  readonly start?: number;
  /** `build-start` events (go build runs), `build-canceled` events. */
  readonly builds: number;
  readonly canceled: number;
  readonly skips: number;
};

export type Sample = {
  readonly tool: ToolId;
  readonly round: number;
  /** write → first response with the new content; null: never served within the timeout (a lost edit). */
  readonly latencyMs: number | null;
  /** `go build` runs (the shim's count) and program starts, from the write until the tool settled. */
  readonly builds: number;
  readonly restarts: number;
  readonly gowatch?: GowatchTimeline;
  /** For a lost edit: the last lines the tool printed, and what the program answered instead. */
  readonly lost?: string;
};

const timeline = (events: readonly GowatchEvent[], from: number, wroteAt: number): GowatchTimeline => {
  const after = events.slice(from);
  const first = <E extends GowatchEvent['event']>(name: E) => after.find((e) => e.event === name) as Extract<GowatchEvent, { event: E }> | undefined;
  const at = (event: GowatchEvent | undefined) => (event === undefined ? undefined : event.ts - wroteAt);
  const done = after.find((e) => e.event === 'build-ok' || e.event === 'build-fail');
  return {
    change: at(first('change')),
    buildStart: at(first('build-start')),
    buildDone: at(done),
    cached: done?.event === 'build-ok' ? done.cached : undefined,
    start: at(first('start')),
    builds: after.filter((e) => e.event === 'build-start').length,
    canceled: after.filter((e) => e.event === 'build-canceled').length,
    skips: after.filter((e) => e.event === 'skip').length,
  };
};

/** What the program answered instead, and the tool's last lines: why a change was not served. */
const whyLost = async (entry: Entry): Promise<string> =>
  `answered ${JSON.stringify(await answer(entry.port, entry.project.probePath))}; output: ${entry.running.tail().trim().split('\n').slice(-3).join(' / ')}`;

/** The sample of one change (or start) at `t0`, served at `at`, once `entry` settled. */
const sampleOf = (entry: Entry, round: number, t0: number, at: number | undefined, counts: { before: ReturnType<typeof countsOf>; eventsFrom: number; wroteAt: number }, lost: string | undefined): Sample => {
  const after = countsOf(entry);
  return {
    tool: entry.tool.id,
    round,
    latencyMs: at === undefined ? null : at - t0,
    builds: after.builds - counts.before.builds,
    restarts: after.starts - counts.before.starts,
    ...(entry.running.events ? { gowatch: timeline(entry.running.events, counts.eventsFrom, counts.wroteAt) } : {}),
    ...(lost === undefined ? {} : { lost }),
  };
};

export type ChangeOptions = {
  readonly round: number;
  /** What the program should answer once the change is served; undefined: nothing to wait for. */
  readonly expect: string | undefined;
  readonly timeoutMs: number;
  /** How long the tool must stay quiet after the change before it counts as settled. */
  readonly quietMs: number;
  readonly minMs?: number;
};

/** Writes `files` to `entry`'s project and measures what follows. */
export const measureChange = async (entry: Entry, files: readonly FileWrite[], options: ChangeOptions): Promise<Sample> => {
  const before = countsOf(entry);
  const eventsFrom = entry.running.events?.length ?? 0;
  const wroteAt = Date.now();
  const t0 = performance.now();
  for (const { file, content } of files) writeFileSync(file, content);
  const served = options.expect === undefined ? Promise.resolve(undefined) : servedAt(entry.port, options.expect, options.timeoutMs, entry.project.probePath);
  await entry.running.afterEdit?.();
  const at = await served;
  if (at !== undefined && options.expect !== undefined && options.expect !== entry.serving) {
    entry.previous = entry.serving;
    entry.serving = options.expect;
  }
  await settle([entry], { quietMs: options.quietMs, maxMs: options.timeoutMs, ...(options.minMs === undefined ? {} : { minMs: options.minMs }) });
  const lost = at === undefined && options.expect !== undefined ? await whyLost(entry) : undefined;
  return sampleOf(entry, options.round, t0, at, { before, eventsFrom, wroteAt }, lost);
};

/**
 * Stops `entry`'s tool and starts it again in the same project, nothing changed since it last ran
 * (a warm start): spawn → first response with what it served before.
 */
export const measureWarmStart = async (entry: Entry, options: Omit<ChangeOptions, 'expect' | 'minMs'>): Promise<Sample> => {
  await entry.running.stop();
  const before = countsOf(entry);
  const wroteAt = Date.now();
  const t0 = performance.now();
  let at: number | undefined;
  let failed: string | undefined;
  try {
    entry.running = await entry.tool.launch({ project: entry.project, port: entry.port, te: entry.te, workDir: entry.workDir });
    at = await servedAt(entry.port, entry.serving, options.timeoutMs, entry.project.probePath);
  } catch (error) {
    failed = error instanceof Error ? error.message : String(error);
  }
  await settle([entry], { quietMs: options.quietMs, maxMs: options.timeoutMs });
  const lost = failed ?? (at === undefined ? await whyLost(entry) : undefined);
  return sampleOf(entry, options.round, t0, at, { before, eventsFrom: 0, wroteAt }, lost);
};
