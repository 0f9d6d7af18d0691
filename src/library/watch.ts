import { runOptionsFrom } from '../config/options.js';
import { startGowatch, type Gowatch } from '../gowatch.js';
import type { GowatchEvent } from '../events.js';
import { GowatchError } from '../errors.js';
import type { RequestedProfile } from '../profile/request.js';
import { EventStream } from './event-stream.js';
import { Listeners, type ListenerName, type WatcherListeners } from './listeners.js';
import { watchRequest, type WatchOptions } from './options.js';
import { profileRequest, type ProfileOptions } from './profile-options.js';
import { Startup } from './startup.js';

export type Watcher = {
  /**
   * Every event from the first, as `gowatch run --json` prints them, for `for await`. Events are
   * kept until read (the latest 1,000; older ones are dropped and a `warning` says how many);
   * leaving a loop leaves the rest for the next. Ends once close() has resolved, or throws the
   * error that kept gowatch from starting.
   */
  readonly events: AsyncIterable<GowatchEvent>;
  /**
   * Resolves once every target's start-up is over (its program started, its first build failed,
   * or its binary could not start), or once closed; rejects with a GowatchError when gowatch
   * cannot start at all (go missing, a package go cannot load, an unusable cache directory).
   */
  readonly ready: Promise<void>;
  /** Listens to one event by name, or to every event with "event", from now on. */
  on<K extends ListenerName>(name: K, listener: WatcherListeners[K]): Watcher;
  off<K extends ListenerName>(name: K, listener: WatcherListeners[K]): Watcher;
  /**
   * Captures a profile of a target's running program (go.run.profile on): written with the
   * target's profiles, said as a `profile` event (trigger "request"), and read: `top` is its
   * top functions as `go tool pprof -top` lists them (against `base` when given). Rejects with
   * a GowatchError of one line (profiling off, nothing running, no answer within the bound…).
   */
  profile(options?: ProfileOptions): Promise<RequestedProfile>;
  /** Stops watching, cancels builds, stops every program tree; resolves when nothing is left running. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
};

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * gowatch as a library: the pipeline `gowatch run` drives, with its events for the caller.
 * Rejects with a GowatchError naming the option (or config file and key) and the value when
 * the options are refused; then nothing has started. Installs no signal or exit handlers: the
 * caller calls close().
 */
export const watch = async (options: WatchOptions): Promise<Watcher> => {
  const { request, programOutput } = watchRequest(options);
  const run = runOptionsFrom(request);
  const stream = new EventStream();
  const listeners = new Listeners();
  const startup = new Startup(run.targets.map((target) => target.name));
  const sink = (event: GowatchEvent) => {
    startup.seen(event);
    stream.push(event);
    listeners.emit(event);
  };
  let closing: Promise<void> | undefined;
  // Started on the next turn, so listeners attached as soon as watch() resolves hear the first
  // event; a watcher closed before then starts nothing.
  const started: Promise<Gowatch | undefined> = nextTurn().then(() =>
    closing ? undefined : startGowatch(run, sink, programOutput ? { programLines: programOutput } : {}),
  );
  started.catch((error: unknown) => {
    startup.fail(error);
    stream.end(error);
  });
  // A failed start is told by `ready` and by `events`: a caller reading one must not also get an unhandled rejection.
  startup.ready.catch(() => undefined);
  const close = () =>
    (closing ??= started
      .then(
        (gowatch) => gowatch?.close(),
        () => undefined, // gowatch stopped what it had started before rejecting
      )
      .finally(() => {
        startup.over();
        stream.end();
      }));
  const watcher: Watcher = {
    events: stream,
    ready: startup.ready,
    on: (name, listener) => {
      listeners.on(name, listener);
      return watcher;
    },
    off: (name, listener) => {
      listeners.off(name, listener);
      return watcher;
    },
    profile: async (options) => {
      const request = profileRequest(options);
      const gowatch = await started;
      if (!gowatch || closing) throw new GowatchError('profile', 'watcher.profile(): the watcher is closed');
      return gowatch.profile(request);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
  return watcher;
};
