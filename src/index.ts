/** gowatch as a library: the same pipeline the CLI runs, with events delivered to a callback. */
export { startGowatch, type Gowatch } from './gowatch.js';
export { resolveRunOptions, type RunFlags, type RunOptions } from './config/options.js';
export { inspectTarget, type Topology, type Why } from './reload/inspect.js';
export { eventSchemas, eventNames, anyEventSchema, type GowatchEvent, type EventName, type EventSink } from './report/events.js';
export { GowatchError } from './errors.js';
