import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir, writeTree } from './support/fixtures.js';
import { greeterFiles, libFile } from './support/greeter.js';
import { HumanRun } from './support/human-run.js';
import { freePort } from './support/net.js';
import { replaceFile } from './support/shop.js';
import { expectedReply, multiConfig, multiFiles, packageFile, settled, linksBegun, linksStarted, slowLinker, startMulti, waitForServed } from './support/targets-project.js';

/**
 * Saves that change nothing gowatch acts on say nothing: an editor's temporary file (issue 16,
 * item 1) and a save that leaves the build as it runs (item 3). Real go, a real gowatch.
 */
const TIMEOUT = { timeout: 240_000 };

/**
 * `sed -i` writes a temporary `sedXXXXXX` beside the file and renames it over the file, here
 * within microseconds, so whether its creation and its removal reach gowatch apart depends on
 * the scheduler. This "editor" holds its temporary file for HOLD_MS, so they always do; the
 * quiet time is longer, as sed's moment is shorter than the default one.
 */
const HOLD_MS = 300;
const QUIET_MS = 1000;

/** Saves `content` into `file` as `sed -i` does, taking its time; returns the temporary file. */
const sedLikeSave = async (file: string, content: string): Promise<string> => {
  const temp = path.join(path.dirname(file), `sed${randomBytes(3).toString('hex')}`);
  writeFileSync(temp, content);
  await sleep(HOLD_MS);
  renameSync(temp, file);
  return temp;
};

const SHARED = 'internal/shared/shared.go';
const APIONLY = 'internal/apionly/apionly.go';

test('an editor temporary file that comes and goes within the quiet time is in no event of any target', TIMEOUT, async (t) => {
  const run = await startMulti(t, ['api', 'worker'], { declared: ['api', 'worker'], config: { 'go.watch.delay': QUIET_MS } });
  const temps: string[] = [];
  for (const n of [2, 3, 4]) {
    const mark = run.gowatch.mark();
    temps.push(path.basename(await sedLikeSave(path.join(run.dir, SHARED), packageFile('shared', `shared${n}`))));
    await waitForServed(run.ports.api, expectedReply('api', { shared: `shared${n}` }));
    await waitForServed(run.ports.worker, expectedReply('worker', { shared: `shared${n}` }));
    const events = await settled(run, ['api', 'worker'], mark);
    const changes = events.filter((e) => e.event === 'change');
    assert.deepEqual(changes.map((e) => e.event === 'change' && e.files), [[SHARED], [SHARED]], `edit ${n}: ${JSON.stringify(events)}`);
  }
  const naming = run.gowatch.events.filter((e) => (e.event === 'change' || e.event === 'skip') && e.files.some((file) => temps.includes(path.basename(file))));
  assert.deepEqual(naming, [], 'no change or skip names a temporary file');
  await run.finish();
});

test('--verbose, several targets: an editor temporary file is not listed, an edit is said once, and so is a save that changed nothing', TIMEOUT, async (t) => {
  const fixture = tempDir('gowatch-quiet-multi-');
  const outside = tempDir('gowatch-quiet-output-');
  const cache = tempDir('gowatch-quiet-cache-');
  t.after(() => [fixture, outside, cache].forEach((dir) => dir.cleanup()));
  const ports = { api: await freePort(), worker: await freePort(), scheduler: await freePort() };
  writeTree(fixture.dir, { ...multiFiles(), 'buddy.watch.json': JSON.stringify(multiConfig(ports, ['api', 'worker'], { 'go.watch.delay': QUIET_MS })) });
  const run = new HumanRun(t, { cwd: fixture.dir, cache: cache.dir, outputDir: outside.dir, args: ['api', 'worker', '--verbose'] });
  await waitForServed(ports.api, expectedReply('api', { shared: 'shared1' }));
  await waitForServed(ports.worker, expectedReply('worker', { shared: 'shared1' }));

  const temp = path.basename(await sedLikeSave(path.join(fixture.dir, SHARED), packageFile('shared', 'shared2')));
  await waitForServed(ports.api, expectedReply('api', { shared: 'shared2' }));
  await waitForServed(ports.worker, expectedReply('worker', { shared: 'shared2' }));
  // A file no target watches goes with the end of the burst, after the temporary file; the edit
  // after it is handled by each target after that.
  writeFileSync(path.join(fixture.dir, 'README.md'), '# edited\n');
  await run.next('README.md changed: ');
  replaceFile(outside.dir, path.join(fixture.dir, SHARED), packageFile('shared', 'shared3'));
  await waitForServed(ports.api, expectedReply('api', { shared: 'shared3' }));
  await waitForServed(ports.worker, expectedReply('worker', { shared: 'shared3' }));

  // The same bytes again: every target leaves its build as it runs, said once for all of them.
  replaceFile(outside.dir, path.join(fixture.dir, SHARED), packageFile('shared', 'shared3'));
  await run.next('(unchanged)\n');
  // The same bytes of a file only api builds: api finds nothing changed, worker leaves it out; no "changed" line.
  const apionly = path.join(fixture.dir, APIONLY);
  replaceFile(outside.dir, apionly, readFileSync(apionly, 'utf8'));
  assert.equal(
    await run.next('(not-in-build)\n'),
    `[gowatch] ${APIONLY} saved with no change to the build: no rebuild (unchanged)\n[gowatch] worker │ ${APIONLY} changed: not part of the build (not-in-build)\n`,
  );
  replaceFile(outside.dir, path.join(fixture.dir, SHARED), packageFile('shared', 'shared4'));
  await waitForServed(ports.api, expectedReply('api', { shared: 'shared4' }));
  await waitForServed(ports.worker, expectedReply('worker', { shared: 'shared4' }));

  assert.equal(await run.stop(), 130);
  assert.ok(!run.text.includes(temp), `the temporary file ${temp} is not listed:\n${run.text}`);
  const lines = run.text.split('\n');
  const changed = lines.filter((line) => line.startsWith('[gowatch] changed '));
  assert.deepEqual(changed, Array(3).fill(`[gowatch] changed ${SHARED}`), run.text);
  assert.deepEqual(
    lines.filter((line) => line.includes('(unchanged)')),
    [SHARED, APIONLY].map((file) => `[gowatch] ${file} saved with no change to the build: no rebuild (unchanged)`),
    run.text,
  );
});

