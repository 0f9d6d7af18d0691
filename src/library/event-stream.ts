import type { GowatchEvent } from '../events.js';
import { noun, plural } from '../text/plural.js';

/**
 * Events a watcher keeps for `events` until they are read: a start-up and many builds' worth,
 * while a caller who only listens with on() holds a bounded amount of memory.
 */
const EVENT_BUFFER = 1000;

type Reader = { resolve: (result: IteratorResult<GowatchEvent>) => void; reject: (error: unknown) => void };

const done: IteratorResult<GowatchEvent> = { value: undefined, done: true };

/**
 * An inbox of events, read with `for await`. It keeps events from the first one, so a loop
 * started late misses nothing; each event goes to one reader, and leaving a loop (break) leaves
 * the rest for the next loop. Past `limit` unread events the oldest are dropped, and the reader
 * is told so by one `warning` in their place. It ends after `end()`: with the events still
 * kept, then done, or the error `end` was given.
 */
export class EventStream implements AsyncIterable<GowatchEvent> {
  readonly #limit: number;
  readonly #kept: GowatchEvent[] = [];
  readonly #readers: Reader[] = [];
  #dropped: { count: number; ts: number } | undefined;
  #ended: { error: unknown } | undefined;

  constructor(limit = EVENT_BUFFER) {
    this.#limit = limit;
  }

  push(event: GowatchEvent): void {
    if (this.#ended) return;
    const reader = this.#readers.shift();
    if (reader) return reader.resolve({ value: event, done: false });
    if (this.#kept.length === this.#limit) {
      const oldest = this.#kept.shift()!;
      this.#dropped = { count: (this.#dropped?.count ?? 0) + 1, ts: oldest.ts };
    }
    this.#kept.push(event);
  }

  /** No more events; waiting readers get done, or `error` when given (a start that failed). */
  end(error?: unknown): void {
    if (this.#ended) return;
    this.#ended = { error };
    for (const reader of this.#readers.splice(0)) {
      if (error === undefined) reader.resolve(done);
      else reader.reject(error);
    }
  }

  #next(): Promise<IteratorResult<GowatchEvent>> {
    if (this.#dropped) {
      const { count, ts } = this.#dropped;
      this.#dropped = undefined;
      const message = `${plural(count, 'event')} ${noun(count, 'was', 'were')} dropped unread: watcher.events keeps the latest ${this.#limit} until they are read`;
      return Promise.resolve({ value: { event: 'warning', ts, message }, done: false });
    }
    const event = this.#kept.shift();
    if (event) return Promise.resolve({ value: event, done: false });
    if (this.#ended) return this.#ended.error === undefined ? Promise.resolve(done) : Promise.reject(this.#ended.error);
    return new Promise((resolve, reject) => this.#readers.push({ resolve, reject }));
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<GowatchEvent> {
    let left = false;
    const iterator: AsyncIterableIterator<GowatchEvent> = {
      next: () => (left ? Promise.resolve(done) : this.#next()),
      // Leaving one loop ends that loop only: what comes next stays kept for the next one.
      return: () => {
        left = true;
        return Promise.resolve(done);
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}
