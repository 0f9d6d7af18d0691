import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { MAX_INPUT_BYTES, MISSING, readInput, readInputNow } from '../src/go/read-input.js';
import { tempDir } from './support/fixtures.js';

/**
 * The few files of one edit are read without the thread pool: whatever a file is, that read
 * must give what the asynchronous one gives, or leave the file to it.
 */
test('a file read at once is what the asynchronous read makes of it; a larger one is left to that read', async () => {
  const dir = tempDir('gowatch-read-now-');
  try {
    const file = (name: string) => path.join(dir.dir, name);
    writeFileSync(file('main.go'), 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n');
    writeFileSync(file('empty.go'), '');
    writeFileSync(file('asset.txt'), 'embedded\n');
    mkdirSync(file('dir'));
    assert.equal(spawnSync('mkfifo', [file('fifo.go')]).status, 0, 'mkfifo');
    writeFileSync(file('big.bin'), '');
    truncateSync(file('big.bin'), MAX_INPUT_BYTES + 1);
    const same = ['main.go', 'empty.go', 'asset.txt', 'dir', 'fifo.go', 'big.bin', 'missing.go'];
    for (const name of same) assert.deepEqual(readInputNow(file(name)), await readInput(file(name)), name);
    assert.equal(readInputNow(file('main.go'))!.shape, 'main\n"fmt"');
    assert.equal(readInputNow(file('missing.go')), MISSING);
    assert.equal(readInputNow(file('fifo.go'))!.refusal?.kind, 'special');

    writeFileSync(file('large.go'), `package main\n\n// ${'x'.repeat(1024 * 1024)}\n`);
    assert.equal(readInputNow(file('large.go')), undefined, 'left to the asynchronous read');
    assert.equal((await readInput(file('large.go'))).shape, 'main');
  } finally {
    dir.cleanup();
  }
});
