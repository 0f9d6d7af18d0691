import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProgramSpec } from '../../src/supervise/boundary.js';
import { isAlive } from '../../src/supervise/process-tree.js';
import { tempDir } from './fixtures.js';
import { carryingEnv, survivors } from './processes.js';

/**
 * Process trees made of /bin/sh scripts (no go build needed). A script records what it started
 * as lines `NAME PID` in the file given as $1 (the program itself as `program`, everything else
 * a `sleep`), then writes `ready`.
 */
/** A program with a child in its group, a child in its own session, and a double-forked daemon. */
export const TREE = `pids="$1"
sleep 300 & echo "child $!" >> "$pids"
setsid sleep 301 & echo "setsid $!" >> "$pids"
( setsid sleep 302 & echo "daemon $!" >> "$pids" )
echo "program $$" >> "$pids"
echo ready >> "$pids"
wait`;

export type ShTree = {
  readonly dir: string;
  readonly runId: string;
  /** The program spec for `script` (stdin ignored, stdout to stderr, death signal SIGTERM). */
  spec(script: string, overrides?: Partial<ProgramSpec>): ProgramSpec;
  /** Waits for the `ready` line and for every recorded sleep to run (past setsid), then returns NAME → PID. */
  pids(): Promise<Record<string, number>>;
  readonly pidsFile: string;
};

const command = (pid: number | undefined): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
};

/** Writes an executable script `name` into `dir`. */
export const writeScript = (dir: string, name: string, body: string): string => {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
};

/**
 * A fresh directory and run id for one test. After the test, every process carrying the run id
 * (and every pid in `extra`) is SIGKILLed, and the test fails if any survives.
 */
export const shTree = (t: TestContext, extra: number[] = []): ShTree => {
  const { dir, cleanup } = tempDir('gowatch-tree-');
  const runId = randomUUID();
  const pidsFile = path.join(dir, 'pids.txt');
  t.after(async () => {
    const started = [...carryingEnv('GOWATCH_RUN_ID', runId), ...extra.filter(isAlive)];
    for (const pid of started) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    cleanup();
    assert.deepEqual(await survivors(started, 5000), [], 'processes the test started survived it');
    assert.deepEqual(carryingEnv('GOWATCH_RUN_ID', runId), [], 'processes carrying the run id survived the test');
  });
  return {
    dir,
    runId,
    pidsFile,
    spec: (script, overrides = {}) => ({
      binary: script,
      args: [pidsFile],
      env: {},
      cwd: dir,
      stdout: 'stderr',
      stdin: 'ignore',
      runId,
      deathSignal: 'SIGTERM',
      ...overrides,
    }),
    pids: async () => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const lines = existsSync(pidsFile) ? readFileSync(pidsFile, 'utf8').split('\n') : [];
        if (lines.includes('ready')) {
          const recorded = lines.map((line) => /^(\w+) (\d+)$/.exec(line)).filter((match) => match !== null);
          const pids = Object.fromEntries(recorded.map(([, name, pid]) => [name, Number(pid)]));
          const sleeps = Object.entries(pids).filter(([name]) => name !== 'program');
          if (sleeps.every(([, pid]) => command(pid) === 'sleep')) return pids;
        }
        assert.ok(Date.now() < deadline, `the program never wrote ready to ${pidsFile}`);
        await sleep(10);
      }
    },
  };
};
