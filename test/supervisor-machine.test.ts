import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import type { EventInput } from '../src/events.js';
import type { LedgerRecord } from '../src/supervise/ledger.js';
import { restartPolicy, type RestartMode } from '../src/supervise/restart-policy.js';
import { Supervisor, type ProgramObserver } from '../src/supervise/supervisor.js';
import { scriptedProcesses, type ScriptedOptions } from './support/scripted-processes.js';

/**
 * The supervisor's state machine in-process, through the scripted child boundary: fast, and
 * exact about timing and order. Back-off figures are scaled down; the policy's shape is the real one.
 */
const machine = (mode: RestartMode, extra: { maxRestarts?: number; healthyRunMs?: number; memory?: number; observer?: ProgramObserver } & ScriptedOptions = {}) => {
  const events: EventInput[] = [];
  const ledger: (LedgerRecord | 'cleared')[] = [];
  const processes = scriptedProcesses(extra);
  const supervisor = new Supervisor({
    target: 'api',
    program: { args: [], env: {}, cwd: '/', stdout: 'stderr', stdin: 'ignore', deathSignal: 'SIGTERM' },
    runId: 'run-1',
    stop: { signal: 'SIGTERM', timeoutMs: 1000 },
    restart: { ...restartPolicy(mode, extra.maxRestarts ?? 3), firstBackoffMs: 20, maxBackoffMs: 50, healthyRunMs: extra.healthyRunMs ?? 10_000 },
    memory: extra.memory === undefined ? undefined : { limitBytes: extra.memory, checkMs: 10 },
    observer: extra.observer,
    processes: processes.boundary,
    ledger: { save: async (record) => void ledger.push(record), clear: async () => void ledger.push('cleared') },
    emit: (event) => events.push(event),
  });
  const waitFor = async (predicate: (events: EventInput[]) => boolean, what: string) => {
    const deadline = Date.now() + 5000;
    while (!predicate(events)) {
      if (Date.now() > deadline) assert.fail(`${what} not seen: ${JSON.stringify(events)}`);
      await sleep(2);
    }
  };
  const count = (name: EventInput['event']) => events.filter((e) => e.event === name).length;
  return { supervisor, events, ledger, processes, waitFor, count };
};

test('on-failure: a crash loop backs off doubling, up to the cap, and gives up after maxRestarts', async () => {
  const m = machine('on-failure', { maxRestarts: 3 });
  await m.supervisor.run('/bin/api');
  for (let crash = 1; crash <= 4; crash++) {
    await m.waitFor(() => m.count('start') === crash, `start ${crash}`);
    m.processes.programs.at(-1)!.exit({ code: 2, signal: null });
  }
  await m.waitFor(() => m.count('restart-limit') === 1, 'restart-limit');
  const restarts = m.events.filter((e) => e.event === 'restart');
  assert.deepEqual(restarts.map((e) => e.event === 'restart' && [e.reason, e.attempt, e.delayMs]), [['crash', 1, 20], ['crash', 2, 40], ['crash', 3, 50]]);
  assert.deepEqual(m.events.at(-1), { event: 'restart-limit', target: 'api', restarts: 3 });
  assert.equal(m.supervisor.state, 'exited');
  await sleep(120);
  assert.equal(m.count('start'), 4, 'no start after giving up');

  // The next change starts at once and begins a new streak.
  await m.supervisor.run('/bin/api2');
  assert.equal(m.supervisor.state, 'running');
  m.processes.programs.at(-1)!.exit({ code: 1, signal: null });
  await m.waitFor(() => m.count('restart') === 4, 'restart after the change');
  const last = m.events.filter((e) => e.event === 'restart').at(-1);
  assert.ok(last?.event === 'restart' && last.attempt === 1, JSON.stringify(last));
  await m.supervisor.stop();
});

test('on-failure: a clean exit waits for a change; on-change never restarts', async () => {
  for (const [mode, exit] of [['on-failure', { code: 0, signal: null }], ['on-change', { code: 3, signal: null }]] as const) {
    const m = machine(mode);
    await m.supervisor.run('/bin/api');
    m.processes.programs[0]!.exit(exit);
    await m.waitFor(() => m.count('exit') === 1, 'exit');
    await sleep(60);
    assert.equal(m.count('restart'), 0, mode);
    assert.equal(m.count('start'), 1, mode);
    assert.equal(m.supervisor.state, 'exited');
    assert.equal(m.supervisor.binary, '/bin/api', 'the ended binary is remembered for a restart-only change');
  }
});

