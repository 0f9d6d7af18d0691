import { setTimeout as sleep } from 'node:timers/promises';
import { descendants, groupAlive, isAlive, signalGroup, signalProcess } from './process-tree.js';

export type StopOptions = { readonly signal: NodeJS.Signals; readonly timeoutMs: number };
export type StopResult = { readonly forced: boolean; readonly durationMs: number };

const POLL_MS = 10;
/** After SIGKILL the kernel needs only moments; past this, something is badly wrong. */
const KILL_GRACE_MS = 5000;

const allGone = async (group: number, pids: readonly number[], deadline: number): Promise<boolean> => {
  while (groupAlive(group) || pids.some(isAlive)) {
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
};

/** The group `pid` leads, and each of `pids` (descendants that may have left the group). */
const signalAll = async (pid: number, pids: readonly number[], signal: NodeJS.Signals): Promise<void> => {
  await signalGroup(pid, signal);
  for (const child of pids) if (child !== pid) signalProcess(child, signal);
};

/**
 * Stops a program and everything it started: the stop signal to its group and to descendants
 * that left the group, up to `timeoutMs` for all to exit, then SIGKILL to all of them. Returns
 * only once none is left, so the next program finds its port free.
 */
export const stopTree = async (pid: number, options: StopOptions): Promise<StopResult> => {
  const started = Date.now();
  const tree = [pid, ...(await descendants(pid))];
  await signalAll(pid, tree, options.signal);
  if (await allGone(pid, tree, started + options.timeoutMs)) return { forced: false, durationMs: Date.now() - started };

  const late = [...new Set([...tree, ...(isAlive(pid) ? await descendants(pid) : [])])];
  await signalAll(pid, late, 'SIGKILL');
  await allGone(pid, late, Date.now() + KILL_GRACE_MS);
  return { forced: true, durationMs: Date.now() - started };
};
