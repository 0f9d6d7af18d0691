/**
 * How many `go build`s run at once: several targets build in parallel up to the number of
 * cores, and the rest wait for a slot. A wait can be given up (a canceled build).
 */
export class BuildSlots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#free = Math.max(1, size);
  }

  /** A release function once a slot is ours, or undefined when `signal` aborted the wait first. */
  acquire(signal: AbortSignal): Promise<(() => void) | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    if (this.#free > 0) {
      this.#free -= 1;
      return Promise.resolve(this.#release());
    }
    return new Promise((resolve) => {
      const grant = () => {
        signal.removeEventListener('abort', abandon);
        resolve(this.#release());
      };
      const abandon = () => {
        this.#waiting.splice(this.#waiting.indexOf(grant), 1);
        resolve(undefined);
      };
      this.#waiting.push(grant);
      signal.addEventListener('abort', abandon, { once: true });
    });
  }

  #release(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free += 1;
    };
  }
}
