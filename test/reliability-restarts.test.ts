import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { DEFAULT_PATTERNS } from '../src/config/schema.js';
import { behavingProject, MARKER } from './support/behaving-project.js';
import { tempDir } from './support/fixtures.js';
import { stopAllGowatch } from './support/gowatch-process.js';
import { freePort } from './support/net.js';
import { carryingEnv, openFds, rssBytes } from './support/processes.js';
import { which } from './support/which.js';

const cache = tempDir('gowatch-cache-');
after(async () => {
  await stopAllGowatch();
  cache.cleanup();
});

/** A non-Go file the patterns name: each write restarts the program without a build. */
const restartOnTouch = { 'go.watch.patterns': [...DEFAULT_PATTERNS, 'restart.txt'], 'go.watch.delay': 10 };

test('200 restarts of a server that ignores SIGTERM and leaves a setsid grandchild: no survivor, no busy port, flat fds and memory', async (t) => {
  const port = await freePort();
  const project = behavingProject('restarts', {
    cacheDir: cache.dir,
    config: { ...restartOnTouch, 'go.run.stopTimeout': 100 },
    programEnv: { IGNORE_TERM: '1', SETSID_CHILD: '1', LISTEN: `127.0.0.1:${port}` },
    // V8 sizes its young generation to the churn of a restart burst (a one-time step of ~16 MB of
    // RSS, given back when idle); pinned, RSS measures what gowatch keeps, which is what is asserted.
    env: { NODE_OPTIONS: '--max-semi-space-size=1' },
  });
  const gowatch = project.start();
  await project.served('v0');
  const gowatchPid = gowatch.child.pid!;
  let baseline = { fds: 0, rss: 0 };
  for (let restart = 1; restart <= 200; restart++) {
    const mark = gowatch.mark();
    writeFileSync(path.join(project.dir, 'restart.txt'), String(restart));
    await gowatch.waitForEvent('start', mark, 30_000);
    // Once the program has recorded its start it ignores SIGTERM: the next stop must force it.
    await waitUntil(() => project.lines().length === restart + 1, `program ${restart} started`);
    if (restart === 20) baseline = { fds: openFds(gowatchPid), rss: rssBytes(gowatchPid) };
  }
  assert.equal(gowatch.events.filter((e) => e.event === 'exit').length, 0, `a program ended on its own (address in use?):\n${gowatch.stderr}`);
  assert.doesNotMatch(gowatch.stderr, /address already in use/);
  const stops = gowatch.events.filter((e) => e.event === 'stop');
  assert.equal(stops.length, 200);
  assert.ok(stops.every((e) => e.event === 'stop' && e.forced), 'each stop needed SIGKILL');
  // Running now: gowatch, the program and its setsid child (once the program has started it); nothing of the 200 before.
  const marked = () => carryingEnv(MARKER, project.marker).filter((pid) => pid !== gowatchPid);
  await waitUntil(() => marked().length >= 2, 'the last program and its setsid child');
  await sleep(200);
  assert.equal(marked().length, 2, `live marked processes: ${marked().join(' ')}`);
  const end = { fds: openFds(gowatchPid), rss: rssBytes(gowatchPid) };
  t.diagnostic(`gowatch from restart 20 to 200: RSS ${(baseline.rss / 1e6).toFixed(1)} → ${(end.rss / 1e6).toFixed(1)} MB, fds ${baseline.fds} → ${end.fds}`);
  assert.ok(end.fds <= baseline.fds + 2, `gowatch's fds grew from ${baseline.fds} to ${end.fds}`);
  assert.ok(end.rss - baseline.rss < 10 * 1024 * 1024, `gowatch's RSS grew by ${((end.rss - baseline.rss) / 1e6).toFixed(1)} MB`);
  assert.equal((await gowatch.stop('SIGTERM')).code, 143);
  assert.deepEqual(await project.survivors(), [], 'nothing survives gowatch');
  project.cleanup();
});

test('a double-forked daemon started at each of 20 restarts: none of the earlier ones survives, none survives gowatch', async () => {
  const project = behavingProject('daemons', { cacheDir: cache.dir, config: restartOnTouch, programEnv: { DAEMON: '1' } });
  const gowatch = project.start();
  await gowatch.waitForEvent('start');
  const gowatchPid = gowatch.child.pid!;
  const marked = () => carryingEnv(MARKER, project.marker).filter((pid) => pid !== gowatchPid);
  for (let restart = 1; restart <= 20; restart++) {
    // The program has daemonized once its `sh` is gone: the program and its daemon are left.
    await waitUntil(() => marked().length === 2, `program ${restart - 1} and its daemon`);
    const before = marked();
    const mark = gowatch.mark();
    writeFileSync(path.join(project.dir, 'restart.txt'), String(restart));
    await gowatch.waitForEvent('start', mark, 30_000);
    const survivors = before.filter((pid) => marked().includes(pid));
    assert.deepEqual(survivors, [], `restart ${restart}: of ${before.join(' ')}, still alive`);
  }
  assert.equal((await gowatch.stop('SIGINT')).code, 130);
  assert.deepEqual(await project.survivors(), [], 'no daemon survives gowatch');
  project.cleanup();
});

test('without ps on PATH, a setsid grandchild is still found and stopped', async () => {
  // A PATH with go, sh, sleep and setsid, and no ps: what a slim or distroless image offers.
  const bin = tempDir('gowatch-nops-');
  for (const tool of ['go', 'sh', 'sleep', 'setsid', 'setpriv']) {
    const found = which(tool);
    if (found) symlinkSync(found, path.join(bin.dir, tool));
  }
  const project = behavingProject('nops', {
    cacheDir: cache.dir,
    config: restartOnTouch,
    programEnv: { SETSID_CHILD: '1' },
    env: { PATH: bin.dir },
  });
  const gowatch = project.start();
  await gowatch.waitForEvent('start');
  const firstPid = await project.served('v0');
  const marked = () => carryingEnv(MARKER, project.marker).filter((pid) => pid !== gowatch.child.pid);
  await waitUntil(() => marked().length === 2, 'program and setsid child');
  const before = marked();
  const mark = gowatch.mark();
  writeFileSync(path.join(project.dir, 'restart.txt'), 'again');
  await gowatch.waitForEvent('start', mark);
  const after = marked();
  assert.ok(!after.includes(firstPid), 'old program gone');
  assert.equal(after.filter((pid) => before.includes(pid)).length, 0, `old setsid child survived: before ${before} after ${after}`);
  assert.ok(!gowatch.events.some((e) => e.event === 'error' || e.event === 'warning'), JSON.stringify(gowatch.events));
  await gowatch.stop('SIGINT');
  assert.deepEqual(await project.survivors(), []);
  project.cleanup();
  bin.cleanup();
});

const waitUntil = async (predicate: () => boolean, what: string, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) assert.fail(`${what}: not reached`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