test('always: a clean exit restarts too, with reason exit; a signal is a crash', async () => {
  const m = machine('always');
  await m.supervisor.run('/bin/job');
  m.processes.programs[0]!.exit({ code: 0, signal: null });
  await m.waitFor(() => m.count('start') === 2, 'second start');
  m.processes.programs[1]!.exit({ code: null, signal: 'SIGSEGV' });
  await m.waitFor(() => m.count('start') === 3, 'third start');
  assert.deepEqual(m.events.filter((e) => e.event === 'restart').map((e) => e.event === 'restart' && e.reason), ['exit', 'crash']);
  await m.supervisor.stop();
});

test('a program that ran healthily long enough starts a new streak', async () => {
  const m = machine('on-failure', { healthyRunMs: 40 });
  await m.supervisor.run('/bin/api');
  m.processes.programs[0]!.exit({ code: 1, signal: null });
  await m.waitFor(() => m.count('start') === 2, 'restart');
  await sleep(60);
  m.processes.programs[1]!.exit({ code: 1, signal: null });
  await m.waitFor(() => m.count('start') === 3, 'second restart');
  assert.deepEqual(m.events.filter((e) => e.event === 'restart').map((e) => e.event === 'restart' && e.attempt), [1, 1]);
  await m.supervisor.stop();
});

test('a change during the back-off starts the new binary at once; the timer starts nothing later', async () => {
  const m = machine('on-failure');
  await m.supervisor.run('/bin/v1');
  m.processes.programs[0]!.exit({ code: 1, signal: null });
  await m.waitFor(() => m.supervisor.state === 'backoff', 'back-off');
  const before = Date.now();
  await m.supervisor.run('/bin/v2');
  assert.ok(Date.now() - before < 20, 'did not wait for the back-off');
  assert.equal(m.processes.programs.at(-1)!.spec.binary, '/bin/v2');
  await sleep(80);
  assert.equal(m.processes.programs.length, 2, 'the back-off timer was canceled');
  await m.supervisor.stop();
});

test('over the memory limit: reported with the figure, stopped gracefully, restarted with back-off', async () => {
  const m = machine('on-change', { memory: 1000 });
  await m.supervisor.run('/bin/api');
  m.processes.programs[0]!.rss = 5000;
  await m.waitFor(() => m.count('start') === 2, 'restart after memory');
  const memory = m.events.find((e) => e.event === 'memory');
  assert.deepEqual(memory, { event: 'memory', target: 'api', pid: m.processes.programs[0]!.pid, rssBytes: 5000, limitBytes: 1000 });
  const order = m.events.map((e) => e.event).filter((name) => ['memory', 'stop', 'restart', 'start'].includes(name));
  assert.deepEqual(order, ['start', 'memory', 'stop', 'restart', 'start']);
  assert.deepEqual(m.processes.stops[0]?.options, { signal: 'SIGTERM', timeoutMs: 1000 }, 'the careful stop, not a kill');
  await m.supervisor.stop();
});

/** An observer that writes down what it is told, as lines; its hook before a memory stop is `looking`. */
const watching = (looking: (pid: number) => Promise<void>) => {
  const told: string[] = [];
  const samples: number[] = [];
  const observer: ProgramObserver = {
    sampleMs: 10,
    started: (program, binary) => void told.push(`started ${program.pid} ${binary}`),
    sampled: (_program, rss) => void samples.push(rss),
    beforeMemoryStop: async (program, rss, limit) => {
      told.push(`looking at ${program.pid}: ${rss} over ${limit}`);
      await looking(program.pid);
    },
    ended: (program) => void told.push(`ended ${program.pid}`),
  };
  return { observer, told, samples };
};

test('over the memory limit the observer looks while the program still runs; the stop waits for it', async () => {
  let m: ReturnType<typeof machine> | undefined;
  const alive: boolean[] = [];
  const o = watching(async (pid) => {
    const program = m!.processes.programs.find((p) => p.pid === pid)!;
    alive.push(program.alive);
    // Time enough for a stop that did not wait to have ended the program.
    await sleep(30);
    alive.push(program.alive && m!.processes.stops.length === 0);
  });
  m = machine('on-change', { memory: 1000, observer: o.observer });
  await m.supervisor.run('/bin/api');
  const [first] = m.processes.programs;
  first!.rss = 5000;
  await m.waitFor(() => m.count('start') === 2, 'restart after memory');
  assert.deepEqual(alive, [true, true], 'the program ran until the observer was done');
  const second = m.processes.programs[1]!;
  assert.deepEqual(o.told, [`started ${first!.pid} /bin/api`, `looking at ${first!.pid}: 5000 over 1000`, `ended ${first!.pid}`, `started ${second.pid} /bin/api`]);
  const order = m.events.map((e) => e.event).filter((name) => ['memory', 'stop', 'restart', 'start'].includes(name));
  assert.deepEqual(order, ['start', 'memory', 'stop', 'restart', 'start']);
  await m.supervisor.stop();
  assert.equal(o.told.at(-1), `ended ${second.pid}`);
});

