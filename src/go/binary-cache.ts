import { existsSync, statSync, writeFileSync } from 'node:fs';
import { chmod, copyFile, constants, link, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeDirectories } from './make-directories.js';

type Entry = { key: string; file: string; bytes: number; usedAt: number };

/** An executable's file name on this platform. */
const executable = (name: string) => (process.platform === 'win32' ? `${name}.exe` : name);

/**
 * Puts a fresh build at `to` without copying it: a hard link, made in one step (a link is whole
 * or absent). go build never writes into an existing output (it renames a new file over it, or
 * removes it before copying), so the linked binary keeps its content when the next build lands.
 * Windows cannot remove a link of a running executable, and a link can fail across devices:
 * both copy, to a partial file renamed into place. So does a binary left at `to` (forgotten,
 * perhaps running): the rename replaces it.
 */
const placeBinary = async (from: string, to: string): Promise<void> => {
  if (process.platform !== 'win32') {
    try {
      await link(from, to);
      return;
    } catch {
      // Already there, another device, or a filesystem without hard links: below.
    }
  }
  const partial = `${to}.partial`;
  await rm(partial, { force: true });
  if (process.platform !== 'win32') {
    try {
      await link(from, partial);
      await rename(partial, to);
      return;
    } catch {
      // Another device, or a filesystem without hard links: copy below.
    }
  }
  await copyFile(from, partial, constants.COPYFILE_FICLONE);
  await chmod(partial, 0o755);
  await rename(partial, to);
};

export type BinaryCacheLimits = { readonly maxEntries: number; readonly maxBytes: number };

/**
 * Recently built binaries of one target, by build key. Programs run from here, never from
 * go build's output path, so a rebuild never writes over a running executable.
 */
export class BinaryCache {
  readonly #dir: string;
  readonly #limits: BinaryCacheLimits;
  #entries: Entry[] = [];

  private constructor(dir: string, limits: BinaryCacheLimits) {
    this.#dir = dir;
    this.#limits = limits;
  }

  static async open(dir: string, limits: BinaryCacheLimits): Promise<BinaryCache> {
    const cache = new BinaryCache(dir, limits);
    await makeDirectories(path.join(dir, 'bins'));
    try {
      const entries = JSON.parse(await readFile(cache.#indexFile, 'utf8')) as Entry[];
      cache.#entries = entries.filter((entry) => existsSync(entry.file));
    } catch {
      cache.#entries = [];
    }
    return cache;
  }

  get #indexFile() {
    return path.join(this.#dir, 'index.json');
  }

  /** Where go build writes: one stable path per target, so Go can skip an unchanged link. */
  get buildOutput(): string {
    return path.join(this.#dir, 'build', executable('program'));
  }

  /**
   * The file system's time now, as stamped on a file written in the cache: file times come from
   * a clock that can lag Date.now() by a tick, so a source file's time is compared with a time
   * of that same clock. Undefined where the cache cannot be written.
   */
  async clock(): Promise<number | undefined> {
    const file = path.join(this.#dir, 'clock');
    // Synchronous: a one-byte write in gowatch's own directory, taken before the reads of every
    // edit, where two round trips through the thread pool cost more than the calls themselves.
    try {
      writeFileSync(file, '.');
      return statSync(file).mtimeMs;
    } catch {
      return undefined;
    }
  }

  async lookup(key: string): Promise<string | undefined> {
    const entry = this.#entries.find((e) => e.key === key);
    if (!entry || !existsSync(entry.file)) return undefined;
    entry.usedAt = Date.now();
    await this.#save();
    return entry.file;
  }

  /**
   * Takes the fresh build output in under `key`; keeps `protect` (the running binary) whatever the
   * limits. On the path of every edit: `file` is the binary's path once it is in place, and the
   * program can start from it while the index is written (`stored`, which fails if `file` does).
   */
  store(key: string, built: string, protect: ReadonlySet<string>): { readonly file: Promise<string>; readonly stored: Promise<void> } {
    const file = path.join(this.#dir, 'bins', executable(key));
    const size = stat(built).then((stats) => stats.size);
    const placed = placeBinary(built, file).then(() => file);
    const stored = Promise.all([placed, size]).then(async ([, bytes]) => {
      this.#entries = [{ key, file, bytes, usedAt: Date.now() }, ...this.#entries.filter((e) => e.key !== key)];
      await Promise.all([this.#evict(new Set([...protect, key])), this.#save()]);
    });
    // Whoever waits for `file` alone hears of its failure there.
    size.catch(() => undefined);
    stored.catch(() => undefined);
    return { file: placed, stored };
  }

  /**
   * Drops `key` from the index: its binary may not match the key (a file changed while it was
   * being built). The file itself stays until the next eviction, since it may be running.
   */
  async forget(key: string): Promise<void> {
    const before = this.#entries.length;
    this.#entries = this.#entries.filter((e) => e.key !== key);
    if (this.#entries.length !== before) await this.#save();
  }

  /** The index is trimmed before this first waits (a save begun beside it writes the trimmed one); the files go after. */
  async #evict(protect: ReadonlySet<string>): Promise<void> {
    const byUse = [...this.#entries].sort((a, b) => b.usedAt - a.usedAt);
    const kept: Entry[] = [];
    const dropped: Entry[] = [];
    let bytes = 0;
    for (const entry of byUse) {
      const fits = kept.length < this.#limits.maxEntries && bytes + entry.bytes <= this.#limits.maxBytes;
      if (fits || protect.has(entry.key)) {
        kept.push(entry);
        bytes += entry.bytes;
      } else dropped.push(entry);
    }
    this.#entries = kept;
    await Promise.all(dropped.map((entry) => rm(entry.file, { force: true })));
    const indexed = new Set(kept.map((entry) => path.basename(entry.file)));
    const running = new Set([...protect].map(executable));
    for (const name of await readdir(path.join(this.#dir, 'bins'))) {
      if (!indexed.has(name) && !running.has(name) && !name.endsWith('.partial')) {
        await rm(path.join(this.#dir, 'bins', name), { force: true }).catch(() => undefined);
      }
    }
  }

  async #save(): Promise<void> {
    const partial = `${this.#indexFile}.partial`;
    await writeFile(partial, JSON.stringify(this.#entries));
    await rename(partial, this.#indexFile);
  }
}
