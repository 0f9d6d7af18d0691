type Phase = 'quiet' | 'settling' | 'gathering';

/**
 * Hands changed paths over in batches. The first change after a quiet period goes at once, with
 * whatever came in the same turn of the event loop (several roots' callbacks), so a build starts
 * with no wait. A short timer would see no more of a save: @parcel/watcher hands over the first
 * events after a quiet time at once and holds later ones for a quiet time of its own, so the rest
 * of a save comes later anyway, and moves the key like any change. Later ones are gathered until
 * `delayMs` pass with no new one, then go as one batch (a build the first one started is
 * canceled if they move the key). `pending` tells whether changes are waiting: a build that
 * finishes meanwhile must not be swapped in before they are looked at, so the quiet time
 * decides when to restart, not when to start building.
 *
 * Only a path that `mayMatter` (one that can ask for a build or a restart) opens a burst, goes
 * at once, extends the quiet time or is waited for. The others (a log, an editor's temporary
 * file) go with the end of the burst, or `delayMs` after they came when no burst is on: an
 * editor's temporary file and its removal then land in one batch, where it is seen gone.
 */
export class Debouncer {
  readonly #delayMs: number;
  readonly #onBatch: (paths: Set<string>) => void;
  readonly #mayMatter: (file: string) => boolean;
  #paths = new Set<string>();
  /** Paths that cannot matter, waiting for the end of the burst. */
  #idle = new Set<string>();
  #phase: Phase = 'quiet';
  #timer: NodeJS.Timeout | undefined;
  #settle: NodeJS.Immediate | undefined;
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(delayMs: number, onBatch: (paths: Set<string>) => void, mayMatter: (file: string) => boolean = () => true) {
    this.#delayMs = delayMs;
    this.#onBatch = onBatch;
    this.#mayMatter = mayMatter;
  }

  get pending(): boolean {
    return this.#paths.size > 0;
  }

  add(paths: Iterable<string>): void {
    let matters = false;
    for (const file of paths) {
      if (this.#mayMatter(file)) {
        matters = true;
        this.#paths.add(file);
      } else this.#idle.add(file);
    }
    if (!matters) {
      if (this.#phase === 'quiet' && this.#idle.size > 0 && !this.#idleTimer) this.#idleTimer = setTimeout(() => this.#idleOver(), this.#delayMs);
      return;
    }
    if (this.#phase === 'settling') return;
    clearTimeout(this.#timer);
    if (this.#phase === 'quiet') {
      this.#phase = 'settling';
      this.#settle = setImmediate(() => {
        this.#settle = undefined;
        this.#handOver(false);
        this.#gather();
      });
    } else this.#gather();
  }

  #gather(): void {
    this.#phase = 'gathering';
    this.#timer = setTimeout(() => {
      this.#phase = 'quiet';
      this.#timer = undefined;
      this.#handOver(true);
    }, this.#delayMs);
  }

  /** With no burst on, what cannot matter goes on its own; during one, it waits for its end. */
  #idleOver(): void {
    this.#idleTimer = undefined;
    if (this.#phase === 'quiet') this.#handOver(true);
  }

  /** Hands over what may matter, and with `all`, what cannot too. */
  #handOver(all: boolean): void {
    const batch = this.#paths;
    if (all) {
      for (const file of this.#idle) batch.add(file);
      this.#idle = new Set();
      clearTimeout(this.#idleTimer);
      this.#idleTimer = undefined;
    }
    this.#paths = new Set();
    if (batch.size > 0) this.#onBatch(batch);
  }

  cancel(): void {
    clearTimeout(this.#timer);
    clearImmediate(this.#settle);
    this.#settle = undefined;
    clearTimeout(this.#idleTimer);
    this.#timer = undefined;
    this.#idleTimer = undefined;
    this.#phase = 'quiet';
    this.#paths = new Set();
    this.#idle = new Set();
  }
}
