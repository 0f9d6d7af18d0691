import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from '../../src/supervise/process-tree.js';

/** Waits until every pid is gone; returns the ones still alive after `timeoutMs`. */
export const survivors = async (pids: readonly number[], timeoutMs = 10_000): Promise<number[]> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && pids.some(isAlive)) await sleep(50);
  return pids.filter(isAlive);
};

/**
 * Live processes whose environment holds `name=value`, read from /proc as a person would look:
 * a test gives gowatch a marker variable, and everything gowatch starts inherits it.
 */
export const carryingEnv = (name: string, value: string): number[] => {
  const needle = `${name}=${value}`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(needle) && isAlive(Number(entry))) found.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
};

/** Waits until no process carries the marker; returns those that still do. */
export const markedSurvivors = async (name: string, value: string, timeoutMs = 10_000): Promise<number[]> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && carryingEnv(name, value).length > 0) await sleep(100);
  return carryingEnv(name, value);
};

/** Open file descriptors of a process. */
export const openFds = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;

/** Resident memory of one process, in bytes. */
export const rssBytes = (pid: number): number => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) * 1024;
};
