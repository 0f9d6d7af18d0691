import { readInput, readInputNow, type FileState } from './read-input.js';

export { MISSING, type FileState } from './read-input.js';

const READ_CONCURRENCY = 64;
/** A batch this small (one edit's files) is read without the thread pool: see readInputNow. */
const READ_NOW_FILES = 16;

type Known = { readonly state: Promise<FileState>; readonly batch: number };

/**
 * The content of every file any target tracks, read once however many targets include it.
 * Content, never mtimes: coarse or skewed mtimes (network mounts, `touch`, branch switches)
 * make mtime-based watchers miss or repeat rebuilds. A batch of changes has a number: within
 * one batch a file is read once, whichever target asks first; a later batch reads it again.
 */
export class ContentHashes {
  readonly #known = new Map<string, Known>();
  /** Which files each target tracks: a file no target tracks is forgotten. */
  readonly #tracked = new Map<string, ReadonlySet<string>>();
  #batch = 0;

  /** Numbers a new batch of changes: files are read again for it. */
  nextBatch(): number {
    this.#batch += 1;
    return this.#batch;
  }

  /** The states of `files` as of batch `batch` (read now unless this batch or a later one read them). */
  async read(files: readonly string[], batch: number): Promise<FileState[]> {
    const states: FileState[] = new Array(files.length);
    for (let start = 0; start < files.length; start += READ_CONCURRENCY) {
      const chunk = files.slice(start, start + READ_CONCURRENCY);
      const now = files.length <= READ_NOW_FILES;
      const read = await Promise.all(chunk.map((file) => this.#stateAt(file, batch, now)));
      read.forEach((state, index) => (states[start + index] = state));
    }
    return states;
  }

  /** The states of `files`, reading only those never read. */
  ensure(files: readonly string[]): Promise<FileState[]> {
    return this.read(files, 0);
  }

  #stateAt(file: string, batch: number, now: boolean): Promise<FileState> {
    const known = this.#known.get(file);
    if (known && known.batch >= batch) return known.state;
    const read = now ? readInputNow(file) : undefined;
    const state = read ? Promise.resolve(read) : readInput(file);
    this.#known.set(file, { state, batch: Math.max(batch, this.#batch) });
    return state;
  }

  /** Records the files `owner` tracks, and forgets the files nobody tracks any more. */
  track(owner: string, files: ReadonlySet<string>): void {
    this.#tracked.set(owner, files);
    const sets = [...this.#tracked.values()];
    for (const file of this.#known.keys()) {
      if (!sets.some((set) => set.has(file))) this.#known.delete(file);
    }
  }
}
