import type { ProcessBoundary, ProcessRef } from './boundary.js';
import { findSetpriv } from './death-signal.js';
import { linuxPageBytes } from './page-size.js';
import { isLive, procTable } from './proc-table.js';
import { isSameProcess, killGroupNow, procTreeRows, signalProcess, startTimeOf, stillNamesProgram } from './process-tree.js';
import { environBuffer, procCarries } from './run-id.js';
import { spawnProgram } from './spawn-program.js';
import { stopTree } from './stop-tree.js';
import type { TreeRoot } from './tree-members.js';

export type RealProcessesOptions = {
  /**
   * Told when part of a tree cannot be seen (no usable `ps` where it is the only process list);
   * without it, such a stop rejects once the program's group is stopped.
   */
  readonly warn?: (message: string) => void;
};

const isLinux = process.platform === 'linux';

/** The tree as far as `ref` still names it: a reused pid leaves only the run-id carriers. */
const rootOf = (ref: ProcessRef, owned: boolean): TreeRoot => ({ pid: owned ? ref.pid : undefined, runId: ref.runId, runSince: ref.runSince });

/**
 * The supervisor's real process boundary. What it finds once (setpriv, the page size) it keeps
 * per instance, never in module state.
 */
export const createRealProcesses = (options: RealProcessesOptions = {}): ProcessBoundary => {
  // By PATH: each target's program searches its own environment's (go.run.env may set PATH).
  const setprivs = new Map<string, Promise<string | undefined>>();
  const setprivOn = (searchPath: string) => {
    let found = setprivs.get(searchPath);
    if (!found) setprivs.set(searchPath, (found = findSetpriv(searchPath)));
    return found;
  };
  let pageBytes: number | undefined;

  return {
    // Where the program's environment has no PATH, setpriv is looked for where util-linux puts it.
    spawn: async (spec) => spawnProgram(spec, await setprivOn(spec.env['PATH'] || '/usr/bin:/bin')),

    stop: (ref, stop) => {
      const owned = stillNamesProgram(ref, ref.exited !== undefined);
      return stopTree({ pid: ref.pid, owned, runId: ref.runId, runSince: ref.runSince, exited: ref.exited }, stop, options.warn);
    },

    killNow: (ref) => {
      const owned = stillNamesProgram(ref, false);
      if (owned) killGroupNow(ref.pid);
      if (!isLinux) return; // without /proc, finding the rest would need an asynchronous `ps`
      for (const row of procTreeRows(rootOf(ref, owned))) {
        if (!owned || row.pgrp !== ref.pid) signalProcess(row.pid, 'SIGKILL');
      }
    },

    treeRss: async (ref) => {
      if (!isLinux) return undefined;
      pageBytes ??= linuxPageBytes();
      const rows = procTreeRows(rootOf(ref, stillNamesProgram(ref, false)));
      return rows.reduce((sum, row) => sum + row.rssPages, 0) * pageBytes;
    },

    isSameProcess,
    startTimeOf,

    carrying: async (runId, runSince = 0) => {
      if (!isLinux) return [];
      const environ = environBuffer();
      return procTable()
        .filter((entry) => isLive(entry) && entry.pid !== process.pid && entry.startTime >= runSince && procCarries(entry.pid, runId, environ))
        .map((entry) => entry.pid);
    },
  };
};
