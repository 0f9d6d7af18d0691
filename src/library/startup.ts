import type { EventName, GowatchEvent } from '../events.js';

/** What ends a target's start-up: its program started, its first build failed, or its binary (or its go.run.preStart) could not start it. */
const START_UP_ENDS: ReadonlySet<EventName> = new Set(['start', 'build-fail', 'hook-fail', 'error']);

/**
 * Whether every target is past its start-up, told by the events themselves: gowatch's own start
 * resolves once the first builds are under way, which is too early for a caller that wants to
 * talk to the program.
 */
export class Startup {
  readonly ready: Promise<void>;
  readonly #waiting: Set<string>;
  #resolve!: () => void;
  #reject!: (error: unknown) => void;

  constructor(targets: readonly string[]) {
    this.#waiting = new Set(targets);
    this.ready = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  seen(event: GowatchEvent): void {
    if (!START_UP_ENDS.has(event.event) || !('target' in event) || event.target === undefined) return;
    this.#waiting.delete(event.target);
    if (this.#waiting.size === 0) this.#resolve();
  }

  /** gowatch could not start at all. */
  fail(error: unknown): void {
    this.#reject(error);
  }

  /** Closed: nothing more will start, so there is nothing left to wait for. */
  over(): void {
    this.#resolve();
  }
}
