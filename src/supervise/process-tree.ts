import { spawnSync } from 'node:child_process';
import { isLive, procTable, readProcEntry, type ProcEntry } from './proc-table.js';
import { psTable } from './ps-table.js';
import { environBuffer, procCarries } from './run-id.js';
import { selectTree, type ProcessRow, type TreeRoot } from './tree-members.js';

/**
 * Platform-specific process plumbing, kept behind small functions. POSIX: programs lead their
 * own process group and session and are signalled as a group; the rest of the tree is found in
 * the process table — /proc on Linux (no `ps` needed), `ps` elsewhere. Windows has no groups:
 * tree-kill runs taskkill /T.
 */
const isWindows = process.platform === 'win32';
const isLinux = process.platform === 'linux';

/** Whether programs get their own process group (and so are signalled as a group). */
export const usesProcessGroups = !isWindows;

const ignoreMissing = (action: () => void) => {
  try {
    action();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
};

/**
 * Never: pid 0 or 1 (kill(-pid) would reach gowatch's own group, or every process), gowatch
 * itself, or gowatch's own group.
 */
const refuseUnsafe = (pid: number): void => {
  const ownGroup = isLinux ? readProcEntry(process.pid)?.pgrp : undefined;
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid || pid === ownGroup) {
    throw new Error(`refusing to signal pid ${pid} or its process group`);
  }
};

/** Signals the program's whole group (its leader is `pid`). */
export const signalGroup = (pid: number, signal: NodeJS.Signals): Promise<void> => {
  refuseUnsafe(pid);
  // tree-kill is needed on Windows only: elsewhere it is not loaded at all.
  if (isWindows) return import('tree-kill').then(({ default: treeKill }) => new Promise((resolve) => treeKill(pid, signal, () => resolve())));
  ignoreMissing(() => process.kill(-pid, signal));
  return Promise.resolve();
};

export const signalProcess = (pid: number, signal: NodeJS.Signals): void => {
  refuseUnsafe(pid);
  ignoreMissing(() => process.kill(pid, signal));
};

/** Synchronous last resort for process exit paths that cannot wait (e.g. an uncaught error). */
export const killGroupNow = (pid: number): void => {
  refuseUnsafe(pid);
  // Windows: what tree-kill runs, but waited for.
  if (isWindows) spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
  else ignoreMissing(() => process.kill(-pid, 'SIGKILL'));
};

/** Where /proc is missing: signal 0 says whether a process (or, negative, a group) exists. */
const answersSignalZero = (target: number): boolean => {
  try {
    process.kill(target, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Alive and not a zombie: a zombie holds no port and no file, it only waits to be reaped
 * (in containers whose PID 1 reaps slowly, zombies can linger for seconds).
 */
export const isAlive = (pid: number): boolean => (isLinux ? isLive(readProcEntry(pid)) : answersSignalZero(pid));

/** Without a process table: whether anything is left in the group `pid` led (zombies included). */
export const groupAlive = (pid: number): boolean => usesProcessGroups && answersSignalZero(-pid);

/** The process group `pid` is in now, where /proc tells it (Linux); undefined elsewhere or when it is gone. */
export const groupOf = (pid: number): number | undefined => (isLinux ? readProcEntry(pid)?.pgrp : undefined);

/** Start time in clock ticks since boot where /proc tells it (Linux); undefined elsewhere. */
export const startTimeOf = (pid: number): number | undefined => (isLinux ? readProcEntry(pid)?.startTime : undefined);

/** A process identity as recorded at spawn: without /proc there is no start time, and alive is all one can tell. */
type Identity = { readonly pid: number; readonly startTime: number | undefined };

/** Whether `ref` is still that very process: same pid and start time, alive and not a zombie. */
export const isSameProcess = (ref: Identity): boolean => {
  if (!isLinux) return ref.startTime === undefined && isAlive(ref.pid);
  const entry = readProcEntry(ref.pid);
  return isLive(entry) && entry.startTime === ref.startTime;
};

/**
 * Whether `ref.pid` — and so the process group and session of that id — still belongs to the
 * program. A pid held by a process with another start time was reused: not ours. When no process
 * holds the pid, a group or session of that id outlived its leader; for our own child that is
 * its own (POSIX reuses the id only once all of them are gone, and then a new leader must also
 * have died meanwhile), for a leftover it is not trusted.
 */
export const stillNamesProgram = (ref: Identity, ourChild: boolean): boolean => {
  if (!isLinux) return answersSignalZero(ref.pid) ? ref.startTime === undefined : ourChild;
  const entry = readProcEntry(ref.pid);
  return entry === undefined ? ourChild : entry.startTime === ref.startTime;
};

/**
 * Which processes (by pid and start time, so a reused pid is read again) carry the run id. The
 * environment a process started with changes only when it execs with another one, so a stop's
 * later snapshots read only the environments of new processes.
 */
export type CarrierMemo = Map<string, boolean>;

/** Linux: the live members of the tree, from one /proc snapshot. */
export const procTreeRows = (root: TreeRoot, memo: CarrierMemo = new Map()): ProcEntry[] => {
  const { runId, runSince = 0 } = root;
  const environ = environBuffer();
  const carries = (entry: ProcEntry): boolean => {
    if (runId === undefined || entry.startTime < runSince) return false;
    const key = `${entry.pid}:${entry.startTime}`;
    let carrier = memo.get(key);
    if (carrier === undefined) memo.set(key, (carrier = procCarries(entry.pid, runId, environ)));
    return carrier;
  };
  return selectTree(procTable().filter(isLive), root, carries);
};

/**
 * The live members of a program's tree (see selectTree). Throws ProcessTableUnavailable where
 * only `ps` could list them and it cannot. Without /proc, run ids cannot be read: only the
 * group and the parent chain count; Windows offers only the program itself (taskkill /T finds the rest).
 */
export const treeRows = async (root: TreeRoot, memo?: CarrierMemo): Promise<ProcessRow[]> => {
  if (isLinux) return procTreeRows(root, memo);
  if (isWindows) return root.pid !== undefined && isAlive(root.pid) ? [{ pid: root.pid, ppid: 0, pgrp: root.pid }] : [];
  return selectTree(await psTable(), root, () => false);
};
