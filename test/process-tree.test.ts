import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { findSetpriv } from '../src/supervise/death-signal.js';
import { linuxPageBytes } from '../src/supervise/page-size.js';
import { parseStat, procTable, readProcEntry } from '../src/supervise/proc-table.js';
import { procTreeRows } from '../src/supervise/process-tree.js';
import { ProcessTableUnavailable, psTable } from '../src/supervise/ps-table.js';
import { createRealProcesses } from '../src/supervise/real-processes.js';
import { environCarries } from '../src/supervise/run-id.js';
import { selectTree } from '../src/supervise/tree-members.js';
import { shTree, TREE, writeScript } from './support/sh-trees.js';
import { which } from './support/which.js';

const linuxOnly = { skip: process.platform !== 'linux' && 'the /proc process table is Linux only' };
const commandExists = (name: string): boolean => which(name) !== undefined;


/** Waits until `pid`'s parent is no longer `parent` (the daemon's subshell has exited). */
const reparented = async (pid: number, parent: number): Promise<void> => {
  while (readProcEntry(pid)?.ppid === parent) await sleep(5);
};

test('stat lines are split after the last parenthesis: a command name may hold spaces and parentheses', () => {
  const rest = Array.from({ length: 49 }, (_, i) => String(i + 4)).join(' '); // fields 4..52 hold their own number
  const entry = parseStat(42, `42 (a) (b c)) S ${rest}`);
  assert.deepEqual(entry, { pid: 42, state: 'S', ppid: 4, pgrp: 5, sid: 6, startTime: 22, rssPages: 24 });
  assert.equal(parseStat(42, 'garbage'), undefined);
});

test('a real process whose name holds ") (" is read right', linuxOnly, async (t) => {
  const tree = shTree(t);
  const oddName = path.join(tree.dir, 'x) (y z');
  symlinkSync(which('sleep')!, oddName);
  // Carrying the run id, it is killed after the test like everything else.
  const child = spawn(oddName, ['300'], { stdio: 'ignore', env: { ...process.env, GOWATCH_RUN_ID: tree.runId } });
  await new Promise((resolve) => child.once('spawn', resolve));
  const entry = readProcEntry(child.pid!);
  assert.equal(entry?.ppid, process.pid);
  assert.equal(entry?.pgrp, readProcEntry(process.pid)?.pgrp);
  assert.ok(entry.startTime >= readProcEntry(process.pid)!.startTime);
  assert.ok(procTable().some((row) => row.pid === child.pid && row.ppid === process.pid));
});

test('GOWATCH_RUN_ID matches a whole environment entry, never a prefix or a suffix', () => {
  const env = (...entries: string[]) => Buffer.from(entries.map((e) => `${e}\0`).join(''));
  assert.equal(environCarries(env('A=1', 'GOWATCH_RUN_ID=abc', 'B=2'), 'abc'), true);
  assert.equal(environCarries(env('GOWATCH_RUN_ID=abc'), 'abc'), true);
  assert.equal(environCarries(Buffer.from('A=1\0GOWATCH_RUN_ID=abc'), 'abc'), true); // no trailing NUL
  assert.equal(environCarries(env('GOWATCH_RUN_ID=abcd'), 'abc'), false);
  assert.equal(environCarries(env('GOWATCH_RUN_ID=abc'), 'ab'), false);
  assert.equal(environCarries(env('XGOWATCH_RUN_ID=abc'), 'abc'), false);
  assert.equal(environCarries(env('A=GOWATCH_RUN_ID=abc'), 'abc'), false);
});

test('selectTree: group, session, parent chain and run-id carriers, never pid 1 nor gowatch itself', () => {
  const rows = [
    { pid: 1, ppid: 0, pgrp: 1, sid: 1 },
    { pid: process.pid, ppid: 1, pgrp: process.pid, sid: 7 },
    { pid: 100, ppid: process.pid, pgrp: 100, sid: 100 }, // the program
    { pid: 101, ppid: 100, pgrp: 100, sid: 100 }, // child
    { pid: 102, ppid: 1, pgrp: 100, sid: 100 }, // orphan still in the group
    { pid: 103, ppid: 1, pgrp: 103, sid: 100 }, // own group, same session
    { pid: 104, ppid: 101, pgrp: 104, sid: 104 }, // setsid grandchild
    { pid: 105, ppid: 1, pgrp: 105, sid: 105 }, // daemon carrying the run id
    { pid: 106, ppid: 105, pgrp: 105, sid: 105 }, // the daemon's child, environment cleared
    { pid: 200, ppid: 1, pgrp: 200, sid: 200 }, // unrelated
  ];
  const asked: number[] = [];
  const carries = ({ pid }: { pid: number }) => {
    asked.push(pid);
    return pid === 105;
  };
  const pids = (found: { pid: number }[]) => found.map((row) => row.pid).sort((a, b) => a - b);
  assert.deepEqual(pids(selectTree(rows, { pid: 100, runId: 'r' }, carries)), [100, 101, 102, 103, 104, 105, 106]);
  assert.deepEqual(asked.sort((a, b) => a - b), [105, 200], 'environments are read only for processes not found otherwise');
  assert.deepEqual(pids(selectTree(rows, { pid: 100, runId: undefined }, carries)), [100, 101, 102, 103, 104]);
  assert.deepEqual(pids(selectTree(rows, { pid: undefined, runId: 'r' }, carries)), [105, 106], 'a reused pid leaves only the carriers');
});

