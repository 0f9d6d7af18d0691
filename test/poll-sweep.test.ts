import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { subscribeSweep, type SweepInfo } from '../src/watch/poll-sweep.js';
import { tempDir, writeTree } from './support/fixtures.js';

/** Generous: the machine running the tests may be busy. */
const SLACK_MS = 3000;

/** Everything a subscription reported, with when. */
class Recorder {
  /** Each onPaths call, when, and how many sweeps had ended before it. */
  readonly batches: { at: number; sweep: number; paths: readonly string[] }[] = [];
  sweeps = 0;
  readonly onSweep = () => {
    this.sweeps += 1;
  };
  readonly errors: Error[] = [];
  readonly onPaths = (paths: readonly string[]) => {
    this.batches.push({ at: performance.now(), sweep: this.sweeps, paths: [...paths] });
  };
  readonly onError = (error: Error) => {
    this.errors.push(error);
  };

  mark(): number {
    return this.batches.length;
  }

  pathsSince(mark: number): string[] {
    return this.batches.slice(mark).flatMap((batch) => batch.paths);
  }

  /** Waits until every path of `expected` was reported after `mark`; the time it took from `since` (within 5 ms). */
  async waitFor(mark: number, expected: readonly string[], since: number, timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const seen = new Set(this.pathsSince(mark));
      if (expected.every((file) => seen.has(file))) return performance.now() - since;
      if (performance.now() > deadline) {
        assert.fail(`not reported within ${timeoutMs} ms: ${expected.filter((file) => !seen.has(file)).join(', ')}; reported: ${[...seen].join(', ') || 'nothing'}`);
      }
      await sleep(5);
    }
  }
}

const INTERVAL_MS = 50;

