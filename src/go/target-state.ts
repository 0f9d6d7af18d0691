import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { GowatchError } from '../errors.js';
import { specialText, type Refusal } from '../files/bounded-read.js';
import { isGoDirectoryPath } from '../paths.js';
import { buildFileCount } from './build-file-count.js';
import { FileSetDigest, buildKey } from './build-key.js';
import { listClosure, type Closure } from './closure.js';
import { MISSING, type ContentHashes, type FileState } from './content-hashes.js';
import { readGoEnv, type GoEnv } from './env.js';
import { specialFilesIn } from './go-opens.js';
import { goflagsProblem } from './goflags.js';
import { leanBuildFlags } from './lean-link.js';
import type { GoTarget } from './run-go.js';
import type { WarmState } from './warm-start.js';

export type TargetSpec = GoTarget & {
  /** How the target is named in events: its name in "targets", or the package (a directory as `./dir`). */
  readonly name: string;
  /** Where the package was named from (the user's directory, or the project root for the config key). */
  readonly from: string;
  /** Files gowatch adds to the build with -overlay, which the closure leaves out (and a package made of them only). */
  readonly overlaid?: readonly string[];
  /** Linked without DWARF: -w goes into the -ldflags of buildFlags and GOFLAGS (src/go/lean-link.ts). */
  readonly leanLink?: boolean;
};

/** A closure just listed, not yet adopted. */
export type Listing = { readonly closure: Closure; readonly started: number };

export type ClosureStats = { readonly packages: number; readonly edges: number; readonly files: number; readonly durationMs: number };

/** One file's content before and after a batch, as this target saw it. */
export type HashUpdate = { readonly file: string; readonly before: FileState | undefined; readonly after: FileState };

const isGoSource = (file: string) => file.endsWith('.go');

/**
 * Everything gowatch knows about one target between builds: go env, the build closure, the
 * content of every input as this target last saw it, and from them the build key. Contents
 * come from the shared ContentHashes; closures are recomputed only when an update could change
 * what `go list` reports (imports, build constraints, embeds, module files).
 */
export class TargetState {
  readonly #spec: TargetSpec;
  /** The lean spec, for the GOFLAGS it was made under. */
  #lean: { readonly goflags: string; readonly spec: TargetSpec } | undefined;
  readonly #hashes: ContentHashes;
  /** The content of each tracked file the key was last moved to. */
  #seen = new Map<string, FileState>();
  #env: GoEnv = {};
  #closure: Closure | undefined;
  #files = new FileSetDigest();
  #stale = false;

  constructor(spec: TargetSpec, hashes: ContentHashes) {
    this.#spec = spec;
    this.#hashes = hashes;
  }

