import type { ContentHashes } from '../go/content-hashes.js';
import { Debouncer } from '../watch/debounce.js';
import type { Resubscribed } from '../watch/watch-set.js';

/** What the router hands changes to: each target's reload loop. */
export type ChangeReceiver = {
  onPaths(paths: readonly string[]): void;
  onBatch(batch: ReadonlySet<string>, number: number): void;
  onResubscribed(root: string, why: Resubscribed, number: number): void;
};

/**
 * Between the one watcher and every target: raw paths go to each target at once (a build
 * they overtake is marked), and after the debounce, one numbered batch goes to all of them,
 * so a file that several targets include is read once.
 */
export class ChangeRouter {
  readonly #receivers: ChangeReceiver[] = [];
  readonly #hashes: ContentHashes;
  readonly #debouncer: Debouncer;

  constructor(delayMs: number, hashes: ContentHashes) {
    this.#hashes = hashes;
    this.#debouncer = new Debouncer(delayMs, (batch) => {
      const number = this.#hashes.nextBatch();
      for (const receiver of this.#receivers) receiver.onBatch(batch, number);
    });
  }

  add(receiver: ChangeReceiver): void {
    this.#receivers.push(receiver);
  }

  get pending(): boolean {
    return this.#debouncer.pending;
  }

  onPaths(paths: readonly string[]): void {
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
