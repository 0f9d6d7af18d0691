import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Debouncer } from '../src/watch/debounce.js';

/**
 * The debounce decides when a burst is over, not when the first build may start: the first
 * change after a quiet period is handed over almost at once (with what arrived in the same
 * moment: one save's events), the rest of the burst together after the quiet time.
 */
test('the first change goes almost at once, the rest of a burst as one batch after the quiet time', async () => {
  const batches: string[][] = [];
  const debouncer = new Debouncer(80, (batch) => batches.push([...batch].sort()));
  debouncer.add(['a']);
  debouncer.add(['a2']);
  assert.deepEqual(batches, [], 'one save is seen whole');
  await sleep(30);
  assert.deepEqual(batches, [['a', 'a2']], 'long before the quiet time');
  assert.equal(debouncer.pending, false);
  for (const file of ['b', 'c', 'b']) {
    debouncer.add([file]);
    await sleep(20);
  }
  assert.deepEqual(batches, [['a', 'a2']], 'the burst is still gathering');
  assert.equal(debouncer.pending, true, 'a finished build must wait for the burst');
  await sleep(150);
  assert.deepEqual(batches, [['a', 'a2'], ['b', 'c']]);
  assert.equal(debouncer.pending, false);
  // Once the quiet time has passed, the next change again goes almost at once.
  debouncer.add(['d']);
  await sleep(30);
  assert.deepEqual(batches.at(-1), ['d']);
  debouncer.cancel();
});

test('an empty add opens no burst, and cancel drops what was gathering', async () => {
  const batches: string[][] = [];
  const debouncer = new Debouncer(50, (batch) => batches.push([...batch]));
  debouncer.add([]);
  await sleep(20);
  debouncer.add(['a']);
  await sleep(20);
  debouncer.add(['b']);
  debouncer.cancel();
  await sleep(100);
  assert.deepEqual(batches, [['a']]);
  debouncer.add(['c']);
  await sleep(30);
  assert.deepEqual(batches, [['a'], ['c']], 'after cancel the next change goes almost at once');
  debouncer.cancel();
});

test('with no quiet time every change goes at once', async () => {
  const batches: string[][] = [];
  const debouncer = new Debouncer(0, (batch) => batches.push([...batch]));
  debouncer.add(['a']);
  await sleep(5);
  debouncer.add(['b']);
  await sleep(5);
  assert.deepEqual(batches, [['a'], ['b']]);
  debouncer.cancel();
});

test('a path that cannot matter neither opens a burst nor is waited for: it goes with the end of the burst', async () => {
  const batches: string[][] = [];
  const debouncer = new Debouncer(200, (batch) => batches.push([...batch].sort()), (file) => file.endsWith('.go'));
  // An editor's temporary file, then the save it makes.
  debouncer.add(['sed1']);
  await sleep(30);
  assert.deepEqual(batches, [], 'no burst is opened by it');
  assert.equal(debouncer.pending, false, 'a finished build does not wait for it');
  debouncer.add(['sed1', 'a.go']);
  await sleep(30);
  assert.deepEqual(batches, [['a.go']], 'the save goes at once, without it');
  await sleep(300);
  assert.deepEqual(batches, [['a.go'], ['sed1']], 'it goes with the end of the burst');
  // With no burst on, it goes once the quiet time has passed since it came, however often it is written.
  debouncer.add(['app.log']);
  await sleep(100);
  debouncer.add(['app.log']);
  await sleep(150);
  assert.deepEqual(batches.at(-1), ['app.log']);
  debouncer.cancel();
});
