import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import path from 'node:path';
import type { EventInput } from '../src/events.js';
import type { HookKey } from '../src/hooks/hook-keys.js';
import { scriptedLoop } from './support/scripted-loop.js';

/**
 * The reload loop's decisions in-process, through a scripted boundary (test/support/scripted-loop.ts):
 * go build ends when the test says, the cache is in memory and the target's key is set by the
 * test. Fast and exact about order; the real-process tests (reload-decisions, quiet-saves,
 * special-files…) run the same decisions with go and a watcher.
 */
const machine = async (t: TestContext, onEvent?: (event: EventInput) => void) => {
  const m = scriptedLoop(onEvent);
  t.after(m.close);
  await m.start();
  return m;
};

const builds = (events: readonly EventInput[]) =>
  events.flatMap((e) =>
    e.event === 'build-start' || e.event === 'build-canceled' || e.event === 'build-fail' ? [`${e.event} ${e.id}`] : e.event === 'build-ok' ? [`${e.event} ${e.id}${e.cached ? ' cached' : ''}`] : [],
  );

const bin = (key: string) => `/cache/bins/${key}`;

test('a save during a build cancels it; only the newest is built to the end and run', async (t) => {
  const m = await machine(t);
  await m.save('k2');
  await m.save('k3');
  assert.deepEqual(m.builds.map((b) => [b.key, b.canceled]), [['k1', false], ['k2', true], ['k3', false]]);
  m.builds[2]!.succeed();
  await m.until(() => m.runs.length === 2, 'the k3 program');
  assert.deepEqual(m.runs, [bin('k1'), bin('k3')]);
  assert.deepEqual(builds(m.events), ['build-start 1', 'build-ok 1', 'build-start 2', 'build-canceled 2', 'build-start 3', 'build-ok 3']);
  assert.ok(!m.log.includes('store k2'), 'the canceled build is never kept');
});

test('a save during a build that reads as the build read (a touch, a generator writing the same bytes) lets it go on', async (t) => {
  const m = await machine(t);
  await m.save('k2');
  await m.batch('main.go');
  assert.equal(m.builds[1]!.canceled, false);
  assert.equal(m.builds.length, 2, 'no other go build');
  m.builds[1]!.succeed();
  await m.until(() => m.runs.length === 2, 'the k2 program');
  // Once it runs, the same save is said unchanged, as ever.
  await m.batch('main.go');
  assert.deepEqual(m.events.at(-1), { event: 'skip', target: 'api', reason: 'unchanged', files: ['main.go'] });
});

test('a build that ends while a burst still gathers waits for it, then is swapped in', async (t) => {
  const m = await machine(t);
  await m.save('k2');
  m.setPending(true);
  m.builds[1]!.succeed();
  await m.until(() => m.events.some((e) => e.event === 'build-ok' && e.id === 2), 'build-ok 2');
  m.setPending(false);
  // The end of the burst: a file that asks for nothing.
  await m.batch('notes.md');
  assert.deepEqual(m.runs, [bin('k1'), bin('k2')]);
  const handled = m.log.findIndex((line) => line.startsWith('read 2:'));
  assert.ok(m.log.indexOf(`run ${bin('k2')}`) > handled, `swapped in before the burst was over: ${m.log.join(' | ')}`);
});

test('a key built before runs from the cache: no go build, build-ok cached', async (t) => {
  const m = await machine(t);
  await m.save('k2');
  m.builds[1]!.succeed();
  await m.until(() => m.runs.length === 2, 'the k2 program');
  await m.save('k1');
  assert.equal(m.builds.length, 2, 'no third go build');
  assert.deepEqual(m.runs, [bin('k1'), bin('k2'), bin('k1')]);
  assert.deepEqual(builds(m.events).at(-1), 'build-ok 3 cached');
});

