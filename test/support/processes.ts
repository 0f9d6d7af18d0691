import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from '../../src/supervise/process-tree.js';

/** Waits until every pid is gone; returns the ones still alive after `timeoutMs`. */
export const survivors = async (pids: readonly number[], timeoutMs = 10_000): Promise<number[]> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && pids.some(isAlive)) await sleep(50);
  return pids.filter(isAlive);
};
