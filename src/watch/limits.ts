import { readFileSync } from 'node:fs';

const readLimit = (name: string) => {
  try {
    return readFileSync(`/proc/sys/fs/inotify/${name}`, 'utf8').trim();
  } catch {
    return 'unknown';
  }
};

/** A native subscription failure that polling can stand in for, explained with the limit to raise. */
export const watchLimitReason = (error: unknown): string | undefined => {
  const text = `${(error as NodeJS.ErrnoException).code ?? ''} ${(error as Error).message ?? error}`;
  if (/ENOSPC|No space left/i.test(text)) {
    const limit = readLimit('max_user_watches');
    return `inotify watch limit reached (fs.inotify.max_user_watches = ${limit}); raise it with: sudo sysctl fs.inotify.max_user_watches=524288`;
  }
  if (/EMFILE|Too many open files/i.test(text)) {
    const limit = readLimit('max_user_instances');
    return `inotify instance limit reached (fs.inotify.max_user_instances = ${limit}); raise it with: sudo sysctl fs.inotify.max_user_instances=1024`;
  }
  return undefined;
};
