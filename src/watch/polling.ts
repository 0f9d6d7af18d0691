import path from 'node:path';
import { isWithin } from '../paths.js';
import type { SubscribeRequest, Subscription } from './backend.js';
import { subscribeSweep } from './poll-sweep.js';

/** How polling is done: gowatch's own stat sweep, or chokidar's per-file fs.watchFile timers. */
export type Poller = 'sweep' | 'chokidar';

export type PollingRequest = SubscribeRequest & { readonly intervalMs: number };

/**
 * GOWATCH_POLLER=chokidar selects chokidar's polling (kept as the fallback the design names,
 * and for the benchmark's comparison); anything else, or nothing, is the sweep. Read here, at
 * the one place that picks a poller, from the environment gowatch runs in.
 */
export const pollerFromEnv = (env: NodeJS.ProcessEnv): Poller =>
  env['GOWATCH_POLLER']?.trim().toLowerCase() === 'chokidar' ? 'chokidar' : 'sweep';

/**
 * chokidar lets CHOKIDAR_USEPOLLING / CHOKIDAR_INTERVAL override its options (even an empty
 * value turns polling off). gowatch has already weighed those variables when choosing the
 * backend, so they are hidden while the watcher is constructed (synchronously).
 */
const withoutChokidarEnv = <T>(construct: () => T): T => {
  const saved = { usePolling: process.env['CHOKIDAR_USEPOLLING'], interval: process.env['CHOKIDAR_INTERVAL'] };
  delete process.env['CHOKIDAR_USEPOLLING'];
  delete process.env['CHOKIDAR_INTERVAL'];
  try {
    return construct();
  } finally {
    if (saved.usePolling !== undefined) process.env['CHOKIDAR_USEPOLLING'] = saved.usePolling;
    if (saved.interval !== undefined) process.env['CHOKIDAR_INTERVAL'] = saved.interval;
  }
};

/**
 * Polling, for filesystems whose changes never reach native events: one stat sweep of the
 * watch set per interval (src/watch/poll-sweep.ts), or chokidar when `poller` says so. Resolves once the initial scan is done, so no change after
 * `watching` is missed.
 */
export const subscribePolling = (request: PollingRequest & { readonly poller: Poller }): Promise<Subscription> =>
  request.poller === 'chokidar' ? subscribeChokidar(request) : subscribeSweep(request);

/** Polling through chokidar: one fs.watchFile timer per file and directory. Loaded only when asked for: the sweep is the default. */
export const subscribeChokidar = async (request: PollingRequest): Promise<Subscription> => {
  const { watch } = await import('chokidar');
  const { root, ignoreDirs, onPaths, onError, intervalMs } = request;
  const ignored = (file: string) => ignoreDirs.some((dir) => isWithin(file, dir));
  const watcher = withoutChokidarEnv(() =>
    watch(root, {
      usePolling: true,
      interval: intervalMs,
      binaryInterval: intervalMs,
      ignoreInitial: true,
      followSymlinks: false,
      ignored,
    }),
  );
  const forward = (file: string) => onPaths([path.resolve(file)]);
  watcher.on('add', forward).on('change', forward).on('unlink', forward).on('unlinkDir', forward);
  watcher.on('error', (error) => onError(error instanceof Error ? error : new Error(String(error))));
  return new Promise((resolve) => {
    watcher.once('ready', () => resolve({ close: () => watcher.close() }));
  });
};
