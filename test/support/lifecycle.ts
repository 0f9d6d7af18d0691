import type { GowatchEvent } from '../../src/events.js';

const LIFECYCLE = new Set(['change', 'build-start', 'build-ok', 'stop', 'start']);

/** The lifecycle events among `events`, joined with commas, to match against EDIT_LIFECYCLE. */
export const lifecycle = (events: readonly GowatchEvent[]): string =>
  events
    .map((event) => event.event)
    .filter((name) => LIFECYCLE.has(name))
    .join(',');

/**
 * One edit: built once, then the old program stopped before the new one starts. A save the
 * watcher reports in two batches (under load a truncate and its write can land apart) may start
 * a build that the second batch cancels and starts again (the first change starts a build at
 * once, by design), go on when the second batch reads what the build read, or end with a
 * change that is found unchanged.
 */
export const EDIT_LIFECYCLE = /^change(,change|,build-start,change)*,build-start(,change)*,build-ok,stop,start(,change)*$/;
