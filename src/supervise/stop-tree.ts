import { setTimeout as sleep } from 'node:timers/promises';
import type { Exit, StopOptions, StopResult } from './boundary.js';
import { groupAlive, groupOf, isAlive, signalGroup, signalProcess, treeRows, type CarrierMemo } from './process-tree.js';
import { ProcessTableUnavailable } from './ps-table.js';
import type { ProcessRow, TreeRoot } from './tree-members.js';

export type { StopOptions, StopResult };

/** What to stop: a program gowatch started (with `exited`), or one an earlier run left behind. */
export type StopTarget = {
  readonly pid: number;
  /**
   * Whether `pid` (and its group and session) certainly still name the program: true for our own
   * child, or for a leftover whose pid and start time still match. Otherwise only run-id
   * carriers are touched: the pid may have been reused by an unrelated process.
   */
  readonly owned: boolean;
  readonly runId: string | undefined;
  /** Processes started before this cannot carry the run id (see ProcessRef.runSince). */
  readonly runSince?: number | undefined;
  /** Our child's exit: waited for directly instead of polled. */
  readonly exited?: Promise<Exit>;
};

/** After SIGKILL the kernel needs only moments; past this, something is badly wrong (a process stuck in D state). */
const KILL_GRACE_MS = 5000;
/** Polling of the known pids backs off from 1 ms to this. */
const MAX_PAUSE_MS = 50;

/** Resolves when `promise` settles or `ms` passes, whichever is first, leaving no timer behind. */
const within = async (promise: Promise<unknown>, ms: number): Promise<void> => {
  const timeout = new AbortController();
  await Promise.race([promise, sleep(Math.max(0, ms), undefined, { signal: timeout.signal }).catch(() => undefined)]);
  timeout.abort();
};

/**
 * One stop phase (the stop signal, then SIGKILL): each process gets the phase's signal once — a
 * second SIGTERM or SIGINT makes some servers skip their graceful shutdown.
 */
const phase = (target: StopTarget, signal: NodeJS.Signals, signalled: Set<number>) => {
  const viaGroup = new Set<number>();
  const individually = new Set<number>();
  const send = (pid: number) => {
    signalProcess(pid, signal);
    individually.add(pid);
    signalled.add(pid);
  };
  return {
    /** The group signal, and one to each member of `rows` (read just before) outside the group. */
    start: async (rows: readonly ProcessRow[]) => {
      if (target.owned) {
        await signalGroup(target.pid, signal);
        signalled.add(target.pid);
      }
      for (const row of rows) {
        if (target.owned && row.pgrp === target.pid) {
          viaGroup.add(row.pid);
          signalled.add(row.pid);
        } else send(row.pid);
      }
    },
    /** Processes found later were forked after the group signal: each gets its own. */
    more: (rows: readonly ProcessRow[]) => {
      for (const row of rows) if (!viaGroup.has(row.pid) && !individually.has(row.pid)) send(row.pid);
    },
    /** A member that left the group (setsid) just before the group signal missed it: it gets its own. */
    leavers: (pids: readonly number[]) => {
      for (const pid of pids) {
        if (!viaGroup.has(pid) || individually.has(pid)) continue;
        const group = groupOf(pid);
        if (group !== undefined && group !== target.pid) send(pid);
      }
    },
  };
};

type Phase = ReturnType<typeof phase>;

/**
 * Waits until every known pid is gone (cheap per-pid checks, backing off from 1 ms), then
 * confirms with a full snapshot, which also catches a process forked meanwhile: that one is
 * signalled and waited for too. False when `deadline` passes first.
 */
const waitGone = async (
  known: readonly number[],
  deadline: number,
  exited: Promise<Exit> | undefined,
  snapshot: () => Promise<ProcessRow[]>,
  current: Phase,
): Promise<boolean> => {
  if (exited) await within(exited, deadline - performance.now());
  let pending = known;
  for (let pause = 1; ; pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
    pending = pending.filter(isAlive);
    current.leavers(pending);
    if (pending.length === 0) {
      const rows = await snapshot();
      if (rows.length === 0) return true;
      current.more(rows);
      pending = rows.map((row) => row.pid);
    }
    const left = deadline - performance.now();
    if (left <= 0) return false;
    await sleep(Math.min(pause, left));
  }
};

/**
 * Stops a program and everything it started: its process group, its descendants wherever they
 * moved, and (on Linux) every process carrying its run id. The stop signal goes to the group and
 * to each member outside it; after `timeoutMs`, SIGKILL to all of them, found again. Resolves
 * only once none is left, so the next program finds its port free.
 *
 * Where only `ps` can list the tree and it cannot (see ps-table.ts), the group alone is stopped
 * and `warn` is told; without `warn`, the ProcessTableUnavailable error is thrown afterwards.
 */
export const stopTree = async (target: StopTarget, options: StopOptions, warn?: (message: string) => void): Promise<StopResult> => {
  const started = performance.now();
  const root: TreeRoot = { pid: target.owned ? target.pid : undefined, runId: target.runId, runSince: target.runSince };
  const memo: CarrierMemo = new Map();
  let unavailable: ProcessTableUnavailable | undefined;
  const snapshot = async (): Promise<ProcessRow[]> => {
    try {
      return await treeRows(root, memo);
    } catch (error) {
      if (!(error instanceof ProcessTableUnavailable)) throw error;
      if (!unavailable) warn?.(error.message);
      unavailable = error;
      // The group is all that can still be seen: it stands for itself until it is empty.
      return target.owned && groupAlive(target.pid) ? [{ pid: target.pid, ppid: 0, pgrp: target.pid }] : [];
    }
  };
  const signalled = new Set<number>();
  const finish = (forced: boolean): StopResult => {
    if (unavailable && !warn) throw unavailable;
    return { forced, durationMs: Math.round((performance.now() - started) * 10) / 10, pids: [...signalled] };
  };

  // Delve stops the program it debugs itself: the rest of the tree is signalled only after it.
  if (options.leaderFirst && target.owned && target.exited) {
    signalProcess(target.pid, options.signal);
    signalled.add(target.pid);
    await within(target.exited, options.timeoutMs);
  }
  const before = await snapshot();
  const stopping = phase(target, options.signal, signalled);
  await stopping.start(before);
  const known = before.map((row) => row.pid);
  if (await waitGone(known, started + options.timeoutMs, target.exited, snapshot, stopping)) return finish(false);

  // A process signalled before that no snapshot finds any more (it left the session and
  // cleared its environment after its parent died) is still ours: it is killed on its own.
  const found = await snapshot();
  const lost = [...signalled].filter((pid) => isAlive(pid) && !found.some((row) => row.pid === pid));
  const late = [...found, ...lost.map((pid) => ({ pid, ppid: 0, pgrp: 0 }))];
  const killing = phase(target, 'SIGKILL', signalled);
  await killing.start(late);
  await waitGone(late.map((row) => row.pid), performance.now() + KILL_GRACE_MS, target.exited, snapshot, killing);
  return finish(true);
};
