import { rm } from 'node:fs/promises';
import type { EventInput } from '../events.js';
import type { ProcessBoundary, StopOptions } from './boundary.js';
import { readLedger } from './ledger.js';

export type LeftoverCheck = {
  readonly ledgerFile: string;
  readonly target: string;
  readonly processes: ProcessBoundary;
  readonly stop: StopOptions;
  readonly emit: (event: EventInput) => void;
};

/**
 * Stops what an earlier gowatch run of this target left running (it was killed before it could
 * stop its program). The program is touched only if it is that very process (same pid and
 * start time); processes carrying the run id are swept whatever happened to their parent.
 * The caller holds the target's lock, so the gowatch that wrote the record is gone.
 */
export const stopLeftover = async ({ ledgerFile, target, processes, stop, emit }: LeftoverCheck): Promise<void> => {
  const record = await readLedger(ledgerFile);
  if (!record) return;
  // Everything the earlier run started was started after that gowatch itself.
  const ref = { ...record, runSince: record.owner.startTime };
  const alive = processes.isSameProcess(ref) || (await processes.carrying(ref.runId, ref.runSince)).length > 0;
  if (alive) {
    const { pids, forced } = await processes.stop(ref, stop);
    if (pids.length > 0) emit({ event: 'leftover', target, pids: [...pids], binary: record.binary, forced });
  }
  await rm(ledgerFile, { force: true });
};
