import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { behavingProject } from './support/behaving-project.js';
import { tempDir, writeTree } from './support/fixtures.js';
import { stopAllGowatch } from './support/gowatch-process.js';

const cache = tempDir('gowatch-cache-');
after(async () => {
  await stopAllGowatch();
  cache.cleanup();
});

/**
 * Root ignores permissions, so a permission-denied directory needs a user namespace: there
 * gowatch keeps root's uid for reading its own files but loses the power to override modes.
 */
const userNamespace = spawnSync('unshare', ['-U', 'true']).status === 0;

const tagFile = (value: string) => `package tag\n\nconst V = ${JSON.stringify(value)}\n`;

test('hostile trees while running: unreadable, looping, oddly named, deleted and re-created directories', { skip: !userNamespace && 'unshare -U is not available here' }, async () => {
  const project = behavingProject('hostile', {
    cacheDir: cache.dir,
    wrap: ['unshare', '-U', '--'],
    files: {
      // The version the program records comes from a package that the test deletes and re-creates.
      'version.go': 'package main\n\nimport "example.com/hostile/internal/tag"\n\nconst version = tag.V\n',
      'internal/tag/tag.go': tagFile('h0'),
      'data/secret/hidden.txt': 'x',
      'data/a b c.txt': 'spaces',
      'data/ünïcödé/ß.txt': 'unicode',
    },
  });
  chmodSync(path.join(project.dir, 'data/secret'), 0);
  symlinkSync('.', path.join(project.dir, 'loop'));
  symlinkSync('..', path.join(project.dir, 'data', 'up'));
  const setTag = (value: string) => writeFileSync(path.join(project.dir, 'internal/tag/tag.go'), tagFile(value));
  const gowatch = project.start();
  await project.served('h0');

  setTag('h1');
  await project.served('h1');

  rmSync(path.join(project.dir, 'internal/tag'), { recursive: true, force: true });
  await sleep(500);
  mkdirSync(path.join(project.dir, 'internal/tag'));
  setTag('h2');
  await project.served('h2');

  writeTree(project.dir, { 'data/new\nline.txt': 'newline', 'data/tab\there.go': 'package nothing', 'data/ünïcödé/more.go': 'package main' });
  await sleep(300);
  setTag('h3');
  await project.served('h3');

  const warnings = gowatch.events.filter((e) => e.event === 'warning').map((e) => e.event === 'warning' && e.message);
  assert.equal(warnings.filter((m) => m && m.includes('data/secret')).length, 1, `warned once: ${JSON.stringify(warnings)}`);
  assert.deepEqual(gowatch.events.filter((e) => e.event === 'error'), []);
  assert.deepEqual(gowatch.invalidLines, []);
  await gowatch.stop('SIGINT');
  assert.deepEqual(await project.survivors(), []);
  chmodSync(path.join(project.dir, 'data/secret'), 0o755);
  project.cleanup();
});