test('a save that brings the key back to what runs: unchanged, no restart, and a build left waiting is dropped', async (t) => {
  const m = await machine(t);
  await m.save('k1');
  assert.deepEqual(m.events.at(-1), { event: 'skip', target: 'api', reason: 'unchanged', files: ['main.go'] });
  assert.equal(m.builds.length, 1);

  await m.save('k2');
  m.setPending(true);
  m.builds[1]!.succeed();
  await m.until(() => m.events.some((e) => e.event === 'build-ok' && e.id === 2), 'build-ok 2');
  m.setPending(false);
  await m.save('k1');
  assert.deepEqual(m.events.at(-1), { event: 'skip', target: 'api', reason: 'unchanged', files: ['main.go'] });
  assert.deepEqual(m.runs, [bin('k1')], 'nothing restarted');
  assert.ok(!m.log.includes('store k2'), 'the waiting build is left unused');
  // Nothing waits any more: the end of the next burst swaps nothing in.
  await m.batch('notes.md');
  assert.deepEqual(m.runs, [bin('k1')]);
});

test('an unchanged skip comes in the same turn as its change, before a task the change queued: a reporter can leave the save unsaid', async (t) => {
  const order: string[] = [];
  const m = await machine(t, (event) => {
    if (event.event === 'change') queueMicrotask(() => order.push('the change is said'));
    if (event.event === 'skip' && event.reason === 'unchanged') order.push('unchanged');
  });
  await m.save('k1');
  assert.deepEqual(order, ['unchanged', 'the change is said']);
});

test('a restart asked for while a burst gathers is done once, when the burst is over', async (t) => {
  const m = await machine(t);
  m.setPending(true);
  await m.batch('app.yaml');
  await m.batch('app.yaml');
  assert.deepEqual(m.runs, [bin('k1')], 'not while the burst gathers');
  m.setPending(false);
  await m.batch('notes.md');
  assert.deepEqual(m.runs, [bin('k1'), bin('k1')]);
  await m.batch('notes.md');
  assert.equal(m.runs.length, 2, 'the owed restart is done once');
  // With no burst gathering, the restart is at once.
  await m.batch('app.yaml');
  assert.equal(m.runs.length, 3);
});

test('a program that ended is run again by a save that leaves its key as it is', async (t) => {
  const m = await machine(t);
  m.programEnded();
  await m.save('k1');
  assert.deepEqual(m.runs, [bin('k1'), bin('k1')]);
  assert.equal(m.builds.length, 1);
});

test('a binary that could not be put in place: nothing runs, and the next save of that key starts it', async (t) => {
  const m = await machine(t);
  m.failNextPlacement();
  await m.save('k2');
  m.builds[1]!.succeed();
  await m.until(() => m.log.includes('run failed'), 'the failed start');
  // Never stored, so built again; then it runs.
  await m.save('k2');
  assert.deepEqual(m.builds.map((b) => b.key), ['k1', 'k2', 'k2']);
  m.builds[2]!.succeed();
  await m.until(() => m.runs.length === 2, 'the k2 program');
  assert.equal(m.runs[1], bin('k2'));
});

for (const [how, unseen] of [['reported while the build ran', false], ['seen only by its file time', true]] as const) {
  test(`a write ${how}: the binary runs, but is not taken for its key`, async (t) => {
    const m = await machine(t);
    await m.save('k2');
    if (unseen) m.setWrittenUnseen(true);
    else m.loop.onPaths([m.file('main.go')]);
    m.builds[1]!.succeed();
    await m.until(() => m.runs.length === 2, 'the k2 program');
    // Settled once it runs, before the next batch.
    await m.until(() => m.log.includes('forget k2'), 'k2 forgotten');
    m.setWrittenUnseen(false);
    // The same key again: what runs may hold the newer file, so it is built, not said unchanged.
    await m.save('k2');
    assert.deepEqual(m.builds.map((b) => b.key), ['k1', 'k2', 'k2']);
    m.builds[2]!.succeed();
    await m.until(() => m.runs.length === 3, 'the rebuilt k2 program');
    // Now it is trusted: back and forth comes from the cache.
    await m.save('k1');
    await m.save('k2');
    assert.equal(m.builds.length, 3);
    assert.deepEqual(m.runs.slice(3), [bin('k1'), bin('k2')]);
  });
}

