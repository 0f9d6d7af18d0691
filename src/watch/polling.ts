import path from 'node:path';
import { watch } from 'chokidar';
import type { SubscribeRequest, Subscription } from './backend.js';

/**
 * Polling through chokidar, for filesystems whose changes never reach native events.
 * Resolves once the initial scan is done, so no change after `watching` is missed.
 */
export const subscribePolling = (request: SubscribeRequest & { readonly intervalMs: number }): Promise<Subscription> => {
  const { root, ignoreDirs, onPaths, onError, intervalMs } = request;
  const ignored = (file: string) => ignoreDirs.some((dir) => file === dir || file.startsWith(dir + path.sep));
  const watcher = watch(root, {
    usePolling: true,
    interval: intervalMs,
    binaryInterval: intervalMs,
    ignoreInitial: true,
    followSymlinks: false,
    ignored,
  });
  const forward = (file: string) => onPaths([path.resolve(file)]);
  watcher.on('add', forward).on('change', forward).on('unlink', forward);
  watcher.on('error', (error) => onError(error instanceof Error ? error : new Error(String(error))));
  return new Promise((resolve) => {
    watcher.once('ready', () => resolve({ close: () => watcher.close() }));
  });
};