const MODULE = 'example.com/quiet';

/** cmd/api prints its greeting on start and "bye" on SIGTERM. */
const quietProject = (t: TestContext) => {
  const fixture = tempDir('gowatch-quiet-');
  const outside = tempDir('gowatch-quiet-output-');
  const cache = tempDir('gowatch-quiet-cache-');
  t.after(() => [fixture, outside, cache].forEach((dir) => dir.cleanup()));
  writeTree(fixture.dir, {
    ...greeterFiles(MODULE, 'listening'),
    'README.md': '# quiet\n',
  });
  const file = (rel: string) => path.join(fixture.dir, rel);
  return {
    outside: outside.dir,
    start: (args: readonly string[]) => new HumanRun(t, { cwd: fixture.dir, cache: cache.dir, outputDir: outside.dir, args: ['./cmd/api', ...args] }),
    /** An editor's atomic save (a rename: one event) of `content`. */
    save: (rel: string, content: string) => replaceFile(outside.dir, file(rel), content),
    /** The same bytes again, saved atomically. */
    resave: (rel: string) => replaceFile(outside.dir, file(rel), readFileSync(file(rel), 'utf8')),
    touch: (rel: string) => {
      const later = new Date(Date.now() + 60_000);
      utimesSync(file(rel), later, later);
    },
  };
};

test('without --verbose: a touch or an identical rewrite says nothing, and the next edit is said as usual', TIMEOUT, async (t) => {
  const p = quietProject(t);
  const run = p.start([]);
  await run.next('listening\n');

  p.resave('internal/lib/lib.go');
  p.touch('cmd/api/main.go');
  // A file no pattern names waits for the end of the burst: its line comes after whatever the saves caused.
  p.save('README.md', '# edited\n');
  assert.equal(
    await run.next('--verbose)\n'),
    '[gowatch] README.md changed: not part of the build, and no pattern names it (ignored edits are shown with --verbose)\n',
  );

  p.save('internal/lib/lib.go', libFile('listening v2'));
  assert.equal(
    await run.next('listening v2\n'),
    '[gowatch] changed internal/lib/lib.go\n[gowatch] building ./cmd/api…\n[gowatch] built ./cmd/api in N ms\n' +
      'bye\n[gowatch] starting ./cmd/api (old one stopped in N ms)\nlistening v2\n',
  );
  assert.equal(await run.stop(), 130);
});

test('--verbose: a save that leaves the build as it runs is one line', TIMEOUT, async (t) => {
  const p = quietProject(t);
  const run = p.start(['--verbose']);
  await run.next('listening\n');

  p.resave('internal/lib/lib.go');
  const line = (rel: string) => `[gowatch] ${rel} saved with no change to the build: no rebuild (unchanged)\n`;
  // The pid line may come after the program's first line.
  assert.equal((await run.next('(unchanged)\n')).replace('[gowatch] ./cmd/api runs as pid N\n', ''), line('internal/lib/lib.go'));
  p.touch('cmd/api/main.go');
  assert.equal(await run.next('(unchanged)\n'), line('cmd/api/main.go'));
  assert.equal(await run.stop(), 130);
});

/**
 * Starts gowatch with links delayed `linkSeconds`, saves an edit and, once its build links (go
 * has read every source: an undo it could still read would build the old content), undoes it.
 * Resolves with what gowatch says after the build's start, up to its word on the undo.
 */
const undoWhileLinking = async (t: TestContext, linkSeconds: number, args: readonly string[] = []) => {
  const p = quietProject(t);
  const run = p.start([...args, `--build-flag=-toolexec=${slowLinker(p.outside, linkSeconds)}`]);
  await run.next('listening\n');
  const links = linksStarted(p.outside);
  p.save('internal/lib/lib.go', libFile('listening v2'));
  await run.next('building ./cmd/api…\n');
  await linksBegun(p.outside, links + 1);
  p.save('internal/lib/lib.go', libFile('listening'));
  return { said: await run.next('current\n'), stop: () => run.stop() };
};

test('an undo while its build runs: the build is canceled, and the line after says the running program is current', TIMEOUT, async (t) => {
  const { said, stop } = await undoWhileLinking(t, 3);
  assert.equal(said, '[gowatch] changed internal/lib/lib.go\n[gowatch] build canceled: newer changes arrived\n[gowatch] no rebuild needed: the running program is current\n');
  assert.equal(await stop(), 130);
});

test('an undo that comes once its build is done: the build is left unused, and that is said', TIMEOUT, async (t) => {
  // The undo is gathered for 4 s: the build (its link delayed 1 s) ends while it waits.
  const { said, stop } = await undoWhileLinking(t, 1, ['--delay=4000']);
  assert.equal(said, '[gowatch] built ./cmd/api in N ms\n[gowatch] changed internal/lib/lib.go\n[gowatch] the new build is not needed: the running program is current\n');
  assert.equal(await stop(), 130);
});
