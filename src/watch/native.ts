import { accessSync, constants, lstatSync } from 'node:fs';
import watcher from '@parcel/watcher';
import { childPath, walkTree } from '../files/walk.js';
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

const isDenied = (error: unknown) => ['EACCES', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '');

/**
 * A directory created after subscribing gets a watch, but files written into it before the
 * watch existed produce no event (parcel-bundler/watcher#243): list them ourselves. One that
 * cannot be listed is handed to `onDenied`.
 */
const filesOfNewDirectory = async (dir: string, ignoreDirs: readonly string[], onDenied: (dir: string) => void): Promise<string[]> => {
  if (isIgnored(dir, ignoreDirs)) return [];
  const files: string[] = [];
  await walkTree(dir, {
    enter: (subdir) => !isIgnored(subdir, ignoreDirs),
    onDirectory: (parent, entries) => {
      for (const entry of entries) if (!entry.isDirectory()) files.push(childPath(parent, entry.name));
    },
    // A path created as a file, or gone again, lists nothing.
    onUnreadable: (unreadable, failure) => {
      if (failure === 'denied') onDenied(unreadable);
    },
  });
  return files;
};

/**
 * Whether an updated path is a directory that can no longer be listed: a chmod of a watched
 * directory reaches inotify as an update of it. Synchronous: most paths are files, settled by
 * one lstat, far cheaper without a promise each in a burst of thousands.
 */
const isDeniedDirectory = (file: string): boolean => {
  try {
    if (!lstatSync(file, { throwIfNoEntry: false })?.isDirectory()) return false;
    accessSync(file, constants.R_OK | constants.X_OK);
    return false;
  } catch (error) {
    return isDenied(error);
  }
};

/** Native events through @parcel/watcher; rejects on ENOSPC/EMFILE so the caller can poll instead. */
export const subscribeNative = async (request: SubscribeRequest): Promise<Subscription> => {
  const { root, ignoreDirs, onPaths, onError, onDenied } = request;
  const denied = onDenied ?? (() => undefined);
  const subscription = await watcher.subscribe(
    root,
    (error, events) => {
      if (error) {
        onError(error);
        return;
      }
      const paths = events.map((event) => event.path).filter((file) => !isIgnored(file, ignoreDirs));
      if (paths.length > 0) onPaths(paths);
      if (onDenied) {
        for (const event of events) {
          if (event.type === 'update' && !isIgnored(event.path, ignoreDirs) && isDeniedDirectory(event.path)) onDenied(event.path);
        }
      }
      const created = events.filter((event) => event.type === 'create').map((event) => event.path);
      if (created.length === 0) return;
      void Promise.all(created.map((dir) => filesOfNewDirectory(dir, ignoreDirs, denied))).then((lists) => {
        const inner = lists.flat();
        if (inner.length > 0) onPaths(inner);
      });
    },
    { backend: nativeBackend(), ignore: [...ignoreDirs] },
  );
  return { close: () => subscription.unsubscribe() };
};
