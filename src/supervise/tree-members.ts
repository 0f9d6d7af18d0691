/** One row of a process table, whatever read it: /proc on Linux, `ps` elsewhere (no session there). */
export type ProcessRow = {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  readonly sid?: number;
};

/** What identifies a program's tree in a process table. */
export type TreeRoot = {
  /**
   * The program's pid, when it is known to still name the program (our child, or the same start
   * time): its group, its session and its descendants then belong to the tree. Undefined for a
   * leftover whose pid now belongs to someone else: only run-id carriers are the tree's then.
   */
  readonly pid: number | undefined;
  /** Processes carrying this run id belong to the tree wherever they moved. */
  readonly runId: string | undefined;
  /** Processes started before this (clock ticks since boot) cannot carry the run id. */
  readonly runSince?: number | undefined;
};

/** pid 1 (init, or the container's) and gowatch itself are never part of a program's tree. */
const untouchable = (pid: number): boolean => pid <= 1 || pid === process.pid;

/**
 * The rows of `rows` that belong to the tree: the program, its process group and session, every
 * process carrying its run id, and every descendant of those. `carries` (a read of the process's
 * environment) is asked only about processes not found otherwise.
 */
export const selectTree = <Row extends ProcessRow>(rows: readonly Row[], root: TreeRoot, carries: (row: Row) => boolean): Row[] => {
  const children = new Map<number, Row[]>();
  for (const row of rows) {
    const siblings = children.get(row.ppid);
    if (siblings) siblings.push(row);
    else children.set(row.ppid, [row]);
  }
  const found = new Map<number, Row>();
  const addWithDescendants = (row: Row) => {
    const stack = [row];
    for (let next = stack.pop(); next; next = stack.pop()) {
      if (found.has(next.pid) || untouchable(next.pid)) continue;
      found.set(next.pid, next);
      stack.push(...(children.get(next.pid) ?? []));
    }
  };

  const { pid, runId } = root;
  if (pid !== undefined) {
    for (const row of rows) if (row.pid === pid || row.pgrp === pid || row.sid === pid) addWithDescendants(row);
  }
  if (runId !== undefined) {
    for (const row of rows) {
      if (!found.has(row.pid) && !untouchable(row.pid) && carries(row)) addWithDescendants(row);
    }
  }
  return [...found.values()];
};
