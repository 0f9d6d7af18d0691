import path from 'node:path';
import type { ChangeReceiver } from './change-router.js';
import type { WatchPlans } from './watch-plans.js';

const isIgnoreFile = (file: string) => path.basename(file) === '.gitignore' || file.endsWith(`${path.sep}.git${path.sep}info${path.sep}exclude`);

/** A batch holding a .gitignore (or .git/info/exclude): what is ignored is read again and the watch follows. */
export const ignoreFileNotice = (plans: WatchPlans): ChangeReceiver => ({
  onPaths: () => undefined,
  onResubscribed: () => undefined,
  onBatch: (batch) => {
    if ([...batch].some(isIgnoreFile)) void plans.ignoresChanged();
  },
});
