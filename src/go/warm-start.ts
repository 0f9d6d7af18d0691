import { rename, readFile, rm, writeFile } from 'node:fs/promises';
import { stat as statCallback, statSync, type BigIntStats } from 'node:fs';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findExecutable, pathDirs } from '../files/find-executable.js';
import { walkTree } from '../files/walk.js';
import { closureOf, type Closure, type ClosurePackage } from './closure.js';
import type { GoEnv } from './env.js';
import { MISSING, readInput, type FileState } from './read-input.js';
import type { ClosureStats, TargetSpec, TargetState } from './target-state.js';

/**
 * Warm start: the last run's closure and input contents, taken again without `go env`, `go list`
 * or reading a file when nothing they came from has changed since.
 *
 * Why that is safe: the record holds the stat identity (device, inode, size, mtime and ctime in
 * nanoseconds, mode) of every input, of every directory whose entries shape the closure, and of
 * every file go reads its settings from (the go binary found on PATH, the go env file,
 * $GOROOT/go.env, go.mod and go.work wherever go would look for them), with the environment
 * variables go reads. A write, a rename into place, a `git checkout`, a `go env -w` or a file
 * made or removed in a package directory gives a new ctime; a variable that differs changes
 * the record's context. Only identities whose ctime is before a stamp taken on the file system's
 * own clock before go listed (and before the contents were read) are recorded: any later write
 * has a ctime at or after that stamp, so an identity still equal means no write since the reads,
 * even with file times as coarse as the kernel's tick. At start the identities are compared
 * after the watcher is subscribed: a write before the comparison is seen by it, one after it is
 * reported. An input whose identity moved is read again, and the closure stands only if go
 * would list the same from it (the test gowatch applies to every edit: a Go file's package
 * clause, imports, build constraints and embeds unchanged, a module file unchanged); a setting,
 * a directory, or anything unreadable or not recorded that moved is the normal start.
 */

const FORMAT = 1;
const FILE_NAME = 'warm.json';
/** An embedding package's tree is walked whole (a new file anywhere below may match a pattern): a tree larger than this is not recorded. */
const MAX_EMBED_DIRS = 2000;
const STAT_CONCURRENCY = 256;
/** More inputs written since the record than this (a branch switch of a large tree) is the usual start: go list is then the cheaper way. */
const MAX_REREAD = 500;
/** Longest stretch the comparison at start holds the event loop before it yields. */
const SLICE_MS = 8;

/** The environment go reads besides GO* and CGO_*: its tools, where its settings and caches live. */
const GO_READS = ['PATH', 'HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'CC', 'CXX', 'AR', 'FC', 'GCCGO', 'PKG_CONFIG'];

/**
 * gowatch's own code that shapes the record (how a closure is made, how a file is read): another
 * build or version of gowatch starts as usual, so a record is only read by the code that wrote it.
 */
const OWN_CODE = ['./closure.js', './read-input.js', './go-file-shape.js', './warm-start.js'].map((file) => fileURLToPath(new URL(file, import.meta.url)));

type Identity = string;
const MISSING_IDENTITY = 'missing';

/** [path, identity, digest, shape] of one input. */
type FileRecord = readonly [string, Identity, string, string | null];

type WarmRecord = {
  readonly format: number;
  readonly context: string;
  readonly goEnv: GoEnv;
  readonly packages: readonly ClosurePackage[];
  readonly workspace: string | null;
  readonly paths: readonly (readonly [string, Identity])[];
  readonly files: readonly FileRecord[];
};

/** What a warm start adopts: the closure, go env and every input's content, as the last run read them. */
export type WarmState = { readonly closure: Closure; readonly goEnv: GoEnv; readonly states: ReadonlyMap<string, FileState> };

/** What the record is taken from and adopted into. */
type WarmTarget = Pick<TargetState, 'spec' | 'closure' | 'goEnv' | 'stateOf' | 'adoptWarm'>;

/** The last run's closure (to watch), and its adoption once nothing it came from is found changed. */
type WarmCandidate = {
  readonly closure: Closure;
  /** `stampedAt`: the file system's clock before the comparison; a later save keeps the go env adopted with it. */
  readonly adopt: (started: number, stampedAt: number | undefined) => Promise<ClosureStats | undefined>;
};

const statBig = (file: string): Promise<BigIntStats> =>
  new Promise((resolve, reject) => statCallback(file, { bigint: true }, (error, stats) => (error ? reject(error) : resolve(stats))));

const isGone = (error: unknown) => ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '');

