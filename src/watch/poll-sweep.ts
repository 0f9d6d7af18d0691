import { lstatSync, readdirSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { childPath, readFailure, walkDirectories } from '../files/walk.js';
import type { SubscribeRequest, Subscription } from './backend.js';

/**
 * Polling by one stat sweep per interval over the watch set, instead of one timer per file.
 *
 * Each sweep visits every directory of the root (ignoreDirs are neither read nor entered, and
 * symbolic links are not followed) and lstat's every file, comparing mtime, ctime, size and
 * inode with the previous sweep. A directory is listed again only when its own lstat changed
 * (an entry added, removed or renamed changes its mtime and ctime), or while it changed too
 * recently for its timestamps to tell (SETTLE_MS, below); else the names of its last listing
 * are used, which costs one lstat instead of an open, a read and a close. New directories are
 * entered in the sweep that finds them, so files written right after a mkdir are reported.
 * Sweeps go through the one directory walk (src/files/walk.ts): synchronous calls, in slices
 * that never hold the event loop long, what was found reported at each pause.
 */

/**
 * Timestamps have a granularity (a kernel tick on ext4, 1 s on HFS+ or ext3, 2 s on FAT): an
 * entry added in the same tick as the listing that recorded a directory's mtime leaves the
 * mtime as it was. So a directory is listed on every sweep until one listing started at least
 * this long after its lstat last changed; only then can an unchanged lstat stand for its names.
 */
const SETTLE_MS = 2500;

/** Kinds of directory entries. */
const FILE = 0;
const DIR = 1;
const IGNORED = 2;
/** Listed, then gone before its lstat. */
const GONE = 3;

/** Numbers kept per entry: mtimeMs, ctimeMs, size, ino (NaN for directories). */
const FIELDS = 4;

/**
 * One directory as the last sweep saw it: its entry names, their kinds and, per file, FIELDS
 * numbers. A directory of n files costs n names and 33·n bytes beside them.
 */
type DirRecord = {
  readonly names: readonly string[];
  readonly kinds: Uint8Array;
  readonly stats: Float64Array;
  /** Built on the first lookup by name (a listing in another order than the last). */
  index?: Map<string, number>;
  /** The directory's own mtimeMs, ctimeMs, size and ino. */
  self: Float64Array;
  /** performance.now() when `self` was first seen as it is, and when the last listing started. */
  changedAt: number;
  listedAt: number;
};

export type SweepInfo = {
  /** performance.now() at the start and the end of the sweep. */
  readonly startedAt: number;
  readonly endedAt: number;
  /** Directories visited, and how many of them were listed (the others' lstat was unchanged). */
  readonly dirs: number;
  readonly listed: number;
  readonly files: number;
  /** Paths reported by this sweep. */
  readonly reported: number;
};

export type SweepRequest = SubscribeRequest & {
  readonly intervalMs: number;
  /** Called after each sweep (the initial scan included); for tests and benchmarks. */
  readonly onSweep?: (info: SweepInfo) => void;
  /** Replaces SETTLE_MS; for tests. */
  readonly settleMs?: number;
};

const LSTAT_OPTIONS = { throwIfNoEntry: false } as const;
const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code;

type Stat = { readonly mtimeMs: number; readonly ctimeMs: number; readonly size: number; readonly ino: number; isDirectory(): boolean };

const lookup = (record: DirRecord, name: string): number => {
  record.index ??= new Map(record.names.map((n, i) => [n, i]));
  return record.index.get(name) ?? -1;
};

const selfOf = (st: Stat) => Float64Array.of(st.mtimeMs, st.ctimeMs, st.size, st.ino);
const sameSelf = (self: Float64Array, st: Stat) => self[0] === st.mtimeMs && self[1] === st.ctimeMs && self[2] === st.size && self[3] === st.ino;

/**
 * The sweeper of one root. `sweep(report)` walks the tree once; with `report` false (the
 * initial scan) it only records.
 */
class Sweeper {
  readonly #root: string;
  readonly #ignored: Set<string>;
  readonly #settleMs: number;
  readonly #onPaths: (paths: readonly string[]) => void;
  readonly #onError: (error: Error) => void;
  readonly #onDenied: ((dir: string) => void) | undefined;
  readonly #records = new Map<string, DirRecord>();
  /** Errors other than denied/gone, said once per path and code. */
  readonly #reportedErrors = new Set<string>();
  #pending: string[] = [];
  readonly #closing = new AbortController();
  #files = 0;
  #listed = 0;
  // Scratch buffers for the listing being compared, grown as needed.
  #kinds = new Uint8Array(64);
  #stats = new Float64Array(64 * FIELDS);

  constructor(request: SweepRequest) {
    this.#root = path.resolve(request.root);
    this.#ignored = new Set(request.ignoreDirs.map((dir) => path.resolve(dir)));
    this.#settleMs = request.settleMs ?? SETTLE_MS;
    this.#onPaths = request.onPaths;
    this.#onError = request.onError;
    this.#onDenied = request.onDenied;
  }

  close(): void {
    this.#closing.abort();
    this.#pending = [];
  }

  get closed(): boolean {
    return this.#closing.signal.aborted;
  }

  async sweep(report: boolean): Promise<{ dirs: number; listed: number; files: number; reported: number }> {
    let dirs = 0;
    let reported = 0;
    this.#files = 0;
    this.#listed = 0;
    await walkDirectories(
      this.#root,
      (dir, enter) => {
        if (this.#visit(dir, enter, report)) dirs += 1;
      },
      {
        signal: this.#closing.signal,
        onPause: () => {
          reported += this.#flush();
        },
      },
    );
    reported += this.#flush();
    return { dirs, listed: this.#listed, files: this.#files, reported };
  }

  #flush(): number {
    const paths = this.#pending;
    if (paths.length === 0 || this.closed) return 0;
    this.#pending = [];
    this.#onPaths(paths);
    return paths.length;
  }

  #error(file: string, error: unknown): void {
    const key = `${errorCode(error) ?? 'error'} ${file}`;
    if (this.#reportedErrors.has(key)) return;
    this.#reportedErrors.add(key);
    this.#onError(new Error(`polling ${file}: ${(error as Error).message ?? String(error)}`));
  }

  /**
   * lstat (stat for the root, which may be a symbolic link to the tree), or 'gone', or 'denied'
   * (other errors are said once, and count as denied: what was known is kept).
   */
  #lstat(file: string): Stat | 'gone' | 'denied' {
    try {
      return (file === this.#root ? statSync(file, LSTAT_OPTIONS) : lstatSync(file, LSTAT_OPTIONS)) ?? 'gone';
    } catch (error) {
      const failure = readFailure(error);
      if (failure === 'gone') return 'gone';
      if (failure === 'failed') this.#error(file, error);
      return 'denied';
    }
  }

  /** Forgets `dir` and everything below it, reporting the files and directories it held. */
  #removeTree(dir: string, report: boolean): void {
    const record = this.#records.get(dir);
    if (!record) return;
    this.#records.delete(dir);
    if (report) this.#pending.push(dir);
    for (let i = 0; i < record.names.length; i++) {
      const abs = childPath(dir, record.names[i]!);
      if (record.kinds[i] === FILE) {
        if (report) this.#pending.push(abs);
      } else if (record.kinds[i] === DIR) {
        this.#removeTree(abs, report);
      }
    }
  }

  #ensureScratch(entries: number): void {
    if (this.#kinds.length >= entries) return;
    const size = Math.max(entries, this.#kinds.length * 2);
    this.#kinds = new Uint8Array(size);
    this.#stats = new Float64Array(size * FIELDS);
  }

  /** Compares `dir` with its record and enters its subdirectories. False when it could not be read. */
  #visit(dir: string, enter: (dir: string) => void, report: boolean): boolean {
    const old = this.#records.get(dir);
    const now = performance.now();
    // The directory's own lstat comes before its listing: a change after it shows next time.
    const self = this.#lstat(dir);
    if (self === 'denied') return false;
    if (self === 'gone' || !self.isDirectory()) {
      // Gone, or no longer a directory (its parent's listing reports what replaced it).
      this.#removeTree(dir, report);
      return false;
    }
    const same = old !== undefined && sameSelf(old.self, self);
    if (same && old.listedAt - old.changedAt >= this.#settleMs && this.#revisit(dir, old, enter, report)) return true;
    // Changed, too recently settled, new, or a revisit found the names out of date.
    return this.#list(dir, old, self, same && old.changedAt <= old.listedAt ? old.changedAt : now, now, enter, report);
  }

  /**
   * `dir` unchanged since a settled listing: lstat its files by the names of that listing.
   * False, having reported only true changes, when a name is gone or no longer a file (the
   * directory changed after all): then it is listed.
   */
  #revisit(dir: string, record: DirRecord, enter: (dir: string) => void, report: boolean): boolean {
    const { names, kinds, stats } = record;
    let files = 0;
    for (let i = 0; i < names.length; i++) {
      if (kinds[i] !== FILE) continue;
      const abs = childPath(dir, names[i]!);
      const st = this.#lstat(abs);
      if (st === 'denied') continue;
      if (st === 'gone' || st.isDirectory()) {
        record.changedAt = Number.POSITIVE_INFINITY;
        return false;
      }
      files += 1;
      const o = i * FIELDS;
      if (stats[o] !== st.mtimeMs || stats[o + 1] !== st.ctimeMs || stats[o + 2] !== st.size || stats[o + 3] !== st.ino) {
        stats[o] = st.mtimeMs;
        stats[o + 1] = st.ctimeMs;
        stats[o + 2] = st.size;
        stats[o + 3] = st.ino;
        if (report) this.#pending.push(abs);
      }
    }
    this.#files += files;
    for (let i = 0; i < names.length; i++) if (kinds[i] === DIR) enter(childPath(dir, names[i]!));
    return true;
  }

  /** Lists `dir` and compares the listing with its record. False when it could not be read. */
  #list(dir: string, old: DirRecord | undefined, self: Stat, changedAt: number, listedAt: number, enter: (dir: string) => void, report: boolean): boolean {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      const failure = readFailure(error);
      if (failure === 'gone') this.#removeTree(dir, report);
      // Denied (its mode changed since the plan, or the plan found it so): the caller says it once.
      else if (failure === 'denied') this.#onDenied?.(dir);
      // Anything else is said once.
      else this.#error(dir, error);
      return false;
    }
    this.#listed += 1;
    const count = entries.length;
    this.#ensureScratch(count);
    const kinds = this.#kinds;
    const stats = this.#stats;
    /** Whether the new listing differs from the record in any way (names, order, kinds, stats). */
    let differs = !old || old.names.length !== count;
    let matched = 0;
    for (let i = 0; i < count; i++) {
      const entry = entries[i]!;
      const name = entry.name;
      const abs = childPath(dir, name);
      const j = old ? (old.names[i] === name ? i : lookup(old, name)) : -1;
      if (j !== i) differs = true;
      if (j >= 0) matched += 1;
      const before = j >= 0 ? old!.kinds[j]! : -1;
      const o = i * FIELDS;
      if (entry.isDirectory()) {
        const kind = this.#ignored.has(abs) ? IGNORED : DIR;
        kinds[i] = kind;
        stats.fill(Number.NaN, o, o + FIELDS);
        if (before !== kind) differs = true;
        // A file replaced by a directory: the file is gone (the directory's files are new).
        if (before === FILE && report) this.#pending.push(abs);
        if (kind === DIR) enter(abs);
        continue;
      }
      kinds[i] = FILE;
      if (before === DIR) this.#removeTree(abs, report);
      const st = this.#lstat(abs);
      if (st === 'denied') {
        // Not statable (a directory without search permission): keep what was known.
        this.#files += 1;
        if (before === FILE) stats.set(old!.stats.subarray(j * FIELDS, j * FIELDS + FIELDS), o);
        else {
          stats.fill(-1, o, o + FIELDS);
          differs = true;
          if (report) this.#pending.push(abs);
        }
        continue;
      }
      if (st === 'gone') {
        // Listed, then gone before its lstat: a removal now if it was known, else nothing.
        kinds[i] = GONE;
        stats.fill(Number.NaN, o, o + FIELDS);
        differs = true;
        if (before === FILE && report) this.#pending.push(abs);
        continue;
      }
      this.#files += 1;
      stats[o] = st.mtimeMs;
      stats[o + 1] = st.ctimeMs;
      stats[o + 2] = st.size;
      stats[o + 3] = st.ino;
      if (before !== FILE) {
        differs = true;
        if (report) this.#pending.push(abs);
        continue;
      }
      const p = j * FIELDS;
      const prev = old!.stats;
      if (prev[p] !== stats[o] || prev[p + 1] !== stats[o + 1] || prev[p + 2] !== stats[o + 2] || prev[p + 3] !== stats[o + 3]) {
        differs = true;
        if (report) this.#pending.push(abs);
      }
    }
    if (old && matched < old.names.length) {
      differs = true;
      const now = new Set<string>();
      for (const entry of entries) now.add(entry.name);
      for (let j = 0; j < old.names.length; j++) {
        const name = old.names[j]!;
        if (now.has(name)) continue;
        const abs = childPath(dir, name);
        if (old.kinds[j] === FILE) {
          if (report) this.#pending.push(abs);
        } else if (old.kinds[j] === DIR) {
          this.#removeTree(abs, report);
        }
      }
    }
    const record: DirRecord = differs
      ? {
          names: entries.map((entry) => entry.name),
          kinds: kinds.slice(0, count),
          stats: stats.slice(0, count * FIELDS),
          self: selfOf(self),
          changedAt,
          listedAt,
        }
      : old!;
    if (!differs && !sameSelf(record.self, self)) record.self = selfOf(self);
    record.changedAt = changedAt;
    record.listedAt = listedAt;
    this.#records.set(dir, record);
    return true;
  }
}

/**
 * Polls `root` with one sweep per interval. Resolves once the initial scan is done, so no change
 * after `watching` is missed. Sweeps never overlap: the next one is scheduled when one ends, to
 * start one interval after the start of the last, and after a pause at least as long as the
 * sweep itself, so polling never takes more than half a core however large the tree.
 */
export const subscribeSweep = async (request: SweepRequest): Promise<Subscription> => {
  const { intervalMs, onSweep } = request;
  const sweeper = new Sweeper(request);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const run = async (report: boolean) => {
    const startedAt = performance.now();
    try {
      const counts = await sweeper.sweep(report);
      if (!sweeper.closed) onSweep?.({ startedAt, endedAt: performance.now(), ...counts });
    } catch (error) {
      if (!sweeper.closed) request.onError(error instanceof Error ? error : new Error(String(error)));
    }
    if (sweeper.closed) return;
    const took = performance.now() - startedAt;
    timer = setTimeout(() => {
      running = run(true);
    }, Math.max(intervalMs - took, took));
  };

  running = run(false);
  await running;
  return {
    close: async () => {
      sweeper.close();
      clearTimeout(timer);
      await running;
    },
  };
};
