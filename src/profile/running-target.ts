import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { RunOptions, TargetOptions } from '../config/options.js';
import { targetDirOf } from '../go/target-dir.js';
import { readLedger, type StoredRecord } from '../supervise/ledger.js';
import { isSameProcess } from '../supervise/process-tree.js';
import { readProfileEndpoint } from './endpoint.js';
import type { ProfileSource } from './source.js';

export type RunningTarget = {
  readonly dir: string;
  /** The program a gowatch runs for the target now, if any. */
  readonly running: StoredRecord | undefined;
  /** Where that gowatch serves its profiles, if it does. */
  readonly source: ProfileSource | undefined;
};

const runningIn = async (dir: string, name: string): Promise<RunningTarget> => {
  const ledger = await readLedger(path.join(dir, 'running.json'));
  const running = ledger && isSameProcess(ledger) ? ledger : undefined;
  return { dir, running, source: running && (await readProfileEndpoint(dir, name)) };
};

/**
 * The cache directory of the run of `target`: the one its flags name, or else the one other
 * directory of the project where a gowatch runs a target of that name with profiling on (a
 * `gowatch run --build-flag …` names another directory, and its flags need not be repeated).
 */
export const findRunningTarget = async (options: RunOptions, target: TargetOptions): Promise<RunningTarget> => {
  const named = await runningIn(targetDirOf(options, target), target.name);
  if (named.running) return named;
  const targetsDir = path.dirname(named.dir);
  const others = await readdir(targetsDir).catch(() => [] as string[]);
  const found = await Promise.all(
    others.map((entry) => path.join(targetsDir, entry)).filter((dir) => dir !== named.dir).map((dir) => runningIn(dir, target.name)),
  );
  const live = found.filter((candidate) => candidate.running && candidate.source);
  return live.length === 1 ? live[0]! : named;
};