/** A path's identity now; undefined when it cannot be told (neither there nor gone). */
const identityOf = async (file: string): Promise<{ identity: Identity; ctimeNs: bigint | undefined } | undefined> => {
  try {
    const s = await statBig(file);
    return { identity: identityText(s), ctimeNs: s.ctimeNs };
  } catch (error) {
    return isGone(error) ? { identity: MISSING_IDENTITY, ctimeNs: undefined } : undefined;
  }
};

const identityText = (s: BigIntStats): Identity => `${s.dev}:${s.ino}:${s.mode}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;

/** A path's identity now, synchronously; undefined when it cannot be told. */
const identityNow = (file: string): Identity | undefined => {
  try {
    const s = statSync(file, { bigint: true, throwIfNoEntry: false });
    return s ? identityText(s) : MISSING_IDENTITY;
  } catch (error) {
    return isGone(error) ? MISSING_IDENTITY : undefined;
  }
};

/**
 * The entries whose recorded identity no longer holds (past `limit` of them, the search stops).
 * Synchronous stats: at start nothing else waits on the thread, and they cost a fraction of the
 * promise form's CPU; the event loop is yielded between slices all the same.
 */
const notHolding = async <E extends readonly [string, Identity, ...unknown[]]>(entries: readonly E[], limit: number): Promise<E[]> => {
  const changed: E[] = [];
  let sliceStart = performance.now();
  for (const entry of entries) {
    if (identityNow(entry[0]) !== entry[1] && changed.push(entry) > limit) return changed;
    if (performance.now() - sliceStart >= SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  return changed;
};

const inChunks = async <T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> => {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += STAT_CONCURRENCY) results.push(...(await Promise.all(items.slice(start, start + STAT_CONCURRENCY).map(work))));
  return results;
};

/** The environment variables go reads, by name: another value is another record. */
const goReads = (env: NodeJS.ProcessEnv | undefined): [string, string][] =>
  Object.entries(env ?? process.env)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && ((/^(GO|CGO_)/.test(entry[0]) && !entry[0].startsWith('GOWATCH_')) || GO_READS.includes(process.platform === 'win32' ? entry[0].toUpperCase() : entry[0])))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** The target as it is listed and built (its flags, the overlay), with the environment go reads. */
const contextOf = (spec: TargetSpec): string => JSON.stringify({ ...spec, env: goReads(spec.env) });

/** The `go` a go command runs (the search of PATH, relative entries from go's directory), and every candidate before it: one made there would run instead. */
const goCandidates = (spec: TargetSpec): string[] => {
  const env = spec.env ?? process.env;
  const dirs = pathDirs(env).map((dir) => path.resolve(spec.cwd, dir));
  const found = findExecutable('go', dirs, env);
  const upTo = found === undefined ? dirs.length : dirs.indexOf(path.dirname(found)) + 1;
  const name = process.platform === 'win32' ? 'go.exe' : 'go';
  return [...new Set([...dirs.slice(0, upTo).map((dir) => path.join(dir, name)), ...(found === undefined ? [] : [found])])];
};

/** go.mod and go.work wherever go looks for them: from the directory it runs in up to the root. */
const moduleLookups = (cwd: string): string[] => {
  const files: string[] = [];
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    files.push(path.join(dir, 'go.mod'), path.join(dir, 'go.work'));
    if (path.dirname(dir) === dir) return files;
  }
};

/** Every directory below an embedding package (a new file there may match a pattern); undefined past the limit. */
const embedTrees = async (closure: Closure): Promise<string[] | undefined> => {
  const dirs: string[] = [];
  const tooMany = new AbortController();
  for (const pkg of closure.packages.filter((p) => p.embeds)) {
    await walkTree(pkg.dir, {
      signal: tooMany.signal,
      onDirectory: (dir) => {
        dirs.push(dir);
        if (dirs.length > MAX_EMBED_DIRS) tooMany.abort();
      },
    });
  }
  return tooMany.signal.aborted ? undefined : dirs;
};

/** The files and directories whose identity a warm start compares, besides the inputs. */
const shapingPaths = async (spec: TargetSpec, closure: Closure, goEnv: GoEnv): Promise<{ env: string[]; dirs: string[] } | undefined> => {
  const embedded = await embedTrees(closure);
  if (!embedded) return undefined;
  const tracked = [...closure.inputFiles, ...closure.ignoredFiles, ...closure.moduleFiles];
  const dirs = new Set([...closure.packageDirs, ...tracked.map((file) => path.dirname(file)), ...embedded]);
  const env = [...goCandidates(spec), ...moduleLookups(spec.cwd), ...OWN_CODE];
  if (goEnv['GOENV'] && goEnv['GOENV'] !== 'off') env.push(goEnv['GOENV']);
  if (goEnv['GOROOT']) env.push(path.join(goEnv['GOROOT'], 'go.env'));
  return { env, dirs: [...dirs] };
};

type WarmSave = {
  /** The file system's clock before go listed the closure just adopted (BinaryCache.clock). */
  readonly listedAt: number;
  /** Whether go env was read anew after `listedAt` too (else the one read before stands). */
  readonly withEnv: boolean;
  /** Whether the target read every input after `listedAt` (at start): those states are taken without reading again. */
  readonly fresh: boolean;
};

type Snapshot = { readonly closure: Closure; readonly goEnv: GoEnv; readonly listedAt: number; readonly fresh: ((file: string) => FileState | undefined) | undefined };

/**
 * A file written since the record (same directories, same settings), read again: its new state
 * when go would list the same closure from it — a Go file of the same shape (imports, build
 * constraints, embeds, package clause), another content of any other input, a module file
 * unchanged — else undefined. The watcher is subscribed before: a write after this read is reported.
 */
const rereadKeepingClosure = async ([file, , digest, shape]: FileRecord, closure: Closure): Promise<readonly [string, FileState] | undefined> => {
  const state = await readInput(file);
  if (state.refusal || state.digest === MISSING.digest || digest === MISSING.digest) return undefined;
  if (closure.moduleFiles.includes(file) && state.digest !== digest) return undefined;
  if (file.endsWith('.go') && (state.shape ?? null) !== shape) return undefined;
  return [file, state];
};

/** Whether a ctime is before a stamp of the file system's clock (in ms), a microsecond's rounding counted against it. */
const before = (ctimeNs: bigint | undefined, stampMs: number) => ctimeNs === undefined || Number(ctimeNs) / 1e6 < stampMs - 0.001;

/** One target's warm-start record, in its cache directory. */
export class WarmStart {
  readonly #file: string;
  readonly #spec: TargetSpec;
  readonly #target: WarmTarget;
  /** Saves run one after another; only the latest one waiting runs. */
  #saving: Promise<void> = Promise.resolve();
  #next: Snapshot | undefined;
  /** When go env was last read, on the file system's clock. */
  #envAt: number | undefined;
  /** Whether the start's reads are this target's own: with other targets, one may have read a file before this one's stamp. */
  readonly #ownReads: boolean;

  constructor(dir: string, target: WarmTarget, ownReads: boolean) {
    this.#file = path.join(dir, FILE_NAME);
    this.#target = target;
    this.#spec = target.spec;
    this.#ownReads = ownReads;
  }

  /** The last run's closure, go env and contents, if nothing they came from changed since. */
  async load(): Promise<WarmCandidate | undefined> {
    let record: WarmRecord;
    try {
      record = JSON.parse(await readFile(this.#file, 'utf8')) as WarmRecord;
    } catch {
      return undefined;
    }
    if (record.format !== FORMAT || record.context !== contextOf(this.#spec) || !Array.isArray(record.packages) || record.packages.length === 0) return undefined;
    let closure: Closure;
    try {
      closure = closureOf(record.packages, record.workspace ?? undefined, []);
    } catch {
      return undefined;
    }
    const adopt = async (started: number, stampedAt: number | undefined): Promise<ClosureStats | undefined> => {
      if (!Array.isArray(record.paths) || !Array.isArray(record.files)) return undefined;
      if ((await notHolding(record.paths, 0)).length > 0) return undefined;
      const changed = await notHolding(record.files, MAX_REREAD);
      if (changed.length > MAX_REREAD) return undefined;
      const reread = await inChunks(changed, (entry) => rereadKeepingClosure(entry, closure));
      if (reread.includes(undefined)) return undefined;
      const states = new Map<string, FileState>(record.files.map(([file, , digest, shape]) => [file, { digest, shape: shape ?? undefined }]));
      for (const [file, state] of reread as [string, FileState][]) states.set(file, state);
      // What go env came from was written before the record's stamp and not since: it holds as of this one.
      this.#envAt = stampedAt;
      const stats = this.#target.adoptWarm({ closure, goEnv: record.goEnv, states }, started);
      if (changed.length > 0 && stampedAt !== undefined) this.save({ listedAt: stampedAt, withEnv: false, fresh: false });
      return stats;
    };
    return { closure, adopt };
  }

  /** Records the target's closure just adopted, once the saves before it are done (in the background: a failure leaves no record). */
  save({ listedAt, withEnv, fresh }: WarmSave): void {
    if (withEnv) this.#envAt = listedAt;
    const target = this.#target;
    const waiting = this.#next !== undefined;
    this.#next = { closure: target.closure, goEnv: target.goEnv, listedAt, fresh: fresh && this.#ownReads ? (file) => target.stateOf(file) : undefined };
    if (waiting) return;
    this.#saving = this.#saving.then(async () => {
      // After the turn that starts the program: the record is not what a start waits for.
      await new Promise((resolve) => setImmediate(resolve));
      const next = this.#next!;
      const envAt = this.#envAt;
      this.#next = undefined;
      if (envAt === undefined) return;
      await this.#write(next, envAt).catch(() => rm(this.#file, { force: true }).catch(() => undefined));
    });
  }

  /** Resolves once no save is under way. */
  settled(): Promise<void> {
    return this.#saving;
  }

  async #write({ closure, goEnv, listedAt, fresh }: Snapshot, envAt: number): Promise<void> {
    const recordable = closure.unresolved.length === 0 && closure.packages.every((pkg) => !pkg.error);
    const shaping = recordable ? await shapingPaths(this.#spec, closure, goEnv) : undefined;
    if (!shaping) return rm(this.#file, { force: true });
    const previous = await this.#previous();
    const envPaths = await inChunks(shaping.env, async (file) => [file, await identityOf(file)] as const);
    const dirPaths = await inChunks(shaping.dirs, async (file) => [file, await identityOf(file)] as const);
    const envOk = envPaths.every(([, id]) => id && before(id.ctimeNs, envAt));
    const dirsOk = dirPaths.every(([, id]) => id && before(id.ctimeNs, listedAt));
    const tracked = [...new Set([...closure.inputFiles, ...closure.ignoredFiles, ...closure.moduleFiles])];
    const files = envOk && dirsOk ? await inChunks(tracked, (file) => this.#fileRecord(file, listedAt, fresh?.(file), previous.get(file))) : [];
    if (!envOk || !dirsOk || files.includes(undefined)) return rm(this.#file, { force: true });
    const record: WarmRecord = {
      format: FORMAT,
      context: contextOf(this.#spec),
      goEnv,
      packages: closure.packages,
      workspace: closure.workspace ?? null,
      paths: [...envPaths, ...dirPaths].map(([file, id]) => [file, id!.identity] as const),
      files: files as FileRecord[],
    };
    const partial = `${this.#file}.partial`;
    await writeFile(partial, JSON.stringify(record), { mode: 0o600 });
    await rename(partial, this.#file);
  }

  /**
   * The inputs the record on disk holds, by path: an input whose identity is unchanged is not
   * read again. Only from a record this code wrote (its digests and shapes are read the same way).
   */
  async #previous(): Promise<Map<string, FileRecord>> {
    try {
      const record = JSON.parse(await readFile(this.#file, 'utf8')) as WarmRecord;
      const own = new Set(OWN_CODE);
      const sameCode = record.format === FORMAT && record.paths.filter(([file]) => own.has(file)).every(([file, identity]) => identityNow(file) === identity);
      return sameCode ? new Map(record.files.map((entry) => [entry[0], entry])) : new Map();
    } catch {
      return new Map();
    }
  }

  /**
   * One input's record: its identity, unchanged since before `listedAt`, with the content read
   * after that (fresh, or read now and the identity the same after the read); undefined when the
   * file was written since, or its content cannot be vouched for (refused).
   */
  async #fileRecord(file: string, listedAt: number, fresh: FileState | undefined, previous: FileRecord | undefined): Promise<FileRecord | undefined> {
    const id = await identityOf(file);
    if (!id || !before(id.ctimeNs, listedAt)) return undefined;
    if (previous && previous[1] === id.identity) return previous;
    const state = fresh ?? (await readInput(file));
    if (state.refusal) return undefined;
    if (!fresh && (await identityOf(file))?.identity !== id.identity) return undefined;
    return [file, id.identity, state.digest, state.shape ?? null];
  }
}
