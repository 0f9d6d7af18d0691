import { fstatSync, statSync } from 'node:fs';

/** Whether a changed path is a file gowatch itself writes to. */
export type OwnOutput = (file: string) => boolean;

const identity = (stats: { dev: bigint; ino: bigint }) => `${stats.dev}:${stats.ino}`;

/**
 * The files gowatch's stdout and stderr point to (`gowatch run --json > events.jsonl`, `2>
 * gowatch.log`). Each line written there is a change, which would write a line: such a file is
 * never a change. Told by device and inode, which every platform's fstat gives, so a path
 * reached through a symbolic link is told apart as well.
 */
export const ownOutputFiles = (fds: readonly number[] = [1, 2]): OwnOutput => {
  const own = new Set<string>();
  for (const fd of fds) {
    try {
      const stats = fstatSync(fd, { bigint: true });
      if (stats.isFile()) own.add(identity(stats));
    } catch {
      // A closed descriptor writes nowhere.
    }
  }
  if (own.size === 0) return () => false;
  return (file) => {
    try {
      const stats = statSync(file, { bigint: true, throwIfNoEntry: false });
      return stats !== undefined && own.has(identity(stats));
    } catch {
      return false;
    }
  };
};
