import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isGowatchError } from '../src/errors.js';
import type { ProgramSpec } from '../src/supervise/boundary.js';
import { findSetpriv } from '../src/supervise/death-signal.js';
import { readProcEntry } from '../src/supervise/proc-table.js';
import { isAlive } from '../src/supervise/process-tree.js';
import { createRealProcesses } from '../src/supervise/real-processes.js';
import { survivors } from './support/processes.js';
import { shTree, TREE, writeScript } from './support/sh-trees.js';

const linuxOnly = { skip: process.platform !== 'linux' && 'process trees are tested on Linux' };


const sorted = (pids: readonly (number | undefined)[]) => [...pids].sort((a, b) => a! - b!);

test('stop ends the group, a setsid child and a double-forked daemon, quickly', linuxOnly, async (t) => {
  const tree = shTree(t);
  const processes = createRealProcesses();
  const program = await processes.spawn(tree.spec(writeScript(tree.dir, 'tree.sh', TREE)));
  const pids = await tree.pids();
  const all = [pids.program, pids.child, pids.setsid, pids.daemon];

  const result = await processes.stop(program, { signal: 'SIGTERM', timeoutMs: 5000 });
  t.diagnostic(`stopped 4 processes in ${result.durationMs} ms`);
  assert.equal(result.forced, false);
  assert.deepEqual(sorted(result.pids), sorted(all));
  assert.deepEqual(all.filter((pid) => isAlive(pid!)), [], 'stop resolves only once every process is gone');
  assert.ok(result.durationMs < 1000, `a program that obeys SIGTERM stops fast: ${result.durationMs} ms`);
  assert.deepEqual(await program.exited, { code: null, signal: 'SIGTERM' });
});

test('on Linux no ps is needed: with a failing ps first on PATH, a setsid grandchild is still stopped', linuxOnly, async (t) => {
  const tree = shTree(t);
  const fakeBin = path.join(tree.dir, 'bin');
  mkdirSync(fakeBin);
  const called = path.join(tree.dir, 'ps-called');
  writeScript(fakeBin, 'ps', `echo called > "${called}"; exit 1`);
  const savedPath = process.env.PATH;
  t.after(() => (process.env.PATH = savedPath));
  process.env.PATH = `${fakeBin}${path.delimiter}${savedPath}`;

  const processes = createRealProcesses();
  const script = writeScript(
    tree.dir,
    'grandchild.sh',
    `sh -c 'setsid sleep 303 & echo "grandchild $!" >> "$1"; echo ready >> "$1"; wait' sh "$1" &
wait`,
  );
  const program = await processes.spawn(tree.spec(script));
  const { grandchild } = await tree.pids();
  assert.notEqual(readProcEntry(grandchild!)?.sid, program.pid);
  const result = await processes.stop(program, { signal: 'SIGTERM', timeoutMs: 5000 });
  assert.ok(result.pids.includes(grandchild!));
  assert.equal(isAlive(grandchild!), false);
  assert.equal(existsSync(called), false, 'ps was run');
});

test('a program ignoring SIGTERM is SIGKILLed after the timeout, with its whole tree', linuxOnly, async (t) => {
  const tree = shTree(t);
  const processes = createRealProcesses();
  // An ignored signal stays ignored across fork and exec: every process of this tree ignores SIGTERM.
  const program = await processes.spawn(tree.spec(writeScript(tree.dir, 'stuck.sh', `trap '' TERM\n${TREE}`)));
  const pids = await tree.pids();
  const result = await processes.stop(program, { signal: 'SIGTERM', timeoutMs: 300 });
  assert.equal(result.forced, true);
  assert.ok(result.durationMs >= 300 && result.durationMs < 3000, `waited the timeout, then killed: ${result.durationMs} ms`);
  assert.deepEqual(sorted(result.pids), sorted([pids.program, pids.child, pids.setsid, pids.daemon]));
  assert.deepEqual(await program.exited, { code: null, signal: 'SIGKILL' });
  assert.deepEqual(Object.values(pids).filter(isAlive), []);
});

