/**
 * The scenarios of the side-by-side bench, on a running session:
 *   edits   rounds of one edit per tool, in a new shuffled order each round (edit → serve);
 *   undo    back to the content before the last edit: time to serve the old content again;
 *   burst   hundreds of closure files rewritten at once, as a checkout does: builds and restarts;
 *   no-op   the served file rewritten with identical bytes: builds and restarts (0 expected);
 *   unrelated  a README or a _test.go edited: builds and restarts (0 expected);
 *   warm    each tool stopped and started again with nothing changed: start → first answer.
 * Edits, undos, warm starts and bursts go to one tool at a time, each waiting until its tool
 * settled; the no-op and unrelated changes go to every watcher at once (nothing is timed there,
 * only counted).
 */
import { readFileSync } from 'node:fs';
import type { FileWrite } from './project.js';
import { measureChange, measureWarmStart, type Sample } from './measure.js';
import type { Entry, Session } from './session.js';

export type Random = { readonly next: () => number };

/** `items` in a random order (Fisher–Yates). */
const shuffled = <T>(items: readonly T[], random: Random): T[] => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

export type TimedOptions = {
  readonly rounds: number;
  readonly random: Random;
  /** Makes every text of this run new to Go's and gowatch's caches. */
  readonly nonce: string;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
};

/** How long a tool must be quiet (no build, no new start) before the next tool's change. */
export const QUIET_MS = 300;

const show = (sample: Sample) => (sample.latencyMs === null ? 'LOST' : `${Math.round(sample.latencyMs)} ms`);

const edit = (entry: Entry, text: string): FileWrite[] => [{ file: entry.project.servedFile, content: entry.project.servedContent(text) }];

export const editRounds = async (session: Session, options: TimedOptions): Promise<Sample[]> => {
  const samples: Sample[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const line: string[] = [];
    for (const entry of shuffled(session.entries, options.random)) {
      const text = `${entry.project.name} ${entry.tool.id} edit ${round} ${options.nonce}`;
      const sample = await measureChange(entry, edit(entry, text), { round, expect: text, timeoutMs: options.timeoutMs, quietMs: QUIET_MS });
      samples.push(sample);
      line.push(`${entry.tool.id} ${show(sample)}`);
    }
    options.log(`  round ${round}: ${line.join(', ')}`);
  }
  return samples;
};

/**
 * Each round writes back, for each tool, the content it served before its last change: the first
 * round undoes the last edit, the next one redoes it, and so on — both states built before.
 */
export const undoRounds = async (session: Session, options: TimedOptions): Promise<Sample[]> => {
  const samples: Sample[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const line: string[] = [];
    for (const entry of shuffled(session.entries, options.random)) {
      const back = entry.previous;
      if (back === undefined) {
        line.push(`${entry.tool.id}: nothing to undo`);
        continue;
      }
      const sample = await measureChange(entry, edit(entry, back), { round, expect: back, timeoutMs: options.timeoutMs, quietMs: QUIET_MS });
      samples.push(sample);
      line.push(`${entry.tool.id} ${show(sample)}`);
    }
    options.log(`  undo ${round}: ${line.join(', ')}`);
  }
  return samples;
};

/** Rounds of warm starts: each tool stopped and started again, nothing changed, in a new shuffled order each round. */
export const warmStarts = async (session: Session, options: TimedOptions): Promise<Sample[]> => {
  const samples: Sample[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const line: string[] = [];
    for (const entry of shuffled(session.entries, options.random)) {
      const sample = await measureWarmStart(entry, { round, timeoutMs: options.timeoutMs, quietMs: QUIET_MS });
      samples.push(sample);
      line.push(`${entry.tool.id} ${show(sample)}`);
    }
    options.log(`  warm start ${round}: ${line.join(', ')}`);
  }
  return samples;
};

/** Settling after a burst: long enough for air's default delay (1 s) and a late second build. */
export const BURST_SETTLE = { minMs: 3000, quietMs: 1500 };

/** One burst per tool, in a random order: `files` closure files rewritten, the served one among them. */
export const bursts = async (session: Session, files: number, options: Omit<TimedOptions, 'rounds'>): Promise<Sample[]> => {
  const samples: Sample[] = [];
  for (const entry of shuffled(session.entries, options.random)) {
    // The same checkout every run: from the second run on Go's build cache holds its packages, as for a branch built before.
    const text = `${entry.project.name} ${entry.tool.id} checkout`;
    const writes = entry.project.burst?.(files, text) ?? [];
    const sample = await measureChange(entry, writes, { round: 1, expect: text, timeoutMs: options.timeoutMs, ...BURST_SETTLE });
    samples.push(sample);
    options.log(`  burst ${entry.tool.id}: ${writes.length} files, served after ${show(sample)}, ${sample.builds} go build, ${sample.restarts} restarts`);
  }
  return samples;
};

export type Untimed = 'no-op' | 'readme' | 'test';

/** The change `kind` makes to a project: identical bytes, or an edit of a file outside the build. */
const untimedChange = (entry: Entry, kind: Untimed, nonce: string): FileWrite[] => {
  const file = kind === 'no-op' ? entry.project.servedFile : kind === 'readme' ? entry.project.unrelated.readme : entry.project.unrelated.test;
  const content = readFileSync(file, 'utf8');
  return [{ file, content: kind === 'no-op' ? content : `${content}\n// edited by the benchmark ${nonce}\n` }];
};

/** The change `kind` made to every watcher's project at once; what each one did about it. */
export const untimed = async (session: Session, kind: Untimed, nonce: string, timeoutMs: number): Promise<Sample[]> =>
  Promise.all(
    session.entries
      .filter((entry) => entry.tool.id !== 'baseline')
      .map((entry) => measureChange(entry, untimedChange(entry, kind, nonce), { round: 1, expect: undefined, timeoutMs, ...BURST_SETTLE })),
  );
