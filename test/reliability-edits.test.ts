import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, cpSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { versionFile } from './support/behaving-program.js';
import { behavingProject } from './support/behaving-project.js';
import { tempDir } from './support/fixtures.js';
import { stopAllGowatch } from './support/gowatch-process.js';
import { seededRandom, testSeed } from './support/random.js';

const cache = tempDir('gowatch-cache-');
after(async () => {
  await stopAllGowatch();
  cache.cleanup();
});

/**
 * Enough input that loading the closure at start-up takes a noticeable time: packages whose
 * files carry large comments (hashing them is what takes the time; compiling them is cheap).
 */
const bigClosure = (): Record<string, string> => {
  const files: Record<string, string> = {};
  const imports: string[] = [];
  const comment = `// ${'x'.repeat(97)}\n`.repeat(1000);
  for (let i = 0; i < 100; i++) {
    const name = `p${String(i).padStart(3, '0')}`;
    for (let f = 0; f < 4; f++) files[`pkgs/${name}/f${f}.go`] = `package ${name}\n\n${comment}func V${f}() int { return ${i} }\n`;
    imports.push(`\t_ "example.com/startup/pkgs/${name}"`);
  }
  files['deps.go'] = `package main\n\nimport (\n${imports.join('\n')}\n)\n`;
  return files;
};

test('edits all through start-up are served, with no error and no lost batch', async () => {
  const seed = testSeed();
  const random = seededRandom(seed);
  const project = behavingProject('startup', { cacheDir: cache.dir, files: bigClosure() });
  for (let trial = 0; trial < 6; trial++) {
    // A stream of saves from before gowatch starts until a random moment after: some land
    // before the first `watching`, some while the closure loads, some during the first build.
    const until = Date.now() + random.int(100, 1500);
    const gowatch = project.start();
    let version = '';
    for (let n = 0; n === 0 || Date.now() < until; n++) {
      version = `t${trial}n${n}`;
      project.setVersion(version);
      await sleep(random.int(5, 25));
    }
    await project.served(version, 90_000);
    const errors = gowatch.events.filter((e) => e.event === 'error');
    assert.deepEqual(errors, [], `seed ${seed}, trial ${trial}`);
    assert.equal((await gowatch.stop('SIGINT')).code, 130);
    assert.equal(project.latest(), version, `seed ${seed}, trial ${trial}: the last program started is the last edit`);
  }
  assert.deepEqual(await project.survivors(), []);
  project.cleanup();
});

type SaveKind = 'write' | 'rename-over' | 'truncate-then-write' | 'sed -i';
const SAVES: readonly SaveKind[] = ['write', 'rename-over', 'truncate-then-write', 'sed -i'];

/** Saves `version` into version.go the way an editor or a tool would. */
const save = async (dir: string, version: string, kind: SaveKind): Promise<void> => {
  const file = path.join(dir, 'version.go');
  const content = versionFile(version);
  if (kind === 'write') writeFileSync(file, content);
  if (kind === 'rename-over') {
    const temp = path.join(dir, `.version.go.${version}.swp`);
    writeFileSync(temp, content);
    renameSync(temp, file);
  }
  if (kind === 'truncate-then-write') {
    const fd = openSync(file, 'w');
    await sleep(5);
    writeSync(fd, content);
    closeSync(fd);
  }
  if (kind === 'sed -i') execFileSync('sed', ['-i', `s/^const version = .*/const version = "${version}"/`, file]);
};

test('50 randomised bursts of 1-5 saves of every kind: the last content of every burst is served', async () => {
  const seed = testSeed();
  const random = seededRandom(seed);
  const project = behavingProject('bursts', { cacheDir: cache.dir });
  const gowatch = project.start();
  await project.served('v0');
  const first = gowatch.events.find((e) => e.event === 'build-ok');
  const buildMs = first?.event === 'build-ok' ? Math.max(first.durationMs, 100) : 500;
  for (let burst = 1; burst <= 50; burst++) {
    const saves = random.int(1, 5);
    let version = '';
    const kinds: string[] = [];
    for (let n = 1; n <= saves; n++) {
      version = `b${burst}s${n}`;
      const kind = random.pick(SAVES);
      kinds.push(kind);
      await save(project.dir, version, kind);
      // Gaps around the build time: some land in the debounce, some mid-build, some after it.
      if (n < saves) await sleep(random.int(0, Math.round(buildMs * 1.5)));
    }
    await project.served(version, 60_000).catch((error: Error) => {
      throw new Error(`seed ${seed}, burst ${burst} (${kinds.join(', ')}): ${error.message}`);
    });
    await sleep(random.int(0, 300));
    assert.equal(project.latest(), version, `seed ${seed}, burst ${burst}: an older version started after the last one`);
  }
  const builds = gowatch.events.filter((e) => e.event === 'build-start').map((e) => e.event === 'build-start' && e.id);
  const ends = new Set(gowatch.events.filter((e) => e.event === 'build-ok' || e.event === 'build-fail' || e.event === 'build-canceled').map((e) => 'id' in e && e.id));
  assert.deepEqual(builds.filter((id) => !ends.has(id)), [], 'every build-start has its end');
  assert.deepEqual(gowatch.events.filter((e) => e.event === 'error'), []);
  await gowatch.stop('SIGINT');
  assert.deepEqual(await project.survivors(), []);
  project.cleanup();
});

test('the project directory moved away and back, then deleted and re-created, while running: the next edit is served', async () => {
  const project = behavingProject('moved', { cacheDir: cache.dir });
  const gowatch = project.start();
  await project.served('v0');
  const away = `${project.dir}.away`;

  renameSync(project.dir, away);
  renameSync(away, project.dir);
  await sleep(300);
  project.setVersion('after-move');
  await project.served('after-move');

  const copy = `${project.dir}.copy`;
  cpSync(project.dir, copy, { recursive: true });
  rmSync(project.dir, { recursive: true, force: true });
  await sleep(1500);
  renameSync(copy, project.dir);
  await sleep(1500);
  project.setVersion('after-recreate');
  await project.served('after-recreate');

  const warnings = gowatch.events.filter((e) => e.event === 'warning').map((e) => e.event === 'warning' && e.message);
  assert.ok(warnings.some((m) => m && /moved away or deleted/.test(m)), JSON.stringify(warnings));
  assert.ok(!/not found on PATH/.test(JSON.stringify(gowatch.events)), 'no false "go not found"');
  await gowatch.stop('SIGINT');
  assert.deepEqual(await project.survivors(), []);
  project.cleanup();
});