test('a process forked while the program stops is found by the last snapshot and stopped too', linuxOnly, async (t) => {
  const tree = shTree(t);
  const processes = createRealProcesses();
  const script = writeScript(
    tree.dir,
    'forks-on-term.sh',
    // A child that gets a signal between fork and exec loses it to the trap it inherits for those
    // moments: the program exits only once the late child runs sleep, and the stop starts only
    // once the first child runs sleep (tree.pids waits for every recorded one).
    `trap 'setsid sleep 305 & echo "late $!" >> "$1"; until [ "$(cat /proc/$!/comm)" = sleep ]; do :; done; exit 0' TERM
sleep 300 &
echo "child $!" >> "$1"
echo "program $$" >> "$1"
echo ready >> "$1"
wait`,
  );
  const program = await processes.spawn(tree.spec(script));
  await tree.pids();
  const result = await processes.stop(program, { signal: 'SIGTERM', timeoutMs: 5000 });
  const late = Number(/late (\d+)/.exec(readFileSync(tree.pidsFile, 'utf8'))?.[1]);
  assert.ok(late > 0, 'the program forked while stopping');
  assert.equal(result.forced, false);
  assert.ok(result.pids.includes(late), 'the late process was signalled');
  assert.equal(isAlive(late), false);
});

test('a program that keeps starting setsid children while it stops is stopped without SIGKILL', linuxOnly, async (t) => {
  const tree = shTree(t);
  const processes = createRealProcesses();
  // Children leave the group all the time: some between the snapshot and the group signal. Only
  // a child that missed the stop signal makes the stop wait the (long) timeout.
  const script = writeScript(tree.dir, 'spawner.sh', 'i=0; while [ $i -lt 1000 ]; do setsid sleep 300 & i=$((i + 1)); done; wait');
  for (let round = 0; round < 3; round++) {
    const program = await processes.spawn(tree.spec(script));
    await sleep(50);
    const result = await processes.stop(program, { signal: 'SIGTERM', timeoutMs: 10_000 });
    assert.equal(result.forced, false, `round ${round}: ${result.pids.length} processes, ${result.durationMs} ms`);
    assert.deepEqual(await processes.carrying(tree.runId), []);
  }
});

test('a leftover whose pid now belongs to an unrelated process is not signalled', linuxOnly, async (t) => {
  // Detached, so it leads a group: a group signal sent on a reused pid would reach it.
  const stranger = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
  await once(stranger, 'spawn');
  const tree = shTree(t, [stranger.pid!]);
  const processes = createRealProcesses();
  const reused = { pid: stranger.pid!, startTime: readProcEntry(stranger.pid!)!.startTime - 1, runId: tree.runId };

  assert.equal(processes.isSameProcess(reused), false);
  const result = await processes.stop(reused, { signal: 'SIGKILL', timeoutMs: 1000 });
  assert.deepEqual(result.pids, []);
  processes.killNow(reused);
  assert.equal(await processes.treeRss(reused), 0);
  assert.equal(isAlive(stranger.pid!), true, 'the unrelated process was signalled');
});

test('a leftover that is still the same process is stopped, with its group and its daemon', linuxOnly, async (t) => {
  const tree = shTree(t);
  const program = await createRealProcesses().spawn(tree.spec(writeScript(tree.dir, 'tree.sh', TREE)));
  const pids = await tree.pids();
  // As a later gowatch sees it: a record on disk, no child handle, no exit to wait for.
  const leftover = { pid: program.pid, startTime: program.startTime, runId: program.runId };
  const processes = createRealProcesses();
  assert.equal(processes.isSameProcess(leftover), true);
  const result = await processes.stop(leftover, { signal: 'SIGTERM', timeoutMs: 5000 });
  assert.equal(result.forced, false);
  assert.deepEqual(sorted(result.pids), sorted(Object.values(pids)));
  assert.deepEqual(Object.values(pids).filter(isAlive), []);
});

test('killNow SIGKILLs the whole tree synchronously', linuxOnly, async (t) => {
  const tree = shTree(t);
  const processes = createRealProcesses();
  const program = await processes.spawn(tree.spec(writeScript(tree.dir, 'stuck.sh', `trap '' TERM\n${TREE}`)));
  const pids = await tree.pids();
  processes.killNow(program);
  assert.deepEqual(await program.exited, { code: null, signal: 'SIGKILL' });
  assert.deepEqual(await survivors(Object.values(pids), 2000), []);
});

test('gowatch never signals itself', linuxOnly, async () => {
  const processes = createRealProcesses();
  const self = { pid: process.pid, startTime: processes.startTimeOf(process.pid), runId: 'self' };
  assert.throws(() => processes.killNow(self), /refusing/);
  await assert.rejects(processes.stop(self, { signal: 'SIGKILL', timeoutMs: 100 }), /refusing/);
});

