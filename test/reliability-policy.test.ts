import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { isAlive } from '../src/supervise/process-tree.js';
import { behavingProject, MARKER } from './support/behaving-project.js';
import { tempDir } from './support/fixtures.js';
import { CLI, stopAllGowatch } from './support/gowatch-process.js';
import { carryingEnv, survivors } from './support/processes.js';

const cache = tempDir('gowatch-cache-');
after(async () => {
  await stopAllGowatch();
  cache.cleanup();
});

/** The ledger files of every target in the test's cache directory. */
const ledgers = (): string[] =>
  readdirSync(cache.dir, { recursive: true, encoding: 'utf8' })
    .filter((rel) => path.basename(rel) === 'running.json')
    .map((rel) => path.join(cache.dir, rel));

test('gowatch SIGKILLed: the next run finds what it left running and stops it; a reused pid is never touched', async () => {
  const project = behavingProject('leftover', {
    cacheDir: cache.dir,
    config: { 'go.run.stopTimeout': 500 },
    // Ignoring SIGTERM, the program also ignores the death signal it gets when gowatch dies.
    programEnv: { IGNORE_TERM: '1', SETSID_CHILD: '1' },
  });
  const first = project.start();
  const orphan = await project.served('v0');
  await sleep(200);
  first.child.kill('SIGKILL');
  await first.exited;
  await sleep(300);
  const left = carryingEnv(MARKER, project.marker);
  assert.ok(left.includes(orphan) && left.length === 2, `the program and its setsid child outlive a SIGKILLed gowatch: ${left}`);

  const second = project.start();
  const leftover = await second.waitForEvent('leftover');
  assert.deepEqual([...leftover.pids].sort(), [...left].sort());
  assert.equal(leftover.forced, true, 'it ignored SIGTERM, so it took SIGKILL');
  const start = await second.waitForEvent('start');
  assert.ok(second.events.indexOf(leftover) < second.events.indexOf(start), 'stopped before the new program starts');
  assert.deepEqual(await survivors(left, 2000), []);

  // A ledger naming a live process that merely has the recorded pid (another start time).
  const deadline = Date.now() + 10_000;
  while (ledgers().length === 0 && Date.now() < deadline) await sleep(50);
  const [ledgerFile] = ledgers();
  assert.ok(ledgerFile, 'the running program is recorded');
  second.child.kill('SIGKILL');
  await second.exited;
  for (const pid of carryingEnv(MARKER, project.marker)) process.kill(pid, 'SIGKILL');
  const bystander = spawn('sleep', ['300'], { stdio: 'ignore' });
  const record = JSON.parse(readFileSync(ledgerFile, 'utf8')) as { startTime: number };
  writeFileSync(ledgerFile, JSON.stringify({ ...record, pid: bystander.pid, startTime: record.startTime + 12345, runId: 'no-such-run', owner: { pid: 2 ** 22 + 1, startTime: 1 } }));
  const third = project.start();
  await third.waitForEvent('start');
  assert.ok(!third.events.some((e) => e.event === 'leftover'), JSON.stringify(third.events));
  assert.ok(isAlive(bystander.pid!), 'the process that reused the pid is alive');
  bystander.kill('SIGKILL');
  await third.stop('SIGINT');
  assert.deepEqual(await project.survivors(), []);
  assert.deepEqual(ledgers(), [], 'a clean stop clears the record');
  project.cleanup();
});

test("gowatch's parent killed: gowatch stops its program and exits", async () => {
  const project = behavingProject('orphaned', { cacheDir: cache.dir, programEnv: { SETSID_CHILD: '1' } });
  // An npm-script-like parent that is killed without a chance to pass anything on.
  const parent = spawn('sh', ['-c', `"${process.execPath}" "${CLI}" run --json >/dev/null 2>&1 & wait`], {
    cwd: project.dir,
    env: { ...process.env, GOWATCH_CACHE_DIR: cache.dir, [MARKER]: project.marker },
    stdio: 'ignore',
  });
  await project.served('v0');
  parent.kill('SIGKILL');
  assert.deepEqual(await project.survivors(15_000), [], 'gowatch, its program and the setsid child are gone');
  project.cleanup();
});

