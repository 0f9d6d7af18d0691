import { readFileSync } from 'node:fs';
import { isWithin } from '../paths.js';

/**
 * Linux's mount table as a process sees it (/proc/self/mountinfo): what filesystem a path is
 * on decides whether native events can be trusted there, and whether "/" is a container's.
 */

export type Mount = {
  /** Where it is mounted, unescaped. */
  readonly point: string;
  /** The filesystem type ("ext4", "overlay", "fuse.bindfs", "nfs4"). */
  readonly type: string;
};

/** Mount points escape space, tab, newline and backslash as three octal digits (\040). */
const unescapeMount = (field: string) => field.replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

/**
 * The mounts a mountinfo table lists, in its order. Each line: ID PARENT MAJ:MIN ROOT POINT
 * OPTIONS [OPTIONAL…] - TYPE SOURCE SUPER-OPTIONS; the optional fields vary, so the type is
 * found after the " - " separator.
 */
export const parseMountinfo = (table: string): Mount[] => {
  const mounts: Mount[] = [];
  for (const line of table.split('\n')) {
    const [before, after] = line.split(' - ');
    const point = before?.split(' ')[4];
    const type = after?.split(' ')[0];
    if (point && type) mounts.push({ point: unescapeMount(point), type });
  }
  return mounts;
};

/** The mounts of this process; none where the table cannot be read (not Linux, no /proc). */
export const readMounts = (file = '/proc/self/mountinfo'): Mount[] => {
  try {
    return parseMountinfo(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
};

/**
 * The mount holding `realPath` (absolute, symbolic links resolved): the longest mount point
 * that prefixes it; of equal ones the last listed, which hides those mounted before it.
 */
export const mountHolding = (mounts: readonly Mount[], realPath: string): Mount | undefined => {
  let best: Mount | undefined;
  for (const mount of mounts) {
    if (isWithin(realPath, mount.point) && (!best || mount.point.length >= best.point.length)) best = mount;
  }
  return best;
};