test('a program that cannot start is a start error naming what is missing', linuxOnly, async (t) => {
  const tree = shTree(t);
  const processes = createRealProcesses();
  const startError = (pattern: RegExp) => (error: unknown) => isGowatchError(error) && error.kind === 'start' && pattern.test(error.message);
  const script = writeScript(tree.dir, 'ok.sh', 'exit 0');
  await assert.rejects(processes.spawn(tree.spec(path.join(tree.dir, 'missing'))), startError(/missing: the file does not exist/));
  await assert.rejects(processes.spawn(tree.spec(script, { cwd: path.join(tree.dir, 'gone') })), startError(/working directory .*gone does not exist/));
  chmodSync(script, 0o644);
  await assert.rejects(processes.spawn(tree.spec(script)), startError(/ok\.sh: the file is not executable/));
  await assert.rejects(processes.spawn(tree.spec(tree.dir)), startError(/: it is not a file/));
});

test('the program carries GOWATCH_RUN_ID and, with stdin ignored, reads EOF', linuxOnly, async (t) => {
  const tree = shTree(t);
  const processes = createRealProcesses();
  const script = writeScript(
    tree.dir,
    'reads.sh',
    `echo "run-id $GOWATCH_RUN_ID" >> "$1"
if read line; then echo "stdin $line" >> "$1"; else echo "stdin EOF" >> "$1"; fi
echo ready >> "$1"`,
  );
  const program = await processes.spawn(tree.spec(script, { env: { GOWATCH_RUN_ID: 'overridden' } }));
  assert.equal(program.runId, tree.runId);
  assert.deepEqual(await program.exited, { code: 0, signal: null });
  const lines = readFileSync(tree.pidsFile, 'utf8').split('\n');
  assert.ok(lines.includes(`run-id ${tree.runId}`), lines.join('|'));
  assert.ok(lines.includes('stdin EOF'), lines.join('|'));
});

/** Node code standing in for gowatch: spawns the spec in argv[2] through the compiled boundary, prints the pid, waits. */
const STAND_IN = `const [moduleUrl, spec] = process.argv.slice(1);
const { createRealProcesses } = await import(moduleUrl);
const program = await createRealProcesses().spawn(JSON.parse(spec));
console.log(program.pid);
await program.exited;`;

const standIn = (spec: ProgramSpec) => {
  const moduleUrl = new URL('../src/supervise/real-processes.js', import.meta.url).href;
  const parent = spawn(process.execPath, ['--input-type=module', '-e', STAND_IN, moduleUrl, JSON.stringify(spec)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const pid = new Promise<number>((resolve) => createInterface({ input: parent.stdout! }).once('line', (line) => resolve(Number(line))));
  return { parent, pid, exited: once(parent, 'exit') };
};

test('with stdin inherited, the program reads what gowatch is given', linuxOnly, async (t) => {
  const tree = shTree(t);
  const script = writeScript(tree.dir, 'reads.sh', `read line; echo "stdin $line" >> "$1"; echo ready >> "$1"`);
  const { parent, exited } = standIn(tree.spec(script, { stdin: 'inherit' }));
  t.after(() => parent.kill('SIGKILL'));
  parent.stdin!.end('hello\n');
  await tree.pids();
  assert.ok(readFileSync(tree.pidsFile, 'utf8').includes('stdin hello\n'));
  assert.deepEqual(await exited, [0, null]);
});

test('with setpriv, the program gets its death signal when gowatch is killed', linuxOnly, async (t) => {
  if (!(await findSetpriv(process.env['PATH'] ?? ''))) return t.skip('util-linux setpriv is not installed');
  const tree = shTree(t);
  const script = writeScript(
    tree.dir,
    'waits.sh',
    `trap 'echo "signal TERM" >> "$1"; exit 0' TERM
echo ready >> "$1"
while :; do sleep 0.05; done`,
  );
  const { parent, pid } = standIn(tree.spec(script, { deathSignal: 'SIGTERM' }));
  t.after(() => parent.kill('SIGKILL'));
  const program = await pid;
  await tree.pids();
  assert.equal(readProcEntry(program)?.ppid, parent.pid, 'setpriv execs the program in place');
  parent.kill('SIGKILL');
  assert.deepEqual(await survivors([program], 5000), [], 'the program outlived gowatch');
  assert.ok(readFileSync(tree.pidsFile, 'utf8').includes('signal TERM\n'));
});