test('a crash-looping program: restarts back off, are bounded, and an edit afterwards builds at once', async () => {
  const project = behavingProject('crashloop', {
    cacheDir: cache.dir,
    config: { 'go.run.restart': 'on-failure', 'go.run.maxRestarts': 3 },
    programEnv: { CRASH: '1' },
  });
  const gowatch = project.start();
  const limit = await gowatch.waitForEvent('restart-limit', 0, 60_000);
  assert.equal(limit.restarts, 3);
  const restarts = gowatch.events.filter((e) => e.event === 'restart');
  assert.deepEqual(restarts.map((e) => e.event === 'restart' && [e.reason, e.attempt, e.delayMs]), [['crash', 1, 500], ['crash', 2, 1000], ['crash', 3, 2000]]);
  // The back-off is visible in the timestamps: each start follows its restart by the delay.
  const starts = gowatch.events.filter((e) => e.event === 'start');
  assert.equal(starts.length, 4);
  restarts.forEach((restart, i) => {
    const gap = starts[i + 1]!.ts - restart.ts;
    assert.ok(restart.event === 'restart' && gap >= restart.delayMs - 5, `restart ${i + 1} came after ${gap} ms`);
  });
  await sleep(2500);
  assert.equal(gowatch.events.filter((e) => e.event === 'start').length, 4, 'no restart after the limit');
  const mark = gowatch.mark();
  project.setVersion('fixed');
  await gowatch.waitForEvent('build-start', mark);
  await project.served('fixed');
  await gowatch.stop('SIGINT');
  assert.deepEqual(await project.survivors(), []);
  project.cleanup();
});

test('a program over its memory limit is reported with the figure and restarted gracefully', async () => {
  const project = behavingProject('memory', {
    cacheDir: cache.dir,
    config: { 'go.run.memoryLimit': '60MB' },
    programEnv: { ALLOC_MB: '120' },
  });
  const gowatch = project.start();
  const memory = await gowatch.waitForEvent('memory');
  assert.ok(memory.rssBytes > 60e6 && memory.limitBytes === 60e6, JSON.stringify(memory));
  const mark = gowatch.events.indexOf(memory);
  const stop = await gowatch.waitForEvent('stop', mark);
  assert.equal(stop.forced, false);
  const restart = await gowatch.waitForEvent('restart', mark);
  assert.equal(restart.reason, 'memory');
  await gowatch.waitForEvent('start', mark);
  await gowatch.stop('SIGINT');
  assert.deepEqual(await project.survivors(), []);
  project.cleanup();
});

test("the program reads gowatch's stdin by default; go.run.stdin \"ignore\" closes it", async () => {
  const reading = behavingProject('stdin', { cacheDir: cache.dir, programEnv: { READ_STDIN: '1' }, stdin: 'pipe' });
  const gowatch = reading.start();
  await reading.served('v0');
  gowatch.child.stdin!.write('hello from the terminal\n');
  const deadline = Date.now() + 10_000;
  while (!reading.lines().includes('stdin:hello from the terminal') && Date.now() < deadline) await sleep(50);
  assert.ok(reading.lines().includes('stdin:hello from the terminal'), reading.lines().join(' | '));
  await gowatch.stop('SIGINT');
  reading.cleanup();

  const closed = behavingProject('stdin-ignore', { cacheDir: cache.dir, programEnv: { READ_STDIN: '1' }, stdin: 'pipe', config: { 'go.run.stdin': 'ignore' } });
  const quiet = closed.start();
  await closed.served('v0');
  while (!closed.lines().includes('stdin:EOF') && Date.now() < deadline + 10_000) await sleep(50);
  assert.ok(closed.lines().includes('stdin:EOF'), closed.lines().join(' | '));
  await quiet.stop('SIGINT');
  closed.cleanup();
});
