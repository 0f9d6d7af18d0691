/**
 * Gathers changed paths until `delayMs` pass with no new one, then hands the batch over.
 * `pending` tells whether changes are waiting: a build that finishes meanwhile must not be
 * swapped in before they are looked at.
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
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#flush(), this.#delayMs);
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#paths.size === 0) return;
    const batch = this.#paths;
    this.#paths = new Set();
    this.#onBatch(batch);
  }

  cancel(): void {
    clearTimeout(this.#timer);
    this.#paths = new Set();
  }
}
