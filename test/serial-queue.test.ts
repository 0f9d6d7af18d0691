import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SerialQueue } from '../src/serial-queue.js';

/** A promise the test settles. */
const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
};

test('tasks run one at a time, in order, each once the one before has ended', async () => {
  const queue = new SerialQueue();
  const order: string[] = [];
  const first = deferred();
  const one = queue.run(async () => {
    order.push('1 starts');
    await first.promise;
    order.push('1 ends');
  });
  const two = queue.run(() => void order.push('2 runs'));
  await Promise.resolve();
  assert.deepEqual(order, ['1 starts']);
  first.resolve();
  await Promise.all([one, two]);
  assert.deepEqual(order, ['1 starts', '1 ends', '2 runs']);
});

test('run: a task\'s result and failure are its caller\'s, and a failure stops none of the tasks after it', async () => {
  const queue = new SerialQueue();
  const failed = queue.run(() => Promise.reject(new Error('broken')));
  const after = queue.run(() => 42);
  await assert.rejects(failed, /broken/);
  assert.equal(await after, 42);
});

test('push: a failure goes to the report before the next task starts, and the caller\'s promise resolves', async () => {
  const queue = new SerialQueue();
  const order: string[] = [];
  const pushed = queue.push(
    () => Promise.reject(new Error('broken')),
    (error) => order.push(`reported ${(error as Error).message}`),
  );
  const next = queue.run(() => void order.push('next runs'));
  await pushed;
  await next;
  assert.deepEqual(order, ['reported broken', 'next runs']);
});

test('settled: resolves once every task queued so far has ended, whatever their outcome', async () => {
  const queue = new SerialQueue();
  const gate = deferred();
  let ended = false;
  void queue.run(() => Promise.reject(new Error('broken'))).catch(() => undefined);
  void queue.run(async () => {
    await gate.promise;
    ended = true;
  });
  const settled = queue.settled().then(() => ended);
  gate.resolve();
  assert.equal(await settled, true);
});
