import path from 'node:path';
import { watch } from 'chokidar';
import { isWithin } from '../paths.js';
import type { SubscribeRequest, Subscription } from './backend.js';

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
 * Polling through chokidar, for filesystems whose changes never reach native events.
 * Resolves once the initial scan is done, so no change after `watching` is missed.
 */
export const subscribePolling = (request: SubscribeRequest & { readonly intervalMs: number }): Promise<Subscription> => {
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