test('a write to a file the build does not read leaves the binary trusted', async (t) => {
  const m = await machine(t);
  await m.save('k2');
  m.loop.onPaths([m.file('notes.md')]);
  m.builds[1]!.succeed();
  await m.until(() => m.runs.length === 2, 'the k2 program');
  await m.save('k2');
  assert.equal(m.builds.length, 2);
  assert.deepEqual(m.events.at(-1), { event: 'skip', target: 'api', reason: 'unchanged', files: ['main.go'] });
  assert.ok(!m.log.includes('forget k2'));
});

test('a special file holding go: nothing is built until the batch that finds it gone, which builds whatever it holds', async (t) => {
  const m = await machine(t);
  rmSync(m.file('main.go'));
  execFileSync('mkfifo', [m.file('main.go')]);
  await m.save('k2');
  const said = m.events.find((e) => e.event === 'warning');
  assert.match(said?.event === 'warning' ? said.message : '', /^main\.go is a FIFO.*go would wait on it/);
  await m.save('k3');
  assert.equal(m.builds.length, 1, 'no go build while the FIFO is there');

  rmSync(m.file('main.go'));
  m.writeMain('package main\n');
  // A batch with nothing of its own to build: the key it finds is still owed.
  await m.batch('notes.md');
  assert.deepEqual(m.builds.map((b) => b.key), ['k1', 'k3']);
  m.builds[1]!.succeed();
  await m.until(() => m.runs.length === 2, 'the k3 program');
  assert.deepEqual(m.runs, [bin('k1'), bin('k3')]);
});

test('a new special file in a package directory during a build: the build is canceled, go list waits until it is gone', async (t) => {
  const m = await machine(t);
  await m.save('k2');
  execFileSync('mkfifo', [m.file('pipe.go')]);
  m.setKey('k3');
  await m.batch('pipe.go');
  assert.deepEqual(m.builds.map((b) => [b.key, b.canceled]), [['k1', false], ['k2', true]]);
  assert.deepEqual(builds(m.events).slice(-1), ['build-canceled 2']);
  const lists = m.log.filter((line) => line === 'go list').length;
  await m.save('k3');
  assert.equal(m.builds.length, 2, 'no go build while the FIFO is there');

  rmSync(m.file('pipe.go'));
  await m.batch('pipe.go');
  assert.equal(m.log.filter((line) => line === 'go list').length, lists + 1, 'go list once it is gone, not before');
  assert.deepEqual(m.builds.map((b) => b.key), ['k1', 'k2', 'k3']);
});

test('a failed build leaves the program running, and the next save builds again', async (t) => {
  const m = await machine(t);
  await m.save('k2');
  m.builds[1]!.fail('./main.go:1:1: expected package');
  await m.until(() => m.events.some((e) => e.event === 'build-fail'), 'build-fail');
  assert.deepEqual(m.runs, [bin('k1')]);
  await m.save('k1');
  assert.deepEqual(m.events.at(-1), { event: 'skip', target: 'api', reason: 'unchanged', files: ['main.go'] });
  await m.save('k2');
  assert.equal(m.builds.length, 3, 'a failed key is no cached binary');
});

test('closing cancels a build under way, said so every build-start has its end', async (t) => {
  const m = await machine(t);
  await m.save('k2');
  await m.loop.close();
  assert.equal(m.builds[1]!.canceled, true);
  assert.deepEqual(builds(m.events).slice(-1), ['build-canceled 2']);
  // A batch after the end does nothing.
  await m.batch('main.go');
  assert.equal(m.builds.length, 2);
});

/**
 * Hooks (go.build.pre, go.build.post, go.run.preStart) in the loop, through a scripted hook
 * runner: a hook ends when the test says, and what it "writes" is stamped on the scripted clock,
 * as the file system's times would be. The real-process tests (build-hooks) run real commands.
 */
