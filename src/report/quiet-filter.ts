import type { EventSink, GowatchEvent } from '../events.js';

/**
 * --quiet: what needs the user's eyes (a failure, a crash, a warning) and nothing of the
 * routine (watching, changed, building, built, starting). On a terminal the status line
 * still says the routine.
 */
const worthSaying = (event: GowatchEvent): boolean => {
  switch (event.event) {
    case 'build-fail':
    case 'hook-fail':
    case 'error':
    case 'warning':
    case 'memory':
    case 'restart':
    case 'restart-limit':
      return true;
    case 'exit':
      return event.code !== 0;
    case 'stop':
      return event.forced;
    default:
      return false;
  }
};

export const quietFilter = (sink: EventSink): EventSink => (event) => {
  if (worthSaying(event)) sink(event);
};
