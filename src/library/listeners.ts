import { didYouMean } from '../config/did-you-mean.js';
import { quote } from '../text/quote.js';
import { GowatchError } from '../errors.js';
import { eventNames, type EventName, type EventOf, type GowatchEvent } from '../events.js';

/** What on() accepts: each event under its own name, and every event under "event". */
export type WatcherListeners = { [K in EventName]: (event: EventOf<K>) => void } & { event: (event: GowatchEvent) => void };
export type ListenerName = keyof WatcherListeners;

const LISTENER_NAMES: readonly string[] = [...eventNames, 'event'];

/** A misspelt name would listen for ever to nothing: it is refused, with the likely name. */
const checkName = (method: string, name: unknown): ListenerName => {
  if (typeof name === 'string' && LISTENER_NAMES.includes(name)) return name as ListenerName;
  const typo = typeof name === 'string' ? didYouMean(name, LISTENER_NAMES) : '';
  throw new GowatchError('usage', `watcher.${method}(): ${typeof name === 'string' ? quote(name) : String(name)} is not an event${typo || `; the events are ${LISTENER_NAMES.join(', ')}`}`);
};

/**
 * Listeners by event name, like an EventEmitter's, but without its special "error" (here an
 * event of the contract like any other). A listener that throws cannot break gowatch's own
 * work, which emitted the event: its error is rethrown on its own, as an uncaught exception.
 */
export class Listeners {
  readonly #byName = new Map<ListenerName, Set<(event: GowatchEvent) => void>>();

  on(name: ListenerName, listener: (event: never) => void): void {
    if (typeof listener !== 'function') throw new GowatchError('usage', `watcher.on(): expected a listener function, got ${typeof listener}`);
    const key = checkName('on', name);
    const set = this.#byName.get(key) ?? new Set();
    set.add(listener as (event: GowatchEvent) => void);
    this.#byName.set(key, set);
  }

  off(name: ListenerName, listener: (event: never) => void): void {
    this.#byName.get(checkName('off', name))?.delete(listener as (event: GowatchEvent) => void);
  }

  emit(event: GowatchEvent): void {
    for (const name of [event.event, 'event'] as const) {
      // A copy: a listener may add or remove listeners while it runs.
      for (const listener of [...(this.#byName.get(name) ?? [])]) {
        try {
          listener(event);
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    }
  }
}