const hooked = async (t: TestContext, hooks: readonly HookKey[], onEvent?: (event: EventInput) => void) => {
  const m = scriptedLoop(onEvent, { hooks });
  t.after(m.close);
  const started = m.loop.start();
  const settle = async (key: HookKey) => {
    if (!hooks.includes(key)) return;
    await m.until(() => m.hookRuns.some((run) => run.key === key && !run.ended), `a ${key} run`);
    m.hookRuns.find((run) => run.key === key && !run.ended)!.succeed();
  };
  await settle('go.build.pre');
  await started;
  await m.until(() => m.builds.length === 1, 'the first go build');
  m.builds[0]!.succeed();
  await settle('go.build.post');
  await settle('go.run.preStart');
  await m.until(() => m.runs.length === 1, 'the first program');
  return m;
};

/** The run of `key` under way, once the loop started it. */
const running = async (m: ReturnType<typeof scriptedLoop>, key: HookKey) => {
  await m.until(() => m.hookRuns.some((run) => run.key === key && !run.ended), `a ${key} run`);
  return m.hookRuns.find((run) => run.key === key && !run.ended)!;
};

const names = (files: readonly string[]) => files.map((file) => path.basename(file));

test('go.build.pre: the build starts with it, and what it wrote is read before the key is taken', async (t) => {
  const m = await hooked(t, ['go.build.pre']);
  const mark = m.events.length;
  const saved = m.save('k2');
  const hook = await running(m, 'go.build.pre');
  assert.deepEqual(names(hook.context.changed), ['main.go']);
  assert.deepEqual(builds(m.events.slice(mark)), ['build-start 2'], 'said as the hook starts');
  // The generator rewrites gen.go: the key moves with it.
  m.written('gen.go');
  m.setKey('k3');
  hook.succeed();
  await saved;
  assert.deepEqual(m.builds.map((b) => b.key), ['k1', 'k3']);
  const after = m.log.slice(m.log.indexOf('hook go.build.pre (main.go)'));
  // go.sum, which this project lacks, is read again too: a file gone may be the hook's doing.
  assert.match(after.join(' | '), /^hook go\.build\.pre \(main\.go\) \| read \d+: gen\.go go\.sum \| lookup k3 \| go build k3/);
  m.builds[1]!.succeed();
  await m.until(() => m.runs.length === 2, 'the k3 program');
  assert.deepEqual(builds(m.events.slice(mark)), ['build-start 2', 'build-ok 2']);
  // What moved while it ran (its own writes, or a save meanwhile) is told to its next run.
  const next = m.save('k4');
  const again = await running(m, 'go.build.pre');
  assert.deepEqual(names(again.context.changed), ['gen.go', 'main.go']);
  again.succeed();
  await next;
});

test("the watcher's report of what go.build.pre wrote is no change: said nowhere, the build goes on, and its binary is trusted", async (t) => {
  const m = await hooked(t, ['go.build.pre']);
  const saved = m.save('k2');
  const hook = await running(m, 'go.build.pre');
  m.written('gen.go');
  m.setKey('k3');
  hook.succeed();
  await saved;
  // Reported while go builds (a poll is late): neither a change nor a reason to distrust the binary.
  m.loop.onPaths([m.file('gen.go')]);
  const mark = m.events.length;
  await m.batch('gen.go');
  assert.deepEqual(m.events.slice(mark), [], 'nothing said');
  assert.equal(m.builds[1]!.canceled, false, 'the build goes on');
  m.builds[1]!.succeed();
  await m.until(() => m.runs.length === 2, 'the k3 program');
  await m.batch('notes.md');
  assert.ok(!m.log.includes('forget k3'), `the binary is taken for its key: ${m.log.join(' | ')}`);
  assert.equal(m.hookRuns.length, 2, 'the hook ran once for the save');
});

