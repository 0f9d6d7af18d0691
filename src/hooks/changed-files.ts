import type { HookKey } from './hook-keys.js';

/** What a hook is told changed, and up to which change: told back on success. */
export type Pending = { readonly files: readonly string[]; readonly upTo: number };

/**
 * The files changed since each hook key last ran to success: a linter that failed on one save is
 * told of that file again at the next, with whatever changed since. Files are kept until every
 * hook key has been told of them.
 */
export class ChangedFiles {
  readonly #keys: readonly HookKey[];
  /** Each file's latest change, numbered. */
  readonly #changed = new Map<string, number>();
  /** The change each key last succeeded after. */
  readonly #done = new Map<HookKey, number>();
  #count = 0;

  /** `keys`: the hook keys that have commands; only they are waited for. */
  constructor(keys: readonly HookKey[]) {
    this.#keys = keys;
  }

  note(files: Iterable<string>): void {
    if (this.#keys.length === 0) return;
    this.#count += 1;
    for (const file of files) this.#changed.set(file, this.#count);
  }

  pending(key: HookKey): Pending {
    const done = this.#done.get(key) ?? 0;
    const files = [...this.#changed].filter(([, change]) => change > done).map(([file]) => file);
    return { files: files.sort(), upTo: this.#count };
  }

  /** `key` ran to success, told of the changes up to `upTo`. */
  succeeded(key: HookKey, upTo: number): void {
    this.#done.set(key, Math.max(upTo, this.#done.get(key) ?? 0));
    const everyone = Math.min(...this.#keys.map((known) => this.#done.get(known) ?? 0));
    for (const [file, change] of this.#changed) if (change <= everyone) this.#changed.delete(file);
  }
}
