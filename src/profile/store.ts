import { chmod, mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage, GowatchError } from '../errors.js';
import { PROFILE_KINDS, type ProfileKind } from './kinds.js';

export const PROFILE_TRIGGERS = ['baseline', 'memory', 'trend', 'request'] as const;
export type ProfileTrigger = (typeof PROFILE_TRIGGERS)[number];

export type ProfileMeta = {
  readonly trigger: ProfileTrigger;
  readonly kind: ProfileKind;
  /** The build key of the running binary; its first characters name the file. */
  readonly key: string;
  /** When it was captured. Files saved with the same time and trigger are one capture. */
  readonly at: Date;
};

export type StoredProfile = { readonly path: string; readonly kind: ProfileKind; readonly bytes: number };

/** The files of one capture (a memory trip saves heap and goroutine together). */
export type StoredCapture = {
  readonly at: Date;
  readonly trigger: ProfileTrigger;
  /** The build key as the file names carry it. */
  readonly key: string;
  readonly files: readonly StoredProfile[];
};

export type ProfileStoreLimits = {
  /** Captures kept (go.run.profileKeep). */
  readonly keep?: number;
  /** Bytes kept, all captures together. */
  readonly maxBytes?: number;
};

export const DEFAULT_PROFILE_KEEP = 10;
export const DEFAULT_PROFILE_MAX_BYTES = 256 * 1024 * 1024;

/** Characters of the build key a file name carries: enough to tell builds apart by eye. */
const KEY_CHARS = 8;

/** A partial file this old belongs to a save that died, not to one in progress. */
const STALE_PARTIAL_MS = 10 * 60_000;

const SUFFIX = '.pb.gz';
const PARTIAL = '.partial';
const NAME = new RegExp(
  `^(?<time>\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d\\.\\d{3}Z)-(?<trigger>${PROFILE_TRIGGERS.join('|')})-(?<kind>${PROFILE_KINDS.join('|')})-(?<key>[0-9a-z]+)(?:-\\d+)?\\.pb\\.gz$`,
);

/** ISO time with the colons Windows refuses in a file name turned into dashes; sorts by time. */
const timePart = (at: Date): string => at.toISOString().replaceAll(':', '-');

const timeOf = (part: string): Date => new Date(part.replace(/T(\d\d)-(\d\d)-(\d\d)/, 'T$1:$2:$3'));

const keyPart = (key: string): string => key.toLowerCase().replace(/[^0-9a-z]/g, '').slice(0, KEY_CHARS) || 'nokey';

const fileName = (meta: ProfileMeta, attempt: number): string =>
  `${timePart(meta.at)}-${meta.trigger}-${meta.kind}-${keyPart(meta.key)}${attempt === 0 ? '' : `-${attempt}`}${SUFFIX}`;

const exists = (file: string): Promise<boolean> =>
  stat(file).then(
    () => true,
    () => false,
  );

/** `file` created for writing, mode 0600, or undefined when something already has that name. */
const createExclusive = async (file: string): Promise<FileHandle | undefined> => {
  try {
    return await open(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }
};

/**
 * The profiles of one target, in one directory only the user can open (files 0600). Keeps the
 * newest `keep` captures within `maxBytes`; the newest capture and the protected ones (the
 * baseline of the run in progress) are kept whatever the limits, and count towards them.
 */
export class ProfileStore {
  readonly dir: string;
  readonly #keep: number;
  readonly #maxBytes: number;
  readonly #protected = new Set<string>();

  constructor(dir: string, limits: ProfileStoreLimits = {}) {
    this.dir = dir;
    this.#keep = limits.keep ?? DEFAULT_PROFILE_KEEP;
    this.#maxBytes = limits.maxBytes ?? DEFAULT_PROFILE_MAX_BYTES;
  }

  /** Writes `data` as a new file (never over another), prunes, and returns its path. */
  async save(data: Buffer, meta: ProfileMeta): Promise<string> {
    try {
      await this.#makeDirectory();
      const file = await this.#write(data, meta);
      await this.#prune(file);
      return file;
    } catch (error) {
      if (error instanceof GowatchError) throw error;
      throw new GowatchError('profile', `cannot save the ${meta.kind} profile in ${this.dir}: ${errorMessage(error)}`);
    }
  }

  /** Keeps the capture of `file` whatever the limits, until `unprotect`. */
  protect(file: string): void {
    this.#protected.add(path.resolve(file));
  }

  unprotect(file: string): void {
    this.#protected.delete(path.resolve(file));
  }

  /** The captures kept, newest first. */
  async list(): Promise<StoredCapture[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new GowatchError('profile', `cannot read the profiles in ${this.dir}: ${errorMessage(error)}`);
    }
    const captures = new Map<string, { at: Date; trigger: ProfileTrigger; key: string; files: StoredProfile[] }>();
    for (const name of names.sort().reverse()) {
      const parts = NAME.exec(name)?.groups;
      if (!parts) continue;
      const { time, key } = parts as { time: string; key: string };
      const trigger = parts['trigger'] as ProfileTrigger;
      const kind = parts['kind'] as ProfileKind;
      const file = path.join(this.dir, name);
      const bytes = await stat(file).then(
        (stats) => stats.size,
        () => undefined,
      );
      // Removed meanwhile (pruned by another gowatch of this target): not kept any more.
      if (bytes === undefined) continue;
      const id = `${time}-${trigger}`;
      const capture = captures.get(id) ?? { at: timeOf(time), trigger, key, files: [] };
      capture.files.push({ path: file, kind, bytes });
      captures.set(id, capture);
    }
    return [...captures.values()];
  }

  async #makeDirectory(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // A directory made before (or by hand) may let others in: profiles show the program's data.
    await chmod(this.dir, 0o700);
  }

  /** Writes a partial file created exclusively, then renames it to a name nothing has. */
  async #write(data: Buffer, meta: ProfileMeta): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const file = path.join(this.dir, fileName(meta, attempt));
      const partial = `${file}${PARTIAL}`;
      if (await exists(file)) continue;
      const handle = await createExclusive(partial);
      // Another save of the same name is under way: take the next name.
      if (!handle) continue;
      try {
        await handle.writeFile(data);
      } catch (error) {
        await handle.close();
        await rm(partial, { force: true });
        throw error;
      }
      await handle.close();
      await rename(partial, file);
      return file;
    }
  }

  async #prune(newest: string): Promise<void> {
    const captures = await this.list();
    const kept = (capture: StoredCapture) =>
      capture.files.some((file) => file.path === newest || this.#protected.has(path.resolve(file.path)));
    const size = (capture: StoredCapture) => capture.files.reduce((sum, file) => sum + file.bytes, 0);
    let count = 0;
    let bytes = 0;
    for (const capture of captures.filter(kept)) {
      count += 1;
      bytes += size(capture);
    }
    let full = false;
    for (const capture of captures) {
      if (kept(capture)) continue;
      // Once one capture does not fit, no older one is kept: what is kept is always the newest.
      full ||= count + 1 > this.#keep || bytes + size(capture) > this.#maxBytes;
      if (full) {
        for (const file of capture.files) await rm(file.path, { force: true });
      } else {
        count += 1;
        bytes += size(capture);
      }
    }
    await this.#removeStalePartials();
  }

  async #removeStalePartials(): Promise<void> {
    const now = Date.now();
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      if (!name.endsWith(`${SUFFIX}${PARTIAL}`)) continue;
      const file = path.join(this.dir, name);
      const stats = await stat(file).catch(() => undefined);
      if (stats && now - stats.mtimeMs > STALE_PARTIAL_MS) await rm(file, { force: true });
    }
  }
}