test('a save of a file go.build.pre wrote, after it ran, is a change: the build is canceled and the hook runs again', async (t) => {
  const m = await hooked(t, ['go.build.pre']);
  const saved = m.save('k2');
  const hook = await running(m, 'go.build.pre');
  m.written('gen.go');
  hook.succeed();
  await saved;
  // The user saves gen.go once the hook is over: its time is past the hook's.
  m.written('gen.go');
  m.setKey('k4');
  const again = m.batch('gen.go');
  const next = await running(m, 'go.build.pre');
  assert.equal(m.builds[1]!.canceled, true);
  assert.deepEqual(names(next.context.changed), ['gen.go']);
  assert.ok(m.events.some((e) => e.event === 'change' && e.files.includes('gen.go')));
  next.succeed();
  await again;
  assert.deepEqual(m.builds.map((b) => b.key), ['k1', 'k2', 'k4']);
});

test('a failing go.build.pre fails the build with its output: no go build, the program runs on, and the next save tells the hook of both saves', async (t) => {
  const m = await hooked(t, ['go.build.pre']);
  const saved = m.save('k2');
  (await running(m, 'go.build.pre')).fail('main.go:1:9: exported func Serve should have comment\n');
  await saved;
  const failed = [...m.events].reverse().find((e) => e.event === 'build-fail');
  assert.ok(failed?.event === 'build-fail');
  assert.deepEqual(failed.hook, { key: 'go.build.pre', command: ['lint', './...'], code: 1, signal: null, timedOut: false });
  assert.deepEqual(failed.diagnostics, [{ file: 'main.go', line: 1, column: 9, message: 'exported func Serve should have comment' }]);
  assert.equal(m.builds.length, 1, 'no go build');
  assert.deepEqual(m.runs, [bin('k1')]);

  m.setKey('k3');
  const again = m.batch('gen.go');
  const hook = await running(m, 'go.build.pre');
  assert.deepEqual(names(hook.context.changed), ['gen.go', 'main.go'], 'the failed save is told again');
  hook.succeed();
  await again;
  m.builds[1]!.succeed();
  await m.until(() => m.runs.length === 2, 'the k3 program');
  const third = m.save('k4');
  const last = await running(m, 'go.build.pre');
  assert.deepEqual(names(last.context.changed), ['main.go'], 'only what changed since it succeeded');
  last.succeed();
  await third;
});

test('go.build.pre runs only when go would: a key built before, and a key the hook leads back to, come from the cache', async (t) => {
  const m = await hooked(t, ['go.build.pre']);
  const saved = m.save('k2');
  (await running(m, 'go.build.pre')).succeed();
  await saved;
  m.builds[1]!.succeed();
  await m.until(() => m.runs.length === 2, 'the k2 program');
  await m.save('k1');
  assert.equal(m.hookRuns.length, 2, 'no hook for a key built before');
  assert.deepEqual(m.runs.at(-1), bin('k1'));

  // The hook regenerates what makes the key k2 again: built before, so no go build.
  const mark = m.events.length;
  const back = m.save('k5');
  const hook = await running(m, 'go.build.pre');
  m.setKey('k2');
  hook.succeed();
  await back;
  assert.equal(m.builds.length, 2, 'no go build');
  assert.deepEqual(builds(m.events.slice(mark)), ['build-start 4', 'build-ok 4 cached']);
  assert.deepEqual(m.runs.at(-1), bin('k2'));
});

test('go.build.post runs once go built, before the program starts; a failing one fails the build, and a save cancels one under way', async (t) => {
  const m = await hooked(t, ['go.build.post']);
  await m.save('k2');
  m.builds[1]!.succeed();
  const post = await running(m, 'go.build.post');
  assert.equal(post.context.binary, '/cache/build/program', 'told the binary built');
  assert.deepEqual(m.runs, [bin('k1')], 'not started before it ends');
  post.fail('codesign: no identity found\n');
  await m.until(() => m.events.some((e) => e.event === 'build-fail'), 'build-fail');
  const failed = [...m.events].reverse().find((e) => e.event === 'build-fail');
  assert.ok(failed?.event === 'build-fail' && failed.hook?.key === 'go.build.post' && failed.output === 'codesign: no identity found\n');
  assert.deepEqual(m.runs, [bin('k1')]);
  assert.ok(!m.log.includes('store k2'), 'its binary is not kept');

  await m.save('k3');
  m.builds[2]!.succeed();
  const under = await running(m, 'go.build.post');
  await m.save('k4');
  assert.equal(under.canceled, true, 'the newer save stopped it');
  m.builds[3]!.succeed();
  (await running(m, 'go.build.post')).succeed();
  await m.until(() => m.runs.length === 2, 'the k4 program');
  assert.deepEqual(m.runs, [bin('k1'), bin('k4')]);
});

