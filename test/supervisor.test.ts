import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { test } from 'node:test';
import type { EventInput } from '../src/events.js';
import { isAlive } from '../src/supervise/process-tree.js';
import { createRealProcesses } from '../src/supervise/real-processes.js';
import { restartPolicy } from '../src/supervise/restart-policy.js';
import { Supervisor } from '../src/supervise/supervisor.js';
import { tempDir } from './support/fixtures.js';

/** The supervisor alone, on real processes: /bin/sh stands in for a built program. */
const supervisor = (cwd: string) => {
  const events: EventInput[] = [];
  const instance = new Supervisor({
    target: 'sh',
    program: { args: ['-c', 'sleep 300'], env: process.env, cwd, stdout: 'stderr', stdin: 'ignore', deathSignal: 'SIGTERM' },
    runId: randomUUID(),
    stop: { signal: 'SIGTERM', timeoutMs: 5000 },
    restart: restartPolicy('on-change', 5),
    memory: undefined,
    processes: createRealProcesses(),
    ledger: undefined,
    emit: (event) => events.push(event),
  });
  return { instance, events };
};

test('a binary that cannot start is an error event; nothing is signalled and the next run starts', { timeout: 60_000 }, async (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const { instance, events } = supervisor(dir.dir);

  await instance.run(path.join(dir.dir, 'missing-binary'));
  assert.equal(instance.state, 'idle');
  const error = events.find((e) => e.event === 'error');
  assert.ok(error?.event === 'error' && error.message.includes('missing-binary'), JSON.stringify(events));
  assert.ok(!events.some((e) => e.event === 'start' || e.event === 'exit'), JSON.stringify(events));

  // The next command finds no phantom process to stop (a pid of -1 would signal every process).
  await instance.run('/bin/sh');
  const start = events.find((e) => e.event === 'start');
  assert.ok(start?.event === 'start' && start.pid > 1 && isAlive(start.pid), JSON.stringify(events));
  await instance.stop();
  assert.ok(!isAlive(start.pid), 'stopped');
  assert.ok(events.some((e) => e.event === 'stop' && e.pid === start.pid && !e.forced), JSON.stringify(events));
});
