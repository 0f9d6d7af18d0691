import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { behavingProject } from './support/behaving-project.js';
import { tempDir } from './support/fixtures.js';
import { GowatchProcess, stopAllGowatch } from './support/gowatch-process.js';
import type { GowatchEvent } from '../src/events.js';
import { MAX_INPUT_BYTES, readInput } from '../src/go/read-input.js';

const cache = tempDir('gowatch-cache-');
after(async () => {
  await stopAllGowatch();
  cache.cleanup();
});

/** Long enough for any machine to read a batch; a gowatch that hangs fails here instead of hanging the suite. */
const SAID_WITHIN_MS = 60_000;
/** gowatch's resident memory ceiling: far above its own needs, far below what reading /dev/zero reaches in seconds. */
const MEMORY_CEILING_BYTES = 1024 ** 3;

const mkfifo = (file: string) => assert.equal(spawnSync('mkfifo', [file]).status, 0, `mkfifo ${file}`);

/** The peak resident memory of a live process (VmHWM), in bytes. */
const peakMemory = (pid: number): number => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

/**
 * Waits for an event while watching gowatch's memory: a gowatch that reads without bound fails
 * the test as soon as it crosses the ceiling, rather than taking the machine's memory with it.
 */
const waitBounded = async (gowatch: GowatchProcess, predicate: (event: GowatchEvent) => boolean, from: number): Promise<GowatchEvent> => {
  let timer: NodeJS.Timeout | undefined;
  const overgrown = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      const peak = peakMemory(gowatch.child.pid!);
      if (peak > MEMORY_CEILING_BYTES) reject(new Error(`gowatch's memory grew to ${peak} bytes`));
    }, 100);
  });
  try {
    return await Promise.race([gowatch.waitFor(predicate, from, SAID_WITHIN_MS), overgrown]);
  } finally {
    clearInterval(timer);
  }
};

const warningAbout = (file: string, what: string) => (event: GowatchEvent) =>
  event.event === 'warning' && event.target === '.' && event.message.startsWith(`${file} is ${what}`);

/** SIGINT, with a bound: a gowatch that ignores it is killed (so the suite goes on) and the test fails. */
const interrupt = async (gowatch: GowatchProcess) => {
  const killer = setTimeout(() => gowatch.child.kill('SIGKILL'), SAID_WITHIN_MS);
  const exit = await gowatch.stop('SIGINT');
  clearTimeout(killer);
  assert.deepEqual(exit, { code: 130, signal: null }, 'gowatch ends on SIGINT, with 130');
};

/** A special file named like a source in the package directory: said once, nothing read or run until it is gone, then served. */
const specialFileScenario = async (name: string, make: (file: string) => void, what: string) => {
  const project = behavingProject(name, { cacheDir: cache.dir });
  const gowatch = project.start();
  try {
    await project.served('v0');
    const special = path.join(project.dir, `${name}.go`);
    let mark = gowatch.mark();
    make(special);
    await waitBounded(gowatch, warningAbout(`${name}.go`, what), mark);

    // An edit while it is there is seen; once it is gone, the edit is served.
    mark = gowatch.mark();
    project.setVersion('v1');
    await waitBounded(gowatch, (e) => e.event === 'change' && e.files.includes('version.go'), mark);
    rmSync(special);
    await project.served('v1');

    // Said again only when it comes back after being gone; SIGINT ends gowatch while it is there.
    mark = gowatch.mark();
    make(special);
    await waitBounded(gowatch, warningAbout(`${name}.go`, what), mark);
    assert.ok(peakMemory(gowatch.child.pid!) < MEMORY_CEILING_BYTES);
    await interrupt(gowatch);

    const warnings = gowatch.events.filter((e) => e.event === 'warning' && e.message.includes(`${name}.go`));
    assert.equal(warnings.length, 2, `said once each time it appeared: ${JSON.stringify(warnings)}`);
    assert.deepEqual(gowatch.events.filter((e) => e.event === 'error'), []);
    assert.deepEqual(gowatch.invalidLines, []);
    assert.deepEqual(await project.survivors(), [], 'the program is stopped');
  } finally {
    if (gowatch.child.exitCode === null && gowatch.child.signalCode === null) await gowatch.stop('SIGKILL');
    project.cleanup();
  }
};

test('a FIFO named *.go in the package directory: said, nothing hangs, the edit is served once it is gone, SIGINT ends gowatch', () =>
  specialFileScenario('fifo', mkfifo, 'a FIFO (named pipe)'));

test('a *.go link to /dev/zero: said, memory stays bounded, the edit is served once it is gone, SIGINT ends gowatch', () =>
  specialFileScenario('zero', (file) => symlinkSync('/dev/zero', file), 'a character device'));

test('a FIFO named *.go in the package directory at start: gowatch says which file and exits, rather than wait on go', async () => {
  const project = behavingProject('fifo-start', { cacheDir: cache.dir });
  mkfifo(path.join(project.dir, 'early.go'));
  const gowatch = project.start();
  try {
    const failed = await gowatch.waitFor((e) => e.event === 'error', 0, SAID_WITHIN_MS);
    assert.equal(failed.event === 'error' && failed.kind, 'go-list');
    assert.match(failed.event === 'error' ? failed.message : '', /early\.go is a FIFO \(named pipe\), not a regular file/);
    assert.equal((await gowatch.exited).code, 2);
    assert.deepEqual(project.lines(), [], 'no program started');
  } finally {
    if (gowatch.child.exitCode === null && gowatch.child.signalCode === null) await gowatch.stop('SIGKILL');
    project.cleanup();
  }
});

test('a FIFO .gitignore: said, not waited on (a blocked main thread would not even hear SIGINT); edits are still served', async () => {
  const project = behavingProject('fifo-ignore', { cacheDir: cache.dir });
  mkdirSync(path.join(project.dir, '.git'));
  const gowatch = project.start();
  try {
    await project.served('v0');
    const ignoreFile = path.join(project.dir, '.gitignore');
    const mark = gowatch.mark();
    mkfifo(ignoreFile);
    await waitBounded(gowatch, (e) => e.event === 'warning' && e.message.startsWith(`${ignoreFile} is a FIFO (named pipe)`), mark);
    project.setVersion('v1');
    await project.served('v1');
    await interrupt(gowatch);
    assert.deepEqual(gowatch.events.filter((e) => e.event === 'error'), []);
    assert.deepEqual(await project.survivors(), [], 'the program is stopped');
  } finally {
    if (gowatch.child.exitCode === null && gowatch.child.signalCode === null) await gowatch.stop('SIGKILL');
    project.cleanup();
  }
});

// Read directly: through go, an input that large would cost gigabytes. A sparse file has the size without the disk.
test('an input over the limit is refused by its size, unread, with a digest of its own; one within it is read', async () => {
  const dir = tempDir('gowatch-sizes-');
  try {
    const big = path.join(dir.dir, 'big.bin');
    writeFileSync(big, '');
    truncateSync(big, MAX_INPUT_BYTES + 1);
    const refused = await readInput(big);
    assert.deepEqual(refused.refusal, { kind: 'too-large', bytes: MAX_INPUT_BYTES + 1 });
    truncateSync(big, MAX_INPUT_BYTES + 2);
    assert.notEqual((await readInput(big)).digest, refused.digest, 'a change of size moves the key');
    const small = path.join(dir.dir, 'small.go');
    writeFileSync(small, 'package main\n\nimport "fmt"\n');
    const read = await readInput(small);
    assert.equal(read.refusal, undefined);
    assert.equal(read.shape, 'main\n"fmt"');
  } finally {
    dir.cleanup();
  }
});
