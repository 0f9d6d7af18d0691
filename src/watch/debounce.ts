/**
 * The events of one save (truncate then write, or write then rename) arrive within moments of
 * each other: the first batch waits this long so that it sees the save whole.
 */
const SETTLE_MS = 5;

type Phase = 'quiet' | 'settling' | 'gathering';

/**
 * Hands changed paths over in batches. The first change after a quiet period goes almost at
 * once (after SETTLE_MS), so a build starts with no wait; later ones are gathered until
 * `delayMs` pass with no new one, then go as one batch (a build the first one started is
 * canceled if they move the key). `pending` tells whether changes are waiting: a build that
 * finishes meanwhile must not be swapped in before they are looked at, so the quiet time
 * decides when to restart, not when to start building.
 */
export class Debouncer {
  readonly #delayMs: number;
  readonly #onBatch: (paths: Set<string>) => void;
  #paths = new Set<string>();
  #phase: Phase = 'quiet';
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
    if (this.#paths.size === 0 || this.#phase === 'settling') return;
    clearTimeout(this.#timer);
    if (this.#phase === 'quiet') {
      this.#phase = 'settling';
      this.#timer = setTimeout(() => {
        this.#handOver();
        this.#gather();
      }, Math.min(SETTLE_MS, this.#delayMs));
    } else this.#gather();
  }

  #gather(): void {
    this.#phase = 'gathering';
    this.#timer = setTimeout(() => {
      this.#phase = 'quiet';
      this.#timer = undefined;
      this.#handOver();
    }, this.#delayMs);
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
    this.#phase = 'quiet';
    this.#paths = new Set();
  }
}