test('go.run.preStart runs before a program starts, while the old one runs; when it fails nothing starts, and the next save of that key tries again', async (t) => {
  const m = await hooked(t, ['go.run.preStart']);
  await m.save('k2');
  m.builds[1]!.succeed();
  const first = await running(m, 'go.run.preStart');
  assert.equal(first.context.binary, bin('k2'));
  assert.deepEqual(m.runs, [bin('k1')], 'the old program runs while it does');
  first.fail('migration 0007 failed: column exists\n');
  await m.until(() => m.events.some((e) => e.event === 'hook-fail'), 'hook-fail');
  const failed = m.events.find((e) => e.event === 'hook-fail');
  assert.ok(failed?.event === 'hook-fail' && failed.running && failed.hook.key === 'go.run.preStart' && failed.output === 'migration 0007 failed: column exists\n');
  assert.deepEqual(m.runs, [bin('k1')]);

  // The same key again is not "unchanged": what runs is still k1. Built before, it comes from the cache.
  const again = m.save('k2');
  const second = await running(m, 'go.run.preStart');
  assert.deepEqual(names(second.context.changed), ['main.go'], 'told of the saves since it last succeeded');
  second.succeed();
  await again;
  assert.deepEqual(m.runs, [bin('k1'), bin('k2')]);
  assert.equal(m.builds.length, 2);
  // A restart asks for it too.
  const restart = m.batch('app.yaml');
  (await running(m, 'go.run.preStart')).succeed();
  await restart;
  assert.deepEqual(m.runs, [bin('k1'), bin('k2'), bin('k2')]);
});

test('gowatch stopping while go.build.pre runs stops it, and the build it started ends canceled', async (t) => {
  const m = await hooked(t, ['go.build.pre']);
  const saved = m.save('k2');
  const hook = await running(m, 'go.build.pre');
  await m.loop.close();
  await saved;
  assert.equal(hook.canceled, true);
  assert.deepEqual(builds(m.events).slice(-2), ['build-start 2', 'build-canceled 2']);
  assert.equal(m.builds.length, 1);
});

test('rebuild() runs the current key anew: from the cache, or with force built by go; a build under way is dropped', async (t) => {
  const m = await machine(t);
  await m.loop.rebuild();
  assert.deepEqual(m.runs, [bin('k1'), bin('k1')], 'restarted from the cache');
  assert.equal(m.builds.length, 1, 'no go build');
  assert.deepEqual(builds(m.events).at(-1), 'build-ok 2 cached');

  await m.loop.rebuild({ force: true });
  assert.equal(m.builds.length, 2, 'force: go builds the same key');
  assert.equal(m.builds[1]!.key, 'k1');
  m.builds[1]!.succeed();
  await m.until(() => m.runs.length === 3, 'the rebuilt k1 program');
  assert.deepEqual(builds(m.events).slice(-2), ['build-start 3', 'build-ok 3']);

  // Asked for while a save's build runs: that build is dropped, and the rebuild is for the same newest key.
  await m.save('k2');
  const rebuilt = m.loop.rebuild({ force: true });
  await rebuilt;
  assert.deepEqual(m.builds.map((b) => [b.key, b.canceled]).slice(2), [['k2', true], ['k2', false]]);
  m.builds[3]!.succeed();
  await m.until(() => m.runs.length === 4, 'the k2 program');
  assert.deepEqual(m.runs.at(-1), bin('k2'));
});
