import assert from 'node:assert/strict';
import { rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import type { GowatchEvent } from '../src/events.js';
import { behavingProject } from './support/behaving-project.js';
import { tempDir } from './support/fixtures.js';
import { stopAllGowatch } from './support/gowatch-process.js';
import { which } from './support/which.js';

const cache = tempDir('gowatch-cache-');
after(async () => {
  await stopAllGowatch();
  cache.cleanup();
});

/** Every build-start is followed by exactly one of build-ok, build-fail or build-canceled with its id. */
const unendedBuilds = (events: readonly GowatchEvent[]) => {
  const ends = events.filter((e) => e.event === 'build-ok' || e.event === 'build-fail' || e.event === 'build-canceled');
  return events
    .filter((e) => e.event === 'build-start')
    .filter((start) => ends.filter((end) => 'id' in end && 'id' in start && end.id === start.id).length !== 1);
};

test('a signal during a build ends it in the event stream with build-canceled', async () => {
  const project = behavingProject('signal-mid-build', { cacheDir: cache.dir });
  const gowatch = project.start();
  await project.served('v0');
  const mark = gowatch.mark();
  project.setVersion('never-served');
  const start = await gowatch.waitForEvent('build-start', mark);
  assert.equal((await gowatch.stop('SIGTERM')).code, 143);
  assert.deepEqual(unendedBuilds(gowatch.events), []);
  const end = gowatch.after(mark).find((e) => e.event === 'build-canceled');
  assert.ok(end?.event === 'build-canceled' && end.id === start.id, JSON.stringify(gowatch.after(mark)));
  assert.deepEqual(await project.survivors(), []);
  project.cleanup();
});

test('go vanishing from PATH mid-run: the build fails with a message saying so, and the program keeps running', async () => {
  const bin = tempDir('gowatch-go-link-');
  const realGo = which('go');
  assert.ok(realGo, 'go on PATH');
  symlinkSync(realGo, path.join(bin.dir, 'go'));
  const project = behavingProject('go-vanishes', { cacheDir: cache.dir, env: { PATH: `${bin.dir}:/usr/bin:/bin` } });
  const gowatch = project.start();
  const pid = await project.served('v0');
  rmSync(path.join(bin.dir, 'go'));
  const mark = gowatch.mark();
  project.setVersion('v1');
  const fail = await gowatch.waitForEvent('build-fail', mark);
  assert.match(fail.output, /"go" was not found on PATH/);
  assert.deepEqual(unendedBuilds(gowatch.events), []);
  assert.ok(!gowatch.after(mark).some((e) => e.event === 'stop'), 'the running program is kept');
  assert.equal(project.latest(), 'v0');
  assert.ok(process.kill(pid, 0), 'the v0 program is alive');
  await gowatch.stop('SIGINT');
  assert.deepEqual(await project.survivors(), []);
  project.cleanup();
  bin.cleanup();
});
