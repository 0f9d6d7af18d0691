import path from 'node:path';
import type { ChangeReceiver } from './change-router.js';
import type { WatchPlans } from './watch-plans.js';

const isIgnoreFile = (file: string) => path.basename(file) === '.gitignore' || file.endsWith(`${path.sep}.git${path.sep}info${path.sep}exclude`);

/**
 * Changes that move the watch plan itself: a .gitignore (or .git/info/exclude), when gowatch
 * follows them, is read again; a new directory the plan would prune is left out.
 */
export const planNotice = (plans: WatchPlans, followIgnoreFiles: boolean): ChangeReceiver => ({
  onPaths: () => undefined,
  // A new .gitignore is not overtaken by the paths it rules on: it opens a burst like an edit.
  mayMatter: (file) => followIgnoreFiles && isIgnoreFile(file),
  onResubscribed: () => undefined,
  onBatch: (batch) => {
    if (followIgnoreFiles && [...batch].some(isIgnoreFile)) void plans.ignoresChanged();
    else plans.pathsChanged(batch);
  },
});