  /**
   * The target as go lists and builds it. A lean link's -ldflags are made from GOFLAGS as the go
   * env last read gives it (the key holds GOFLAGS too): no `go env` of its own, and a GOFLAGS
   * changed under a run reaches the build as it reaches the key.
   */
  get spec(): TargetSpec {
    if (!this.#spec.leanLink) return this.#spec;
    const goflags = this.#env['GOFLAGS'] ?? '';
    if (this.#lean?.goflags !== goflags) this.#lean = { goflags, spec: { ...this.#spec, buildFlags: leanBuildFlags(this.#spec.buildFlags, goflags) } };
    return this.#lean.spec;
  }

  get closure(): Closure {
    if (!this.#closure) throw new Error('closure read before load()');
    return this.#closure;
  }

  /** Whether a closure has been adopted yet. */
  get loaded(): boolean {
    return this.#closure !== undefined;
  }

  get goEnv(): GoEnv {
    return this.#env;
  }

  /** Whether the last updates may have changed the closure. */
  get stale(): boolean {
    return this.#stale;
  }

  markStale(): void {
    this.#stale = true;
  }

  /** Reads go env and the closure, and hashes what is new. */
  async load(withEnv = true): Promise<ClosureStats> {
    return this.adopt(await this.list(withEnv));
  }

  /**
   * Reads go env (when asked) and lists the closure, without reading any input: a caller that
   * must watch the inputs subscribes between `list` and `adopt`, so no write goes unseen.
   * `signal` stops the go commands.
   */
  async list(withEnv = true, signal?: AbortSignal): Promise<Listing> {
    const started = performance.now();
    if (!this.loaded) await this.#refuseSpecialFiles();
    if (withEnv) {
      this.#env = await readGoEnv(this.spec.cwd, this.spec.env, signal);
      const goflags = goflagsProblem(this.#env['GOFLAGS'], this.spec.cwd);
      if (goflags) throw new GowatchError('config', `${goflags} (gowatch doctor says where GOFLAGS is set)`);
    }
    const closure = await listClosure({ ...this.spec, goEnv: this.#env, ...(signal ? { signal } : {}) });
    return { closure, started };
  }

  /**
   * Before the first closure no package directory is known but the target's own: a FIFO (or a
   * device) go would open there would hang go list for good, so it is said instead.
   */
  async #refuseSpecialFiles(): Promise<void> {
    const { pkg, cwd } = this.spec;
    if (!isGoDirectoryPath(pkg)) return;
    const [special] = await specialFilesIn(path.resolve(cwd, pkg));
    if (!special) return;
    const shown = path.relative(cwd, special.file);
    throw new GowatchError('go-list', `cannot load package ${pkg} (in ${cwd}): ${shown} ${specialText(special.refusal)}: go would wait on it or fail; remove it or make it a regular file`);
  }

  /** The tracked files that were refused, not read (a FIFO, a device, a file over the limit), with why. */
  refusals(): [string, Refusal][] {
    const refused: [string, Refusal][] = [];
    for (const [file, state] of this.#seen) if (state.refusal) refused.push([file, state.refusal]);
    return refused;
  }

  /** The content of a tracked file as the key was last taken from it. */
  stateOf(file: string): FileState | undefined {
    return this.#seen.get(file);
  }

  /** Makes the last run's closure, go env and contents current (a warm start: nothing changed since). */
  adoptWarm({ closure, goEnv, states }: WarmState, started: number): ClosureStats {
    this.#env = goEnv;
    this.#seen = new Map(states);
    return this.#take(closure, started);
  }

  /** Reads the inputs of a listed closure that are new, and makes it the current one. */
  async adopt({ closure, started }: Listing): Promise<ClosureStats> {
    const tracked = new Set([...closure.inputFiles, ...closure.moduleFiles, ...closure.ignoredFiles]);
    const files = [...tracked];
    const states = await this.#hashes.ensure(files.filter((file) => !this.#seen.has(file)));
    const seen = new Map<string, FileState>();
    let next = 0;
    for (const file of files) seen.set(file, this.#seen.get(file) ?? states[next++]!);
    this.#seen = seen;
    return this.#take(closure, started);
  }

  #take(closure: Closure, started: number): ClosureStats {
    this.#hashes.track(this.spec.name, new Set(this.#seen.keys()));
    this.#closure = closure;
    this.#files = FileSetDigest.of(closure.inputFiles, (file) => this.#seen.get(file));
    this.#stale = false;
    return {
      packages: closure.packages.length,
      edges: closure.edges,
      files: buildFileCount(closure, (file) => this.#seen.get(file)?.digest !== MISSING.digest),
      durationMs: Math.round(performance.now() - started),
    };
  }

  /** Re-reads the named files as of batch `batch`; marks the closure stale when one of them can change it. */
  async refresh(files: readonly string[], batch: number): Promise<HashUpdate[]> {
    const closure = this.closure;
    const states = await this.#hashes.read(files, batch);
    const updates = files.map((file, index) => ({ file, before: this.#seen.get(file), after: states[index]! }));
    for (const { file, after } of updates) if (this.#seen.has(file) || closure.inputFiles.has(file)) this.#seen.set(file, after);
    this.#files.apply(updates, (file) => closure.inputFiles.has(file));
    if (updates.some((update) => this.#changesClosure(update))) this.#stale = true;
    return updates;
  }

  key(): string {
    return buildKey({
      closure: this.closure,
      goEnv: this.#env,
      buildFlags: this.spec.buildFlags,
      pkg: this.spec.pkg,
      digestOf: (file) => this.#seen.get(file)?.digest,
      files: this.#files,
    });
  }

  #changesClosure({ file, before, after }: HashUpdate): boolean {
    const closure = this.closure;
    if (closure.moduleFiles.includes(file)) return before?.digest !== after.digest;
    const known = closure.inputFiles.has(file) || closure.ignoredFiles.has(file);
    if (!known) return false;
    if (after.digest === MISSING.digest) return true;
    return isGoSource(file) && before?.shape !== after.shape;
  }
}
