import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import type { CachedProject } from '../src/go/cache-dir.js';
import { tempDir } from './support/fixtures.js';
import { CLI } from './support/gowatch-process.js';
import { names, startShop } from './support/shop.js';

/**
 * gowatch's binary cache across runs: `cache info` lists a project after a run, `cache clean`
 * removes that project's folder and nothing else, and `run --force` builds despite a cached binary.
 */
const execFileAsync = promisify(execFile);
const TIMEOUT = { timeout: 120_000 };

type CacheInfo = { readonly root: string; readonly current: string; readonly projects: readonly CachedProject[] };

const gowatchCli = async (cwd: string, cacheDir: string, ...args: string[]): Promise<string> => {
  const { stdout } = await execFileAsync(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', GOWATCH_CACHE_DIR: cacheDir },
  });
  return stdout;
};

const cacheInfo = async (cwd: string, cacheDir: string): Promise<CacheInfo> =>
  JSON.parse(await gowatchCli(cwd, cacheDir, 'cache', 'info', '--json')) as CacheInfo;

test('a second run reuses the cached binary; --force builds anyway', TIMEOUT, async (t) => {
  const project = tempDir('gowatch-shop-');
  const cache = tempDir('gowatch-cache-');
  t.after(() => {
    project.cleanup();
    cache.cleanup();
  });

  const first = await startShop(t, { dir: project.dir, cacheDir: cache.dir });
  assert.ok(first.gowatch.events.some((e) => e.event === 'build-ok' && !e.cached), 'the first run builds');
  assert.ok(names(first.gowatch.events).includes('build-start'));
  await first.finish();

  const second = await startShop(t, { dir: project.dir, cacheDir: cache.dir });
  const events = second.gowatch.events;
  const cached = events.findIndex((e) => e.event === 'build-ok' && e.cached);
  assert.ok(cached >= 0, `the second run starts from the cache: ${JSON.stringify(events)}`);
  assert.ok(!names(events.slice(0, events.findIndex((e) => e.event === 'start'))).includes('build-start'), JSON.stringify(events));
  await second.finish();

  const forced = await startShop(t, { dir: project.dir, cacheDir: cache.dir, args: ['./cmd/api', '--force'] });
  const startIndex = forced.gowatch.events.findIndex((e) => e.event === 'start');
  const beforeStart = forced.gowatch.events.slice(0, startIndex);
  assert.ok(names(beforeStart).includes('build-start'), `--force builds: ${JSON.stringify(beforeStart)}`);
  assert.ok(beforeStart.some((e) => e.event === 'build-ok' && !e.cached), JSON.stringify(beforeStart));
  assert.ok(!beforeStart.some((e) => e.event === 'build-ok' && e.cached), JSON.stringify(beforeStart));
  await forced.finish();
});

test('cache info lists the project after a run; cache clean removes only that project', TIMEOUT, async (t) => {
  const cache = tempDir('gowatch-cache-');
  const mine = tempDir('gowatch-shop-');
  const other = tempDir('gowatch-shop-');
  t.after(() => {
    mine.cleanup();
    other.cleanup();
    cache.cleanup();
  });
  const unrelated = path.join(cache.dir, 'unrelated.txt');
  writeFileSync(unrelated, 'not gowatch data\n');

  for (const dir of [mine.dir, other.dir]) {
    const run = await startShop(t, { dir, cacheDir: cache.dir });
    await run.finish();
  }

  const info = await cacheInfo(mine.dir, cache.dir);
  assert.equal(info.root, cache.dir);
  const project = info.projects.find((p) => p.root === mine.dir);
  assert.ok(project, `the project is listed: ${JSON.stringify(info)}`);
  assert.equal(project.dir, info.current, 'it is the current project');
  assert.ok(project.dir.startsWith(cache.dir + path.sep), 'inside GOWATCH_CACHE_DIR');
  assert.ok(project.binaries >= 1, `a binary is kept: ${JSON.stringify(project)}`);
  assert.ok(project.bytes > 0);
  const otherProject = info.projects.find((p) => p.root === other.dir);
  assert.ok(otherProject, `the other project is listed too: ${JSON.stringify(info)}`);
  assert.notEqual(otherProject.dir, project.dir);

  const human = await gowatchCli(mine.dir, cache.dir, 'cache', 'info');
  assert.match(human, /this project/);

  const cleaned = await gowatchCli(mine.dir, cache.dir, 'cache', 'clean');
  assert.match(cleaned, /removed 1 project cache/);
  assert.ok(!existsSync(project.dir), 'the project cache is gone');
  assert.ok(existsSync(otherProject.dir), "the other project's cache is kept");
  assert.equal(readFileSync(unrelated, 'utf8'), 'not gowatch data\n', 'an unrelated file is untouched');

  const after = await cacheInfo(mine.dir, cache.dir);
  assert.ok(!after.projects.some((p) => p.root === mine.dir), JSON.stringify(after));
  assert.ok(after.projects.some((p) => p.root === other.dir), JSON.stringify(after));
  assert.match(await gowatchCli(mine.dir, cache.dir, 'cache', 'clean'), /nothing cached/);

  // After a clean, the next run builds again.
  const rebuilt = await startShop(t, { dir: mine.dir, cacheDir: cache.dir });
  assert.ok(names(rebuilt.gowatch.events).includes('build-start'), JSON.stringify(rebuilt.gowatch.events));
  await rebuilt.finish();
});
