/**
 * Hands changed paths over in batches. The first change after a quiet period goes at once, so
 * a build starts with no wait; later ones are gathered until `delayMs` pass with no new one,
 * then go as one batch (a build the first one started is canceled if they move the key).
 * `pending` tells whether changes are waiting: a build that finishes meanwhile must not be
 * swapped in before they are looked at, so the quiet time decides when to restart, not when to
 * start building.
 */
export class Debouncer {
  readonly #delayMs: number;
  readonly #onBatch: (paths: Set<string>) => void;
  #paths = new Set<string>();
  #timer: NodeJS.Timeout | undefined;

  constructor(delayMs: number, onBatch: (paths: Set<string>) => void) {
    this.#delayMs = delayMs;
    this.#onBatch = onBatch;
  }

  get pending(): boolean {
    return this.#paths.size > 0;
  }

  add(paths: Iterable<string>): void {
    for (const file of paths) this.#paths.add(file);
    if (this.#paths.size === 0) return;
    const quiet = this.#timer === undefined;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#handOver();
    }, this.#delayMs);
    if (quiet) this.#handOver();
  }

  #handOver(): void {
    if (this.#paths.size === 0) return;
    const batch = this.#paths;
    this.#paths = new Set();
    this.#onBatch(batch);
  }

  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#paths = new Set();
  }
}