test('an observer that fails before the memory stop is an error event; the program is restarted anyway', async () => {
  const o = watching(async () => {
    throw new Error('capture went wrong');
  });
  const m = machine('on-change', { memory: 1000, observer: o.observer });
  await m.supervisor.run('/bin/api');
  m.processes.programs[0]!.rss = 5000;
  await m.waitFor(() => m.count('start') === 2, 'restart after memory');
  assert.ok(m.events.some((e) => e.event === 'error' && e.message === 'capture went wrong'), JSON.stringify(m.events));
  await m.supervisor.stop();
});

test('with an observer and no limit, the tree is sampled for it and nothing is stopped; an exit ends its run', async () => {
  const o = watching(async () => undefined);
  const m = machine('on-change', { observer: o.observer });
  await m.supervisor.run('/bin/api');
  const [program] = m.processes.programs;
  program!.rss = 7000;
  await m.waitFor(() => o.samples.includes(7000), 'a sample of 7000');
  program!.rss = 9_000_000;
  await m.waitFor(() => o.samples.includes(9_000_000), 'a sample of 9000000');
  assert.equal(m.count('memory'), 0);
  assert.equal(m.processes.stops.length, 0);
  program!.exit({ code: 1, signal: null });
  await m.waitFor(() => m.count('exit') === 1, 'exit');
  assert.deepEqual(o.told, [`started ${program!.pid} /bin/api`, `ended ${program!.pid}`]);
  await m.supervisor.stop();
});

test('runs queued during a slow stop: only the newest binary starts', async () => {
  const m = machine('on-change', { stopMs: 40 });
  await m.supervisor.run('/bin/v1');
  const runs = [m.supervisor.run('/bin/v2'), m.supervisor.run('/bin/v3'), m.supervisor.run('/bin/v4')];
  await Promise.all(runs);
  assert.deepEqual(m.processes.programs.map((p) => p.spec.binary), ['/bin/v1', '/bin/v4']);
  assert.equal(m.processes.programs.filter((p) => p.alive).length, 1);
  await m.supervisor.stop();
});

test('a binary that cannot start is an error event; the machine stays idle and the next run works', async () => {
  const m = machine('on-failure', { unstartable: new Set(['/bin/missing']) });
  await m.supervisor.run('/bin/missing');
  assert.equal(m.supervisor.state, 'idle');
  assert.match(JSON.stringify(m.events), /cannot start \/bin\/missing/);
  await m.supervisor.run('/bin/api');
  assert.equal(m.supervisor.state, 'running');
  await m.supervisor.stop();
});

test('the ledger records each program with its run id and is cleared by the final stop', async () => {
  const m = machine('on-change');
  await m.supervisor.run('/bin/v1');
  await m.supervisor.run('/bin/v2');
  await m.supervisor.stop();
  const [first, second, last] = m.ledger;
  assert.ok(first !== 'cleared' && first?.binary === '/bin/v1' && first.runId === 'run-1');
  assert.ok(second !== 'cleared' && second?.binary === '/bin/v2' && second.pid !== first.pid);
  assert.equal(last, 'cleared');
  assert.equal(m.supervisor.state, 'idle');
  assert.ok(m.processes.programs.every((p) => !p.alive));
});

test('a binary still being made ready: the program before is stopped meanwhile, and the new one starts once it is there', async () => {
  const m = machine('on-change', { stopMs: 5 });
  await m.supervisor.run('/bin/v1');
  let ready!: (binary: string) => void;
  const started = m.supervisor.run(new Promise<string>((resolve) => (ready = resolve)));
  await m.waitFor((events) => events.some((e) => e.event === 'stop'), 'the stop of v1, before v2 is ready');
  assert.equal(m.count('starting'), 1, 'nothing starts before the binary is there');
  ready('/bin/v2');
  await started;
  assert.deepEqual(m.processes.programs.map((p) => [p.spec.binary, p.alive]), [['/bin/v1', false], ['/bin/v2', true]]);
  await m.supervisor.stop();
});

test('a binary that cannot be made ready: said once, nothing starts, and the next run starts', async () => {
  const m = machine('on-change');
  await m.supervisor.run('/bin/v1');
  await m.supervisor.run(Promise.reject(new Error('no room for the binary')));
  assert.deepEqual(m.events.filter((e) => e.event === 'error').map((e) => e.event === 'error' && e.message), ['no room for the binary']);
  assert.equal(m.count('starting'), 1);
  assert.equal(m.supervisor.state, 'idle', 'the program before was stopped');
  // One overtaken by a newer run is never waited for: its failure is no one's to say.
  const overtaken = m.supervisor.run(Promise.reject(new Error('overtaken')));
  await m.supervisor.run('/bin/v3');
  await overtaken;
  assert.equal(m.events.filter((e) => e.event === 'error').length, 1);
  assert.equal(m.supervisor.binary, '/bin/v3');
  await m.supervisor.stop();
});
