import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Debouncer } from '../src/watch/debounce.js';

/**
 * The debounce decides when a burst is over, not when the first build may start: the first
 * change after a quiet period is handed over at once, the rest of the burst together after it.
 */
test('the first change goes at once, the rest of a burst as one batch after the quiet time', async () => {
  const batches: string[][] = [];
  const debouncer = new Debouncer(80, (batch) => batches.push([...batch].sort()));
  debouncer.add(['a']);
  assert.deepEqual(batches, [['a']], 'handed over synchronously');
  assert.equal(debouncer.pending, false);
  for (const file of ['b', 'c', 'b']) {
    debouncer.add([file]);
    await sleep(20);
  }
  assert.deepEqual(batches, [['a']], 'the burst is still gathering');
  assert.equal(debouncer.pending, true, 'a finished build must wait for the burst');
  await sleep(150);
  assert.deepEqual(batches, [['a'], ['b', 'c']]);
  assert.equal(debouncer.pending, false);
  // Once the quiet time has passed, the next change again goes at once.
  debouncer.add(['d']);
  assert.deepEqual(batches.at(-1), ['d']);
  debouncer.cancel();
});

test('an empty add does not open a burst, and cancel drops what was gathering', async () => {
  const batches: string[][] = [];
  const debouncer = new Debouncer(50, (batch) => batches.push([...batch]));
  debouncer.add([]);
  debouncer.add(['a']);
  debouncer.add(['b']);
  debouncer.cancel();
  await sleep(100);
  assert.deepEqual(batches, [['a']]);
  debouncer.add(['c']);
  assert.deepEqual(batches, [['a'], ['c']], 'after cancel the next change goes at once');
  debouncer.cancel();
});
