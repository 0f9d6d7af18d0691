import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { httpServerModule, replyFile, tempDir, writeTree } from './support/fixtures.js';
import { GowatchProcess, stopAllGowatch } from './support/gowatch-process.js';
import { EDIT_LIFECYCLE, lifecycle } from './support/lifecycle.js';
import { freePort, get, waitForReply } from './support/net.js';

const cache = tempDir('gowatch-cache-');
after(async () => {
  await stopAllGowatch();
  cache.cleanup();
});

/** A fresh copy of a tiny HTTP service, and gowatch running it on a free port. */
const startService = async (name: string, reply: string, config: Record<string, unknown> = {}) => {
  const fixture = tempDir(`gowatch-${name}-`);
  const port = await freePort();
  writeTree(fixture.dir, { ...httpServerModule(`example.com/${name}`, reply), 'buddy.watch.json': JSON.stringify(config) });
  // Program arguments after `--`, as a user types them.
  const gowatch = new GowatchProcess(['--', '-addr', `127.0.0.1:${port}`], { cwd: fixture.dir, env: { GOWATCH_CACHE_DIR: cache.dir } });
  await gowatch.waitForEvent('start');
  await waitForReply(port, reply);
  return {
    dir: fixture.dir,
    port,
    gowatch,
    setReply: (text: string) => writeFileSync(path.join(fixture.dir, 'reply.go'), replyFile(text)),
    finish: async () => {
      const exit = await gowatch.stop('SIGINT');
      fixture.cleanup();
      assert.deepEqual(gowatch.invalidLines, [], 'stdout carries only events');
      assert.equal(exit.code, 130, gowatch.stderr);
    },
  };
};

test('an edit is built and served; the old program is stopped first', async () => {
  const service = await startService('edit', 'one');
  const mark = service.gowatch.mark();
  service.setReply('two');
  await waitForReply(service.port, 'two');
  const events = service.gowatch.after(mark);
  assert.match(lifecycle(events), EDIT_LIFECYCLE, JSON.stringify(events));
  const changes = events.flatMap((e) => (e.event === 'change' ? [e.files] : []));
  assert.ok(changes.length > 0 && changes.every((files) => files.join() === 'reply.go'), JSON.stringify(changes));
  await service.finish();
});

test('a failed build keeps the old program serving, reports file:line:col, then recovers', async () => {
  const service = await startService('fail', 'good');
  const mark = service.gowatch.mark();
  writeFileSync(path.join(service.dir, 'reply.go'), 'package main\n\nfunc reply() string { return missing }\n');
  const failed = await service.gowatch.waitForEvent('build-fail', mark);
  assert.deepEqual(
    failed.diagnostics.map((d) => [d.file, d.line, d.column]),
    [['reply.go', 3, 30]],
  );
  assert.match(failed.diagnostics[0]!.message, /undefined: missing/);
  assert.equal(await get(service.port), 'good', 'the old program still answers');
  assert.equal(service.gowatch.after(mark).some((e) => e.event === 'stop'), false);
  service.setReply('fixed');
  await waitForReply(service.port, 'fixed');
  await service.finish();
});

test('a burst of edits, some during builds, ends with the last content served', async () => {
  const service = await startService('burst', 'v0');
  for (let i = 1; i <= 40; i++) {
    service.setReply(`v${i}`);
    // Irregular gaps: some edits land inside the debounce, others during a running build.
    await sleep(i % 7 === 0 ? 400 : 15 + (i % 5) * 20);
  }
  await waitForReply(service.port, 'v40');
  // Once edits stop, the served content stays the final one.
  await sleep(1500);
  assert.equal(await get(service.port), 'v40');
  const canceled = service.gowatch.events.filter((e) => e.event === 'build-canceled').length;
  const started = service.gowatch.events.filter((e) => e.event === 'build-start').length;
  assert.ok(started >= 2, `builds: ${started}`);
  assert.ok(canceled <= started);
  await service.finish();
});

test('a program that exits on its own is reported, and the next change starts it again', async () => {
  const fixture = tempDir('gowatch-exit-');
  writeTree(fixture.dir, {
    'go.mod': 'module example.com/exits\n\ngo 1.22\n',
    'main.go': 'package main\n\nimport "os"\n\nfunc main() { os.Exit(code()) }\n',
    'code.go': 'package main\n\nfunc code() int { return 3 }\n',
  });
  const gowatch = new GowatchProcess([], { cwd: fixture.dir, env: { GOWATCH_CACHE_DIR: cache.dir } });
  const exit = await gowatch.waitForEvent('exit');
  assert.equal(exit.code, 3);
  const mark = gowatch.mark();
  writeFileSync(path.join(fixture.dir, 'code.go'), 'package main\n\nfunc code() int { return 4 }\n');
  const second = await gowatch.waitForEvent('exit', mark);
  assert.equal(second.code, 4);
  assert.equal((await gowatch.stop()).code, 130);
  fixture.cleanup();
});

test('a non-Go file named by a pattern restarts the program without a build', async () => {
  const service = await startService('restart', 'same', {
    'go.watch.patterns': ['**/*.go', 'go.mod', 'config/*.yaml', '!**/*_test.go'],
  });
  const mark = service.gowatch.mark();
  writeTree(service.dir, { 'config/app.yaml': 'level: debug\n' });
  const started = await service.gowatch.waitForEvent('start', mark);
  assert.ok(started.pid > 0);
  assert.equal(service.gowatch.after(mark).some((e) => e.event === 'build-start'), false);
  await waitForReply(service.port, 'same');
  // A file no pattern names does nothing at all.
  const quiet = service.gowatch.mark();
  writeTree(service.dir, { 'notes.txt': 'hello' });
  const skip = await service.gowatch.waitForEvent('skip', quiet);
  assert.equal(skip.reason, 'not-watched');
  rmSync(path.join(service.dir, 'notes.txt'));
  await service.finish();
});