test('the sweep reports creations, edits, deletions, renames, new and removed trees, and nothing from ignored directories', async (t) => {
  const fixture = tempDir('gowatch-sweep-');
  t.after(() => fixture.cleanup());
  const root = fixture.dir;
  const at = (rel: string) => path.join(root, rel);
  writeTree(root, {
    'a.txt': 'aaaa',
    'sub/b.go': 'package sub\n',
    'nested/c.txt': 'c',
    'nested/deep/d.txt': 'd',
    'nested/deep/deeper/e.txt': 'e',
    'ignored/x.txt': 'x',
    'ignored/inner/y.txt': 'y',
    'keep/z.txt': 'z',
  });
  // A link loop: not followed, so it is one entry, not an endless tree.
  symlinkSync('.', at('keep/loop'));
  const recorder = new Recorder();
  const subscription = await subscribeSweep({
    root,
    ignoreDirs: [at('ignored')],
    intervalMs: INTERVAL_MS,
    onPaths: recorder.onPaths,
    onError: recorder.onError,
    onSweep: recorder.onSweep,
  });
  t.after(() => subscription.close());
  assert.equal(recorder.mark(), 0, 'the initial scan reports nothing');
  assert.equal(recorder.sweeps, 1, 'the initial scan is done when subscribeSweep resolves');

  /** Acts, waits for exactly `expected` to be reported within interval + slack, and for nothing else after. */
  const step = async (what: string, act: () => void, expected: readonly string[]) => {
    const mark = recorder.mark();
    const since = performance.now();
    const sweepsBefore = recorder.sweeps;
    act();
    const took = await recorder.waitFor(mark, expected, since, INTERVAL_MS + SLACK_MS);
    // A few more sweeps: nothing more may come of this step.
    await sleep(INTERVAL_MS * 4);
    assert.deepEqual([...new Set(recorder.pathsSince(mark))].sort(), [...expected].sort(), `${what}: exactly these paths`);
    assert.equal(recorder.pathsSince(mark).length, expected.length, `${what}: each path once`);
    assert.ok(took <= INTERVAL_MS + SLACK_MS, `${what}: reported after ${took} ms`);
    return { batches: recorder.batches.slice(mark), sweepsBefore };
  };

  await step('create', () => writeFileSync(at('new.txt'), 'new'), [at('new.txt')]);
  await step(
    'modify, same size',
    () => {
      writeFileSync(at('a.txt'), 'bbbb');
      // Same size, and an mtime that surely differs from the recorded one.
      utimesSync(at('a.txt'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    },
    [at('a.txt')],
  );
  await step('delete', () => rmSync(at('sub/b.go')), [at('sub/b.go')]);
  await step('create the file to rename', () => writeFileSync(at('tmp.txt'), 'other'), [at('tmp.txt')]);
  await step('rename over an existing file', () => renameSync(at('tmp.txt'), at('new.txt')), [at('tmp.txt'), at('new.txt')]);
  const fresh = await step(
    'mkdir and three files at once',
    () => {
      mkdirSync(at('fresh/inner'), { recursive: true });
      writeFileSync(at('fresh/one.go'), '1');
      writeFileSync(at('fresh/two.go'), '2');
      writeFileSync(at('fresh/inner/three.go'), '3');
    },
    [at('fresh/one.go'), at('fresh/two.go'), at('fresh/inner/three.go')],
  );
  // The act was synchronous, so the first sweep after it saw all of it.
  assert.deepEqual(
    fresh.batches.map((batch) => batch.sweep),
    [fresh.sweepsBefore],
    'a new directory is entered by the sweep that finds it: its files come in one batch, from the first sweep after the mkdir',
  );
  await step(
    'rmdir of a tree',
    () => rmSync(at('nested'), { recursive: true }),
    [at('nested'), at('nested/c.txt'), at('nested/deep'), at('nested/deep/d.txt'), at('nested/deep/deeper'), at('nested/deep/deeper/e.txt')],
  );
  await step(
    'changes in an ignored directory',
    () => {
      writeFileSync(at('ignored/x.txt'), 'changed');
      writeFileSync(at('ignored/inner/new.txt'), 'new');
      rmSync(at('ignored/inner/y.txt'));
    },
    [],
  );
  await step('removal of the ignored directory itself', () => rmSync(at('ignored'), { recursive: true }), []);

  const all = recorder.pathsSince(0);
  assert.ok(!all.some((file) => file.startsWith(at('ignored') + path.sep)), 'nothing below an ignored directory');
  assert.ok(!all.some((file) => file.includes(`${path.sep}loop${path.sep}`)), 'the symbolic link is not followed');
  assert.deepEqual(recorder.errors, []);
});

test('a file replaced by a directory, and a directory by a file, are both seen', async (t) => {
  const fixture = tempDir('gowatch-sweep-kind-');
  t.after(() => fixture.cleanup());
  const root = fixture.dir;
  const at = (rel: string) => path.join(root, rel);
  writeTree(root, { 'was-file': 'f', 'was-dir/inside.txt': 'i' });
  const recorder = new Recorder();
  const subscription = await subscribeSweep({ root, ignoreDirs: [], intervalMs: INTERVAL_MS, onPaths: recorder.onPaths, onError: recorder.onError });
  t.after(() => subscription.close());
  const mark = recorder.mark();
  rmSync(at('was-file'));
  writeTree(root, { 'was-file/now.txt': 'n' });
  rmSync(at('was-dir'), { recursive: true });
  writeFileSync(at('was-dir'), 'now a file');
  await recorder.waitFor(mark, [at('was-file'), at('was-file/now.txt'), at('was-dir'), at('was-dir/inside.txt')], performance.now(), INTERVAL_MS + SLACK_MS);
});

test('the root itself removed: it and everything it held are reported', async (t) => {
  const fixture = tempDir('gowatch-sweep-root-');
  t.after(() => fixture.cleanup());
  const root = path.join(fixture.dir, 'root');
  writeTree(root, { 'a.go': 'a', 'sub/b.go': 'b' });
  const recorder = new Recorder();
  const subscription = await subscribeSweep({ root, ignoreDirs: [], intervalMs: INTERVAL_MS, onPaths: recorder.onPaths, onError: recorder.onError });
  t.after(() => subscription.close());
  rmSync(root, { recursive: true });
  await recorder.waitFor(0, [root, path.join(root, 'a.go'), path.join(root, 'sub'), path.join(root, 'sub/b.go')], performance.now(), INTERVAL_MS + SLACK_MS);
  // Back again: its files are new.
  writeTree(root, { 'c.go': 'c' });
  await recorder.waitFor(0, [path.join(root, 'c.go')], performance.now(), INTERVAL_MS + SLACK_MS);
  assert.deepEqual(recorder.errors, []);
});

test('a root that is a symbolic link to the tree is polled through the link', async (t) => {
  const fixture = tempDir('gowatch-sweep-link-');
  t.after(() => fixture.cleanup());
  const real = path.join(fixture.dir, 'real');
  const root = path.join(fixture.dir, 'link');
  writeTree(real, { 'a.go': 'a' });
  symlinkSync(real, root);
  const recorder = new Recorder();
  const subscription = await subscribeSweep({ root, ignoreDirs: [], intervalMs: INTERVAL_MS, onPaths: recorder.onPaths, onError: recorder.onError });
  t.after(() => subscription.close());
  writeFileSync(path.join(real, 'b.go'), 'b');
  await recorder.waitFor(0, [path.join(root, 'b.go')], performance.now(), INTERVAL_MS + SLACK_MS);
});

test('a settled directory is not listed again, and changes in it are still seen', async (t) => {
  const fixture = tempDir('gowatch-sweep-settled-');
  t.after(() => fixture.cleanup());
  const root = fixture.dir;
  const at = (rel: string) => path.join(root, rel);
  writeTree(root, { 'a/one.go': '1', 'a/two.go': '2', 'b/c/three.go': '3' });
  const sweeps: SweepInfo[] = [];
  const recorder = new Recorder();
  const settleMs = 200;
  const subscription = await subscribeSweep({
    root,
    ignoreDirs: [],
    intervalMs: 20,
    settleMs,
    onPaths: recorder.onPaths,
    onError: recorder.onError,
    onSweep: (info) => sweeps.push(info),
  });
  t.after(() => subscription.close());
  assert.equal(sweeps[0]?.listed, 4, 'the initial scan lists every directory');
  const settled = async () => {
    const deadline = performance.now() + SLACK_MS + settleMs * 3;
    while (sweeps.at(-1)?.listed !== 0) {
      assert.ok(performance.now() < deadline, `directories still listed: ${sweeps.slice(-5).map((s) => s.listed).join(', ')}`);
      await sleep(10);
    }
    assert.equal(sweeps.at(-1)!.dirs, 4 + dirs, 'every directory still visited');
    assert.equal(sweeps.at(-1)!.files, 3 + files, 'every file still checked');
  };
  let files = 0;
  let dirs = 0;
  await settled();
  /** `lists`: whether the change is to a directory's names, which gets it listed again. */
  const change = async (act: () => void, expected: readonly string[], lists: boolean) => {
    const mark = recorder.mark();
    const from = sweeps.length;
    act();
    await recorder.waitFor(mark, expected, performance.now(), SLACK_MS);
    assert.equal(sweeps.slice(from).some((s) => s.listed > 0), lists, lists ? 'the changed directory was listed' : 'a file changed, no directory listed');
    await settled();
  };
  await change(() => {
    writeFileSync(at('a/new.go'), 'n');
    files += 1;
  }, [at('a/new.go')], true);
  await change(() => writeFileSync(at('b/c/three.go'), 'three'), [at('b/c/three.go')], false);
  await change(() => {
    rmSync(at('a/one.go'));
    files -= 1;
  }, [at('a/one.go')], true);
  await change(() => {
    mkdirSync(at('b/d'));
    writeFileSync(at('b/d/four.go'), '4');
    files += 1;
    dirs += 1;
  }, [at('b/d/four.go')], true);
  assert.equal(new Set(recorder.pathsSince(0)).size, recorder.pathsSince(0).length, 'each path reported once');
  assert.deepEqual(recorder.errors, []);
});

test('sweeps that take longer than the interval never overlap, and each change is reported once', async (t) => {
  const fixture = tempDir('gowatch-sweep-slow-');
  t.after(() => fixture.cleanup());
  const root = path.join(fixture.dir, 'tree');
  const outside = path.join(fixture.dir, 'outside');
  mkdirSync(outside);
  const DIRS = 150;
  const PER_DIR = 30;
  const files: string[] = [];
  for (let d = 0; d < DIRS; d++) {
    const dir = path.join(root, `g${d % 10}`, `d${d}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < PER_DIR; f++) {
      const file = path.join(dir, `f${f}.go`);
      writeFileSync(file, 'package x\n');
      files.push(file);
    }
  }
  const interval = 1;
  const sweeps: SweepInfo[] = [];
  const recorder = new Recorder();
  const subscription = await subscribeSweep({
    root,
    ignoreDirs: [],
    intervalMs: interval,
    onPaths: recorder.onPaths,
    onError: recorder.onError,
    onSweep: (info) => sweeps.push(info),
  });
  t.after(() => subscription.close());
  assert.equal(sweeps[0]?.files, DIRS * PER_DIR, 'the initial scan saw every file');

  // Changes made at random moments while sweeps run, each in one system call so that a sweep
  // sees it whole: a new mtime (utimes), or a new file moved in (rename).
  const expected: string[] = [];
  for (let k = 0; k < 40; k++) {
    if (k % 2 === 0) {
      const file = files[(k * 97) % files.length]!;
      utimesSync(file, new Date(2000, 0, 1 + k), new Date(2000, 0, 1 + k));
      expected.push(file);
    } else {
      const from = path.join(outside, `n${k}.go`);
      const to = path.join(root, `g${k % 10}`, `d${k % DIRS}`, `new${k}.go`);
      writeFileSync(from, 'package x\n');
      renameSync(from, to);
      expected.push(to);
    }
    await sleep(3 + ((k * 7) % 11));
  }
  const mark = 0;
  await recorder.waitFor(mark, expected, performance.now(), SLACK_MS * 3);
  // Enough sweeps to see them follow one another, however slow a loaded machine makes each.
  const enough = performance.now() + 60_000;
  while (sweeps.length < 6 && performance.now() < enough) await sleep(50);
  await subscription.close();

  const reported = recorder.pathsSince(0);
  for (const file of expected) assert.equal(reported.filter((p) => p === file).length, 1, `${file} reported once`);
  assert.equal(reported.length, expected.length, 'nothing else reported');
  const timed = sweeps.slice(1);
  assert.ok(timed.length >= 5, `several sweeps ran (${timed.length})`);
  const durations = timed.map((s) => s.endedAt - s.startedAt).sort((a, b) => a - b);
  const median = durations[Math.floor(durations.length / 2)]!;
  assert.ok(median > interval, `a sweep takes longer than the interval (median ${median.toFixed(1)} ms): the case under test`);
  for (let i = 1; i < sweeps.length; i++) {
    const previous = sweeps[i - 1]!;
    const current = sweeps[i]!;
    assert.ok(current.startedAt >= previous.endedAt, `sweep ${i} started ${(previous.endedAt - current.startedAt).toFixed(1)} ms before sweep ${i - 1} ended`);
    // After an overrun, a pause at least as long as the sweep (timers may fire a little early).
    const took = previous.endedAt - previous.startedAt;
    assert.ok(current.startedAt - previous.endedAt >= took - 2, `pause after sweep ${i - 1}: ${(current.startedAt - previous.endedAt).toFixed(1)} ms, it took ${took.toFixed(1)} ms`);
  }
  assert.deepEqual(recorder.errors, []);
});

test('close() stops the timer: nothing is reported after it, even when closed mid-sweep', async (t) => {
  const fixture = tempDir('gowatch-sweep-close-');
  t.after(() => fixture.cleanup());
  const root = fixture.dir;
  for (let d = 0; d < 100; d++) writeTree(root, Object.fromEntries(Array.from({ length: 20 }, (_, f) => [`d${d}/f${f}.txt`, 'x'])));
  let sweeps = 0;
  const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
  const timersBefore = timers();
  const recorder = new Recorder();
  const subscription = await subscribeSweep({
    root,
    ignoreDirs: [],
    intervalMs: 20,
    onPaths: recorder.onPaths,
    onError: recorder.onError,
    onSweep: () => (sweeps += 1),
  });
  t.after(() => subscription.close());
  // It polls: a change is seen before close.
  writeFileSync(path.join(root, 'before.txt'), 'b');
  await recorder.waitFor(0, [path.join(root, 'before.txt')], performance.now(), SLACK_MS);
  await sleep(7);
  const closing = subscription.close();
  writeFileSync(path.join(root, 'after.txt'), 'a');
  await closing;
  assert.equal(timers(), timersBefore, 'no timer of the subscription is left');
  const mark = recorder.mark();
  const sweepsAtClose = sweeps;
  writeFileSync(path.join(root, 'later.txt'), 'l');
  rmSync(path.join(root, 'd1'), { recursive: true });
  await sleep(500);
  assert.deepEqual(recorder.pathsSince(mark), [], 'no paths after close() resolved');
  assert.equal(sweeps, sweepsAtClose, 'no sweep after close() resolved');
  assert.ok(!recorder.pathsSince(0).includes(path.join(root, 'later.txt')));
});
