import { readdirSync, readFileSync } from 'node:fs';
import { execa } from 'execa';
import treeKill from 'tree-kill';

/**
 * Platform-specific process plumbing, kept behind small functions. POSIX: programs lead their
 * own process group and are signalled as a group; descendants that left the group (setsid)
 * are found through one `ps` snapshot. Windows has no groups: tree-kill runs taskkill /T.
 */
const isWindows = process.platform === 'win32';

/** Whether programs get their own process group (and so are signalled as a group). */
export const usesProcessGroups = !isWindows;

const ignoreMissing = (action: () => void) => {
  try {
    action();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
};

/** Every descendant of `pid` now alive, whatever group or session it moved to. */
export const descendants = async (pid: number): Promise<number[]> => {
  if (isWindows) return [];
  const result = await execa('ps', ['-A', '-o', 'pid=,ppid='], { reject: false });
  const children = new Map<number, number[]>();
  for (const line of result.stdout.split('\n')) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    if (!child || parent === undefined) continue;
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const found: number[] = [];
  const stack = [...(children.get(pid) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    found.push(next);
    stack.push(...(children.get(next) ?? []));
  }
  return found;
};

/** kill(-pid) with pid 0 or 1 would signal gowatch's own group or every process: never. */
const refuseUnsafeGroup = (pid: number): void => {
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`refusing to signal the process group of pid ${pid}`);
};

/** Signals the program's whole group (its leader is `pid`). */
export const signalGroup = (pid: number, signal: NodeJS.Signals): Promise<void> => {
  refuseUnsafeGroup(pid);
  if (isWindows) return new Promise((resolve) => treeKill(pid, signal, () => resolve()));
  ignoreMissing(() => process.kill(-pid, signal));
  return Promise.resolve();
};

export const signalProcess = (pid: number, signal: NodeJS.Signals): void => ignoreMissing(() => process.kill(pid, signal));

/** Linux /proc/PID/stat after the command name: state, ppid, pgrp, ... */
const procStat = (pid: number | string): string[] | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
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
export const isAlive = (pid: number): boolean => {
  if (process.platform === 'linux') {
    const fields = procStat(pid);
    return fields !== undefined && fields[0] !== 'Z';
  }
  return answersSignalZero(pid);
};

/** Whether any live (non-zombie) process is left in the group `pid` led (always false without process groups). */
export const groupAlive = (pid: number): boolean => {
  if (isWindows) return false;
  if (process.platform === 'linux') {
    const group = String(pid);
    return readdirSync('/proc').some((entry) => {
      if (!/^\d+$/.test(entry)) return false;
      const fields = procStat(entry);
      return fields !== undefined && fields[2] === group && fields[0] !== 'Z';
    });
  }
  return answersSignalZero(-pid);
};

/** Synchronous last resort for process exit paths that cannot wait (e.g. an uncaught error). */
export const killGroupNow = (pid: number): void => {
  refuseUnsafeGroup(pid);
  if (isWindows) ignoreMissing(() => process.kill(pid, 'SIGKILL'));
  else ignoreMissing(() => process.kill(-pid, 'SIGKILL'));
};
