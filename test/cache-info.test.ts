import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { test, type TestContext } from 'node:test';
import type { CachedProject } from '../src/go/cache-dir.js';
import { tempDir, writeTree } from './support/fixtures.js';
import { CLI, GowatchProcess } from './support/gowatch-process.js';
import { OWN_CACHE_PREFIX } from './support/own-cache.js';

/**
 * What `gowatch cache info` and `cache clean` tell and do, through the real CLI after real runs;
 * and that the tests themselves leave nothing in the user's gowatch cache.
 */
const run = promisify(execFile);
const TIMEOUT = { timeout: 180_000 };

type CacheInfo = { readonly root: string; readonly current: string; readonly projects: readonly CachedProject[] };

/** A program that waits for its stop signal: small, and quick to build. */
const WAITING_PROGRAM = {
  'go.mod': 'module example.com/waiting\n\ngo 1.22\n',
  'main.go': `package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}
`,
};

const gowatch = async (cwd: string, cacheDir: string, ...args: string[]): Promise<string> => {
  const { stdout } = await run(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', GOWATCH_CACHE_DIR: cacheDir } });
  return stdout;
};

const cacheInfo = async (cwd: string, cacheDir: string): Promise<CacheInfo> => JSON.parse(await gowatch(cwd, cacheDir, 'cache', 'info', '--json')) as CacheInfo;

/** A project that gowatch has run once (built, started, stopped), so its cache holds a binary. */
const ranProject = async (t: TestContext, cacheDir: string): Promise<string> => {
  const project = tempDir('gowatch-cache-info-');
  t.after(project.cleanup);
  writeTree(project.dir, WAITING_PROGRAM);
  const watcher = new GowatchProcess([], { cwd: project.dir, env: { GOWATCH_CACHE_DIR: cacheDir } });
  t.after(() => watcher.stop('SIGINT'));
  await watcher.waitForEvent('start');
  assert.equal((await watcher.stop('SIGINT')).code, 130, watcher.stderr);
  return project.dir;
};

/** What `find` says the files under `dir` hold: by name, and by file (inode) counted once. */
const filesUnder = (dir: string) => {
  const rows = execFileSync('find', [dir, '-type', 'f', '-printf', '%D:%i %n %s\n'], { encoding: 'utf8' }).trim().split('\n');
  const entries = rows.map((row) => row.split(' ')).map(([id, links, size]) => ({ id: id!, links: Number(links), size: Number(size) }));
  const byFile = new Map(entries.map((entry) => [entry.id, entry.size]));
  return {
    linked: entries.some((entry) => entry.links > 1),
    perName: entries.reduce((sum, entry) => sum + entry.size, 0),
    perFile: [...byFile.values()].reduce((sum, size) => sum + size, 0),
  };
};

/** Decimal megabytes, as doctor shows sizes: 1 MB is 1,000,000 bytes. */
const decimalMegabytes = (bytes: number) => {
  const value = bytes / 1e6;
  return `${value.toFixed(value < 10 ? 1 : 0)} MB`;
};

test('cache info counts a hard-linked binary once, in the MB doctor uses', TIMEOUT, async (t) => {
  const cache = tempDir('gowatch-cache-');
  t.after(cache.cleanup);
  const dir = await ranProject(t, cache.dir);

  const info = await cacheInfo(dir, cache.dir);
  assert.equal(info.projects.length, 1, JSON.stringify(info));
  const [project] = info.projects;
  const files = filesUnder(project!.dir);
  assert.ok(files.linked, 'the running binary is a hard link of its cached build: the case at stake');
  assert.equal(project!.bytes, files.perFile, `each file once (by name it would be ${files.perName})`);
  assert.equal(project!.binaries, 1);

  const text = await gowatch(dir, cache.dir, 'cache', 'info');
  assert.match(text, new RegExp(`^  ${dir} \\(this project\\): 1 binary, ${decimalMegabytes(files.perFile).replace('.', '\\.')} in ${project!.dir}$`, 'm'), text);
});

test('cache info says which projects no longer exist; cache clean --missing removes their caches, from anywhere', TIMEOUT, async (t) => {
  const cache = tempDir('gowatch-cache-');
  t.after(cache.cleanup);
  const kept = await ranProject(t, cache.dir);
  const gone = await ranProject(t, cache.dir);
  rmSync(gone, { recursive: true, force: true });

  const info = await cacheInfo(kept, cache.dir);
  const of = (root: string) => info.projects.find((project) => project.root === root);
  assert.equal(of(kept)?.missing, false, JSON.stringify(info));
  assert.equal(of(gone)?.missing, true, JSON.stringify(info));

  const text = await gowatch(kept, cache.dir, 'cache', 'info');
  assert.match(text, new RegExp(`^  ${gone} \\(no longer exists\\): 1 binary, `, 'm'), text);
  assert.match(text, new RegExp(`^  ${kept} \\(this project\\): `, 'm'), text);
  assert.match(text, /\n1 project no longer exists \(\d+(\.\d)? MB\): gowatch cache clean --missing removes its cache\n$/, text);

  // From a directory that is no Go project at all: --missing needs none.
  const elsewhere = tempDir('gowatch-elsewhere-');
  t.after(elsewhere.cleanup);
  const cleaned = await gowatch(elsewhere.dir, cache.dir, 'cache', 'clean', '--missing');
  assert.match(cleaned, /^removed 1 project cache, \d+(\.\d)? MB\n$/, cleaned);
  assert.equal(existsSync(of(gone)!.dir), false, "the missing project's cache is gone");
  assert.equal(existsSync(of(kept)!.dir), true, "the existing project's cache stays");
  assert.deepEqual((await cacheInfo(kept, cache.dir)).projects.map((project) => project.root), [kept]);
  assert.equal(await gowatch(elsewhere.dir, cache.dir, 'cache', 'clean', '--missing'), 'no cached project is missing\n');
});

/** The go settings of this machine, so that a run under an empty HOME still finds its build cache warm. */
const goSettings = (): Record<string, string> =>
  JSON.parse(execFileSync('go', ['env', '-json', 'GOCACHE', 'GOMODCACHE', 'GOPATH', 'GOENV'], { encoding: 'utf8' })) as Record<string, string>;

test('the tests leave nothing in the user gowatch cache: a test process uses a cache of its own and removes it', TIMEOUT, async (t) => {
  const sandbox = tempDir('gowatch-own-cache-');
  t.after(sandbox.cleanup);
  const [home, xdg, tmp] = ['home', 'xdg-cache', 'tmp'].map((name) => path.join(sandbox.dir, name));
  for (const dir of [home!, xdg!, tmp!]) mkdirSync(dir);

  // A test file of the suite's kind: it runs gowatch through the support, giving no cache, and
  // checks that some cache was used (else this proof would prove nothing).
  const support = (name: string) => pathToFileURL(path.join(path.dirname(CLI), '..', '..', 'test', 'support', name)).href;
  const probe = path.join(sandbox.dir, 'probe.test.mjs');
  writeFileSync(
    probe,
    `import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { tempDir, writeTree } from ${JSON.stringify(support('fixtures.js'))};
import { CLI, GowatchProcess } from ${JSON.stringify(support('gowatch-process.js'))};

test('own-cache probe', async () => {
  const project = tempDir('probe-');
  writeTree(project.dir, ${JSON.stringify(WAITING_PROGRAM)});
  const watcher = new GowatchProcess([], { cwd: project.dir });
  await watcher.waitForEvent('start');
  await watcher.stop('SIGINT');
  const info = JSON.parse(execFileSync(process.execPath, [CLI, 'cache', 'info', '--json'], { cwd: project.dir, encoding: 'utf8' }));
  assert.ok(info.projects.some((p) => p.root === project.dir && p.binaries === 1), JSON.stringify(info));
  project.cleanup();
});
`,
  );

  const env: NodeJS.ProcessEnv = { ...process.env, ...goSettings(), HOME: home, XDG_CACHE_HOME: xdg, TMPDIR: tmp };
  // Not a child of this test run (which NODE_TEST_CONTEXT would make it), and no cache given.
  delete env['NODE_TEST_CONTEXT'];
  delete env['GOWATCH_CACHE_DIR'];
  // The probe, and the suite's own tests that once left projects behind in the user's cache.
  const configTests = path.join(path.dirname(CLI), '..', '..', 'test', 'config.test.js');
  const pattern = 'own-cache probe|a missing package directory is named|a package go cannot list';
  const result = await run(process.execPath, ['--test', '--test-reporter=tap', `--test-name-pattern=${pattern}`, probe, configTests], { cwd: sandbox.dir, env }).catch(
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
  assert.match(result.stdout, /^# pass 3$/m, `${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, /^# fail 0$/m, result.stdout);

  const gowatchPaths = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.split(path.sep).includes('gowatch'));
  assert.deepEqual(gowatchPaths(xdg!), [], "nothing in the user's gowatch cache (XDG_CACHE_HOME)");
  assert.deepEqual(gowatchPaths(home!), [], "nothing in the user's gowatch cache (HOME)");
  assert.deepEqual(readdirSync(tmp!).filter((name) => name.startsWith(OWN_CACHE_PREFIX)), [], "the tests' own cache is removed when they end");
});
