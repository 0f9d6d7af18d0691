import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import watcher from '@parcel/watcher';
import { isWithin } from '../paths.js';
import type { SubscribeRequest, Subscription } from './backend.js';

/** Name the backend: the default would silently prefer an installed Watchman on Linux. */
const nativeBackend = (): watcher.BackendType | undefined => {
  if (process.platform === 'linux') return 'inotify';
  if (process.platform === 'darwin') return 'fs-events';
  if (process.platform === 'win32') return 'windows';
  return undefined;
};

const isIgnored = (file: string, ignoreDirs: readonly string[]) => ignoreDirs.some((dir) => isWithin(file, dir));

/**
 * A directory created after subscribing gets a watch, but files written into it before the
 * watch existed produce no event (parcel-bundler/watcher#243): list them ourselves.
 */
const filesOfNewDirectory = async (dir: string, ignoreDirs: readonly string[]): Promise<string[]> => {
  try {
    if (!(await stat(dir)).isDirectory()) return [];
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => !entry.isDirectory())
      .map((entry) => path.join(entry.parentPath, entry.name))
      .filter((file) => !isIgnored(file, ignoreDirs));
  } catch {
    return [];
  }
};

/** Native events through @parcel/watcher; rejects on ENOSPC/EMFILE so the caller can poll instead. */
export const subscribeNative = async (request: SubscribeRequest): Promise<Subscription> => {
  const { root, ignoreDirs, onPaths, onError } = request;
  const subscription = await watcher.subscribe(
    root,
    (error, events) => {
      if (error) {
        onError(error);
        return;
      }
      const paths = events.map((event) => event.path).filter((file) => !isIgnored(file, ignoreDirs));
      if (paths.length > 0) onPaths(paths);
      const created = events.filter((event) => event.type === 'create').map((event) => event.path);
      if (created.length === 0) return;
      void Promise.all(created.map((dir) => filesOfNewDirectory(dir, ignoreDirs))).then((lists) => {
        const inner = lists.flat();
        if (inner.length > 0) onPaths(inner);
      });
    },
    { backend: nativeBackend(), ignore: [...ignoreDirs] },
  );
  return { close: () => subscription.unsubscribe() };
};
