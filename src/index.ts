/**
 * gowatch as a library. `watch()` is the API for editor plugins, task runners and tests; the
 * lower layers it composes (options as the CLI resolves them, the pipeline, inspect) stay
 * available, and the event schemas are the contract of both.
 */
export { watch, type Watcher } from './library/watch.js';
export type { WatchOptions, WatchSettings } from './library/options.js';
export type { ProfileOptions } from './library/profile-options.js';
export type { RequestedProfile } from './profile/request.js';
export type { TopEntry } from './profile/top.js';
export { PROFILE_KINDS, type ProfileKind } from './profile/kinds.js';
export type { ListenerName, WatcherListeners } from './library/listeners.js';
export { startGowatch, type Gowatch, type ProgramLines } from './gowatch.js';
export { resolveRunOptions, type RunFlags, type RunOptions, type TargetOptions } from './config/options.js';
export type { Config, ConfigKey } from './config/schema.js';
export { inspectTarget, type Topology, type Why } from './reload/inspect.js';
export { eventSchemas, eventNames, anyEventSchema, type GowatchEvent, type EventName, type EventOf, type EventSink } from './events.js';
export { GowatchError, type ErrorKind } from './errors.js';
