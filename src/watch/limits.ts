import { readFileSync } from 'node:fs';

export type Limit = { readonly sysctl: string; readonly value: number };

const readLimit = (sysctl: string, procSys: string): Limit | undefined => {
  try {
    const value = Number(readFileSync(`${procSys}/${sysctl.replaceAll('.', '/')}`, 'utf8').trim());
    return Number.isFinite(value) ? { sysctl, value } : undefined;
  } catch {
    return undefined;
  }
};

/** The tighter of the global limit and the per-user-namespace one (containers set the latter). */
const tightest = (sysctls: readonly string[], procSys: string): Limit | undefined =>
  sysctls
    .map((sysctl) => readLimit(sysctl, procSys))
    .filter((limit): limit is Limit => limit !== undefined)
    .sort((a, b) => a.value - b.value)[0];

export type InotifyLimits = {
  /** Watches per user: one per watched directory. */
  readonly watches: Limit | undefined;
  /** inotify instances per user: one per natively watched root. */
  readonly instances: Limit | undefined;
};

export const readInotifyLimits = (procSys = '/proc/sys'): InotifyLimits => ({
  watches: tightest(['fs.inotify.max_user_watches', 'user.max_inotify_watches'], procSys),
  instances: tightest(['fs.inotify.max_user_instances', 'user.max_inotify_instances'], procSys),
});

const describe = (what: string, limit: Limit | undefined, raiseTo: number) =>
  limit
    ? `inotify ${what} limit reached (${limit.sysctl} = ${limit.value}); raise it with: sudo sysctl ${limit.sysctl}=${raiseTo}`
    : `inotify ${what} limit reached`;

/**
 * The reason `gowatch run` would poll a root that needs `directories` inotify watches, when the
 * limit is lower: what inspect and doctor predict before anything is watched. (Other programs'
 * watches count against the same limit, so run can still fall back sooner.)
 */
export const predictedLimitReason = (directories: number): string | undefined => {
  const { watches } = readInotifyLimits();
  return watches && directories > watches.value ? describe('watch', watches, 524288) : undefined;
};

/** A native subscription failure that polling can stand in for, explained with the limit to raise. */
export const watchLimitReason = (error: unknown): string | undefined => {
  const text = `${(error as NodeJS.ErrnoException).code ?? ''} ${(error as Error).message ?? error}`;
  if (/ENOSPC|No space left/i.test(text)) return describe('watch', readInotifyLimits().watches, 524288);
  if (/EMFILE|Too many open files/i.test(text)) return describe('instance', readInotifyLimits().instances, 1024);
  return undefined;
};