test('a double-forked daemon is found through its run id alone', linuxOnly, async (t) => {
  const tree = shTree(t);
  const processes = createRealProcesses();
  const program = await processes.spawn(tree.spec(writeScript(tree.dir, 'tree.sh', TREE)));
  const pids = await tree.pids();
  await reparented(pids.daemon!, pids.program!);
  const daemon = readProcEntry(pids.daemon!)!;
  assert.notEqual(daemon.ppid, program.pid);
  assert.notEqual(daemon.pgrp, program.pid);
  assert.notEqual(daemon.sid, program.pid);
  const setsid = readProcEntry(pids.setsid!)!;
  assert.equal(setsid.ppid, program.pid);
  assert.notEqual(setsid.sid, program.pid);

  const all = [pids.program, pids.child, pids.setsid, pids.daemon].sort();
  const found = (runId: string | undefined) => procTreeRows({ pid: program.pid, runId }).map((row) => row.pid).sort();
  assert.deepEqual(found(tree.runId), all);
  assert.deepEqual(found(undefined), [pids.program, pids.child, pids.setsid].sort(), 'without the run id the daemon is invisible');
  assert.deepEqual((await processes.carrying(tree.runId)).sort(), all);
  await processes.stop(program, { signal: 'SIGTERM', timeoutMs: 5000 });
  assert.deepEqual(await processes.carrying(tree.runId), []);
});

test('ps, the process list without /proc, agrees with /proc; without ps that is an error, not an empty tree', linuxOnly, async (t) => {
  const tree = shTree(t);
  const processes = createRealProcesses();
  const program = await processes.spawn(tree.spec(writeScript(tree.dir, 'tree.sh', TREE)));
  const pids = await tree.pids();
  await reparented(pids.daemon!, pids.program!);
  if (commandExists('ps')) {
    const viaPs = selectTree(await psTable(), { pid: program.pid, runId: undefined }, () => false);
    assert.deepEqual(viaPs.map((row) => row.pid).sort(), [pids.program, pids.child, pids.setsid].sort());
    const proc = new Map(procTable().map((row) => [row.pid, row]));
    for (const row of viaPs) assert.deepEqual([row.ppid, row.pgrp], [proc.get(row.pid)?.ppid, proc.get(row.pid)?.pgrp]);
  }

  const savedPath = process.env.PATH;
  t.after(() => (process.env.PATH = savedPath));
  process.env.PATH = tree.dir; // no ps here
  await assert.rejects(psTable(), (error) => error instanceof ProcessTableUnavailable && /ps was not found/.test(error.message));
  writeScript(tree.dir, 'ps', 'echo "ps: unknown option -A" >&2; exit 1'); // a busybox-like ps
  await assert.rejects(psTable(), (error) => error instanceof ProcessTableUnavailable && /unknown option/.test(error.message));
  process.env.PATH = savedPath;
  await processes.stop(program, { signal: 'SIGTERM', timeoutMs: 5000 });
});

test('identity: same pid and start time; a wrong start time or an exited program is not the same process', linuxOnly, async (t) => {
  const tree = shTree(t);
  const processes = createRealProcesses();
  const program = await processes.spawn(tree.spec(writeScript(tree.dir, 'wait.sh', 'echo ready >> "$1"; exec sleep 300')));
  assert.equal(program.startTime, readProcEntry(program.pid)?.startTime);
  assert.equal(processes.startTimeOf(program.pid), program.startTime);
  assert.equal(processes.isSameProcess(program), true);
  assert.equal(processes.isSameProcess({ ...program, startTime: program.startTime! - 1 }), false);
  assert.equal(processes.isSameProcess({ ...program, startTime: undefined }), false);
  process.kill(program.pid, 'SIGKILL');
  await program.exited;
  assert.equal(processes.isSameProcess(program), false);
  assert.equal(processes.startTimeOf(program.pid), undefined);
});

test('treeRss counts the whole tree and grows when a child allocates', linuxOnly, async (t) => {
  const tree = shTree(t);
  const processes = createRealProcesses();
  const go = path.join(tree.dir, 'go');
  const script = writeScript(
    tree.dir,
    'grow.sh',
    `echo ready >> "$1"
while [ ! -e "${go}" ]; do sleep 0.02; done
setsid "${process.execPath}" -e 'globalThis.b = Buffer.alloc(50e6, 1); require("fs").appendFileSync(process.argv[1], "grown\\n"); setInterval(() => {}, 1e6)' "$1" &
wait`,
  );
  const program = await processes.spawn(tree.spec(script));
  await tree.pids();
  const before = (await processes.treeRss(program))!;
  assert.ok(before > 0 && before < 30e6, `a shell and a sleep use little memory: ${before}`);
  writeFileSync(go, '');
  while (!readFileSync(tree.pidsFile, 'utf8').includes('grown')) await sleep(20);
  const after = (await processes.treeRss(program))!;
  assert.ok(after - before > 50e6, `a node child holding 50 MB grows the tree by more than 50 MB: ${before} → ${after}`);
  await processes.stop(program, { signal: 'SIGTERM', timeoutMs: 5000 });
  assert.equal(await processes.treeRss(program), 0);
});

test('the page size is the one the system reports', linuxOnly, () => {
  if (!commandExists('getconf')) return;
  assert.equal(linuxPageBytes(), Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' })));
});

test('setpriv is used only when it offers --pdeathsig', linuxOnly, async (t) => {
  const tree = shTree(t);
  writeScript(tree.dir, 'setpriv', 'echo "usage: setpriv [--nnp] [--inh-caps]"'); // busybox-like
  assert.equal(await findSetpriv(tree.dir), undefined);
  assert.equal(await findSetpriv(''), undefined);
  if (commandExists('setpriv')) assert.match((await findSetpriv(process.env['PATH'] ?? ''))!, /setpriv$/);
});
