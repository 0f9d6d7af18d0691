import type { ContentHashes } from '../go/content-hashes.js';
import { Debouncer } from '../watch/debounce.js';
import type { OwnOutput } from '../watch/own-output.js';
import type { Resubscribed } from '../watch/watch-set.js';

/** What the router hands changes to: each target's reload loop. */
export type ChangeReceiver = {
  onPaths(paths: readonly string[]): void;
  /** Whether a path may ask this receiver for a build or a restart (cheap: no I/O). */
  mayMatter(file: string): boolean;
  onBatch(batch: ReadonlySet<string>, number: number): void;
  onResubscribed(root: string, why: Resubscribed, number: number): void;
};

/**
 * Between the one watcher and every target: raw paths go to each target at once (a build
 * they overtake is marked), and after the debounce, one numbered batch goes to all of them,
 * so a file that several targets include is read once. What gowatch writes itself (its
 * output sent into the project) goes to none. A path no receiver may need waits for the end
 * of the burst (see Debouncer): an editor's temporary file is then seen gone.
 */
export class ChangeRouter {
  readonly #receivers: ChangeReceiver[] = [];
  readonly #hashes: ContentHashes;
  readonly #debouncer: Debouncer;
  readonly #ownOutput: OwnOutput;

  constructor(delayMs: number, hashes: ContentHashes, ownOutput: OwnOutput) {
    this.#hashes = hashes;
    this.#ownOutput = ownOutput;
    this.#debouncer = new Debouncer(delayMs, (batch) => {
      const number = this.#hashes.nextBatch();
      for (const receiver of this.#receivers) receiver.onBatch(batch, number);
    }, (file) => this.#receivers.some((receiver) => receiver.mayMatter(file)));
  }

  add(receiver: ChangeReceiver): void {
    this.#receivers.push(receiver);
  }

  get pending(): boolean {
    return this.#debouncer.pending;
  }

  onPaths(all: readonly string[]): void {
    const paths = all.filter((file) => !this.#ownOutput(file));
    if (paths.length === 0) return;
    for (const receiver of this.#receivers) receiver.onPaths(paths);
    this.#debouncer.add(paths);
  }

  onResubscribed(root: string, why: Resubscribed): void {
    const number = this.#hashes.nextBatch();
    for (const receiver of this.#receivers) receiver.onResubscribed(root, why, number);
  }

  close(): void {
    this.#debouncer.cancel();
  }
}
