import path from 'node:path';
import { oneLine } from '../text/quote.js';
import { seconds } from '../text/duration.js';
import { runGoBounded } from '../go/run-go-bounded.js';
import { GowatchError } from '../errors.js';
import type { ProfileKind } from './kinds.js';

/** One row of `go tool pprof -top`. Values are in the kind's TOP_UNIT; in a diff, growth (negative: shrank). */
export type TopEntry = { readonly function: string; readonly flat: number; readonly flatPercent: number; readonly cum: number };

/** The table of `go tool pprof -top`: its rows and the profile's total (of the diff, with a base). */
export type TopTable = { readonly total: number; readonly entries: readonly TopEntry[] };

/** What the values of a kind's table count. */
export const TOP_UNIT: Readonly<Record<ProfileKind, 'bytes' | 'goroutines' | 'nanoseconds'>> = {
  heap: 'bytes',
  allocs: 'bytes',
  goroutine: 'goroutines',
  cpu: 'nanoseconds',
  mutex: 'nanoseconds',
  block: 'nanoseconds',
};

/**
 * pprof's value and unit per kind. The unit is fixed so the figures are exact (pprof would
 * otherwise scale them and round to two decimals): in-use bytes for heap, as chasing a leak needs.
 */
const KIND_ARGS: Readonly<Record<ProfileKind, readonly string[]>> = {
  heap: ['-sample_index=inuse_space', '-unit=B'],
  allocs: ['-sample_index=alloc_space', '-unit=B'],
  goroutine: [],
  cpu: ['-unit=ns'],
  mutex: ['-sample_index=delay', '-unit=ns'],
  block: ['-sample_index=delay', '-unit=ns'],
};

/**
 * How long one `go tool pprof` may take. Reading a profile takes a fraction of a second, but
 * the first run on a Go build cache builds pprof itself, which takes seconds, more on a busy machine.
 */
export const PPROF_TIMEOUT_MS = 120_000;

/** The multiple of the base unit (byte, nanosecond) each suffix pprof prints stands for. */
const SCALES: Readonly<Record<string, number>> = {
  '': 1,
  B: 1,
  kB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
  PB: 1024 ** 5,
  ns: 1,
  us: 1e3,
  µs: 1e3,
  ms: 1e6,
  s: 1e9,
};

const HEADER = /^\s*flat\s+flat%\s+sum%\s+cum\s+cum%\s*$/;
const ROW = /^\s*(\S+)\s+(\S+)%\s+\S+%\s+(\S+)\s+\S+%\s+(.+?)\s*$/;
const TOTAL = /^Showing nodes accounting for .*\bof (\S+) total/m;

const unreadable = (what: string): GowatchError => new GowatchError('profile', `go tool pprof printed a table gowatch cannot read: ${what}`);

const value = (text: string): number => {
  const match = /^(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)(\D*)$/.exec(text);
  const scale = match ? SCALES[match[2]!] : undefined;
  if (!match || scale === undefined) throw unreadable(`the value ${oneLine(text, 40)}`);
  return Number(match[1]) * scale;
};

const percent = (text: string): number => {
  const number = Number(text);
  if (!Number.isFinite(number)) throw unreadable(`the percentage ${oneLine(text, 40)}`);
  return number;
};

/** Reads the output of `go tool pprof -top`, with scaled units (kB, MB…) or a fixed one. */
export const parseTop = (text: string): TopTable => {
  const lines = text.split('\n');
  const header = lines.findIndex((line) => HEADER.test(line));
  const total = TOTAL.exec(text)?.[1];
  if (header < 0 || total === undefined) throw unreadable(`no table in ${JSON.stringify(oneLine(text, 80))}`);
  const entries: TopEntry[] = [];
  for (const line of lines.slice(header + 1)) {
    if (line.trim() === '') continue;
    const row = ROW.exec(line);
    if (!row) throw unreadable(`the line ${JSON.stringify(oneLine(line, 80))}`);
    entries.push({ function: row[4]!, flat: value(row[1]!), flatPercent: percent(row[2]!), cum: value(row[3]!) });
  }
  return { total: value(total), entries };
};

export type PprofOptions = {
  /** The environment go runs with, whole (gowatch's own when not given). */
  readonly env?: NodeJS.ProcessEnv;
  /** Where go runs: the profile's directory when not given, outside any module. */
  readonly cwd?: string;
  readonly timeoutMs?: number;
};

export type TopRequest = PprofOptions & {
  readonly file: string;
  /** An earlier profile of the same kind: the entries are then what changed since. */
  readonly base?: string;
  readonly kind: ProfileKind;
  /** Entries asked for (pprof's -nodecount). */
  readonly count: number;
};

/** Runs `go tool pprof -top` on `file` within the time bound and reads its table. */
const pprofTop = async (request: TopRequest): Promise<TopTable> => {
  const file = path.resolve(request.file);
  const base = request.base === undefined ? [] : ['-base', path.resolve(request.base)];
  const args = ['tool', 'pprof', '-top', `-nodecount=${request.count}`, ...KIND_ARGS[request.kind], ...base, file];
  const timeoutMs = request.timeoutMs ?? PPROF_TIMEOUT_MS;
  const outcome = await runGoBounded(args, request.cwd ?? path.dirname(file), request.env ?? process.env, timeoutMs);
  if (outcome.ok) return parseTop(outcome.stdout);
  switch (outcome.reason) {
    case 'missing':
      throw new GowatchError('profile', `cannot read ${file}: go tool pprof needs the Go toolchain, and "go" was not found on PATH`);
    case 'timeout':
      throw new GowatchError('profile', `go tool pprof did not read ${file} within ${seconds(timeoutMs)}`);
    case 'failed': {
      // pprof's first line names the file it could not read (the profile or the base) and why.
      const said = oneLine(outcome.stderr?.split('\n').find((line) => line.trim() !== '') ?? '', 300);
      throw new GowatchError('profile', said ? `go tool pprof could not read a profile: ${said}` : outcome.message);
    }
  }
};

/** The top `count` functions of a profile by flat value, or of its growth since `base`. */
export const topEntries = async (request: TopRequest): Promise<TopEntry[]> => [...(await pprofTop(request)).entries];

/** The goroutines a goroutine profile counts: the total of its table. */
export const goroutineCount = async (file: string, options: PprofOptions = {}): Promise<number> =>
  (await pprofTop({ ...options, file, kind: 'goroutine', count: 1 })).total;
