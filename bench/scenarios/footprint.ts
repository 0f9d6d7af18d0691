/**
 * The watchers' own weight: each one's RSS while it serves, sampled from /proc after the session
 * started (its builds and the program not included), and how long `gowatch --version` takes to
 * run against `node -e 0`, interleaved.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI } from '../bench-args.js';
import { statusKB } from '../big-tree.js';
import type { ToolId } from '../peers/tool.js';
import type { Random } from './changes.js';
import type { Session } from './session.js';

export type RssSample = {
  readonly tool: ToolId;
  /** VmRSS samples over the sampling window, in MB. */
  readonly rssMB: readonly number[];
  /** VmHWM at the end of the window: the most the process held since it started. */
  readonly peakMB: number;
};

const SAMPLE_EVERY_MS = 200;
const mb = (kb: number) => Math.round((kb / 1024) * 10) / 10;

/** Every watcher's RSS over `seconds`, one watcher after the other (the baseline has no process of its own). */
export const watcherRss = async (session: Session, seconds: number): Promise<RssSample[]> => {
  const out: RssSample[] = [];
  for (const entry of session.entries) {
    const pid = entry.running.pid;
    if (pid === undefined) continue;
    const rssMB: number[] = [];
    for (let i = 0; i < (seconds * 1000) / SAMPLE_EVERY_MS; i++) {
      rssMB.push(mb(statusKB(pid, 'VmRSS')));
      await sleep(SAMPLE_EVERY_MS);
    }
    out.push({ tool: entry.tool.id, rssMB, peakMB: mb(statusKB(pid, 'VmHWM')) });
  }
  return out;
};

export type StartupSamples = { readonly gowatchVersionMs: readonly number[]; readonly nodeMs: readonly number[] };

const wallMs = (args: readonly string[]) => {
  const began = performance.now();
  const { status } = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (status !== 0) throw new Error(`node ${args.join(' ')} exited with ${status}`);
  return performance.now() - began;
};

/** `gowatch --version` and `node -e 0`, each `rounds` times, in a random order each round. */
export const startupRounds = (rounds: number, random: Random): StartupSamples => {
  const gowatchVersionMs: number[] = [];
  const nodeMs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const gowatchFirst = random.next() < 0.5;
    for (const which of gowatchFirst ? ['gowatch', 'node'] : ['node', 'gowatch']) {
      if (which === 'gowatch') gowatchVersionMs.push(wallMs([CLI, '--version']));
      else nodeMs.push(wallMs(['-e', '0']));
    }
  }
  return { gowatchVersionMs, nodeMs };
};
