import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import type { Topology, Why } from '../src/reload/inspect.js';
import { tempDir, writeTree } from './support/fixtures.js';
import { CLI } from './support/gowatch-process.js';
import { SHOP_MODULE, shopFiles } from './support/shop.js';

/** `gowatch inspect` on the shop module: the topology `run` would use, and `--why` verdicts. */
const run = promisify(execFile);
const TIMEOUT = { timeout: 60_000 };

const shop = tempDir('gowatch-inspect-');
const cache = tempDir('gowatch-cache-');
before(() => writeTree(shop.dir, shopFiles()));
after(() => {
  shop.cleanup();
  cache.cleanup();
});

const inspect = async (...args: string[]): Promise<string> => {
  const { stdout } = await run(process.execPath, [CLI, 'inspect', ...args], {
    cwd: shop.dir,
    // Native events unless the filesystem calls for polling: no polling request from the environment.
    env: { ...process.env, NO_COLOR: '1', GOWATCH_CACHE_DIR: cache.dir, GOWATCH_POLL: '', CHOKIDAR_USEPOLLING: '' },
  });
  return stdout;
};

const why = async (file: string): Promise<Why> => JSON.parse(await inspect('./cmd/api', '--why', file, '--json')) as Why;

test('inspect --json describes the closure, the target and the watched roots', TIMEOUT, async () => {
  const topology = JSON.parse(await inspect('./cmd/api', '--json')) as Topology;
  assert.equal(topology.projectRoot, shop.dir);
  assert.equal(topology.target.importPath, `${SHOP_MODULE}/cmd/api`);
  assert.equal(topology.target.name, './cmd/api');
  assert.ok(topology.packages >= 2, `cmd/api and internal/a: ${topology.packages}`);
  assert.ok(topology.edges >= 1, `cmd/api imports internal/a: ${topology.edges}`);
  assert.deepEqual(topology.modules, [shop.dir]);
  assert.equal(topology.workspace, null);
  assert.ok(topology.moduleFiles.includes(path.join(shop.dir, 'go.mod')), JSON.stringify(topology.moduleFiles));
  assert.ok(topology.packageDirs.includes(path.join(shop.dir, 'internal', 'a')), JSON.stringify(topology.packageDirs));
  assert.ok(!topology.packageDirs.includes(path.join(shop.dir, 'internal', 'b')), 'internal/b is not imported');
  assert.ok(topology.roots.length > 0, 'something is watched');
  assert.ok(topology.roots.some((root) => root.root === shop.dir), JSON.stringify(topology.roots));
  for (const root of topology.roots) assert.equal(root.backend, 'native', JSON.stringify(root));
});

test('inspect --why: a package the target does not import is skipped as not-in-build', TIMEOUT, async () => {
  const verdict = await why('internal/b/b.go');
  assert.equal(verdict.path, 'internal/b/b.go');
  assert.equal(verdict.verdict, 'skip');
  assert.equal(verdict.reason, 'not-in-build');
});

test('inspect --why: a test file of a closure package is skipped as excluded (by the default patterns)', TIMEOUT, async () => {
  const verdict = await why('internal/a/a_test.go');
  assert.equal(verdict.verdict, 'skip');
  assert.equal(verdict.reason, 'excluded');
});

test('inspect --why: a source file of an imported package builds', TIMEOUT, async () => {
  const verdict = await why('internal/a/a.go');
  assert.equal(verdict.verdict, 'build');
  assert.equal(verdict.reason, undefined);
  assert.match(verdict.why, /internal\/a/);
});

test('inspect --why: an embedded asset builds', TIMEOUT, async () => {
  const verdict = await why('internal/a/static/banner.txt');
  assert.equal(verdict.verdict, 'build');
});

test('inspect --why: go.mod builds', TIMEOUT, async () => {
  const verdict = await why('go.mod');
  assert.equal(verdict.verdict, 'build');
});

test('inspect without --json prints the topology for people', TIMEOUT, async () => {
  const text = await inspect('./cmd/api');
  assert.match(text, /closure/);
  assert.match(text, new RegExp(`${SHOP_MODULE}/cmd/api`));
  assert.match(text, /native/);
  const explained = await inspect('./cmd/api', '--why', 'internal/b/b.go');
  assert.match(explained, /internal\/b\/b\.go/);
  assert.match(explained, /not-in-build/);
});
