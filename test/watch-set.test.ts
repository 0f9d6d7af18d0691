import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { DEFAULT_PATTERNS } from '../src/config/schema.js';
import { behavingProject } from './support/behaving-project.js';
import { tempDir } from './support/fixtures.js';
import { CLI, stopAllGowatch } from './support/gowatch-process.js';

const run = promisify(execFile);
const cache = tempDir('gowatch-cache-');
after(async () => {
  await stopAllGowatch();
  cache.cleanup();
});

/** inotify watches a process holds, as the kernel lists them in /proc/PID/fdinfo. */
const inotifyWatches = (pid: number): number => {
  let watches = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== 'anon_inode:inotify') continue;
      watches += readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8').split('\n').filter((line) => line.startsWith('inotify wd:')).length;
    } catch {
      // closed meanwhile
    }
  }
  return watches;
};

/** N directories below `base`, each holding one file named `file`. */
const manyDirs = (base: string, count: number, file: string, content: string): Record<string, string> =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`${base}/d${i}/${file}`, content]));

test('the watch follows the build, not the repository: non-Go, excluded and gitignored trees cost no watch', async (t) => {
  const project = behavingProject('watchset', {
    cacheDir: cache.dir,
    config: { 'go.watch.patterns': [...DEFAULT_PATTERNS, 'build/conf/*.yaml'] },
    files: {
      '.gitignore': 'build/\n*.log\n',
      'internal/lib/lib.go': 'package lib\n',
      'tools/gen/main.go': 'package main\n\nfunc main() {}\n',
      'docs/README.md': 'docs',
      'build/conf/app.yaml': 'a: 1',
      ...manyDirs('assets', 300, 'logo.png', 'png'),
      ...manyDirs('node_modules', 100, 'index.js', 'js'),
      ...manyDirs('build', 100, 'gen.go', 'package gen\n'),
    },
  });
  const gowatch = project.start();
  await project.served('v0');
  const watches = inotifyWatches(gowatch.child.pid!);
  t.diagnostic(`${watches} inotify watches for a tree of 507 directories`);
  // Kept: the root, internal, internal/lib, tools, tools/gen, build and build/conf (a pattern the user wrote names it).
  assert.ok(watches >= 5 && watches <= 10, `${watches} inotify watches for a tree of over 500 directories`);

  // A gitignored file is neither watched nor a trigger; inspect names the rule.
  let mark = gowatch.mark();
  writeFileSync(path.join(project.dir, 'build/d3/gen.go'), 'package gen\n\nvar X = 1\n');
  writeFileSync(path.join(project.dir, 'debug.log'), 'noise');
  project.setVersion('v1');
  await project.served('v1');
  const seen = JSON.stringify(gowatch.after(mark).filter((e) => e.event === 'change'));
  assert.doesNotMatch(seen, /build\/d3/, 'a gitignored directory is not watched');
  const skipped = gowatch.after(mark).find((e) => e.event === 'skip' && e.files.includes('debug.log'));
  assert.ok(skipped?.event === 'skip' && skipped.reason === 'gitignored', 'a gitignored file in a watched directory triggers nothing');
  const why = await run(process.execPath, [CLI, 'inspect', '--why', 'build/d3/gen.go'], { cwd: project.dir, env: { ...process.env, GOWATCH_CACHE_DIR: cache.dir } });
  assert.match(why.stdout, /does nothing \(gitignored\)/);
  assert.match(why.stdout, /ignored by \.gitignore:1 \(build\/\)/);

  // A pattern the user wrote wins over .gitignore: a restart, no build.
  mark = gowatch.mark();
  writeFileSync(path.join(project.dir, 'build/conf/app.yaml'), 'a: 2');
  await gowatch.waitForEvent('start', mark);
  assert.ok(!gowatch.after(mark).some((e) => e.event === 'build-start'), 'restart only');

  // A directory made after start, written at once and imported at once, is watched from then on.
  mkdirSync(path.join(project.dir, 'internal/fresh'));
  writeFileSync(path.join(project.dir, 'internal/fresh/fresh.go'), 'package fresh\n\nconst V = "f1"\n');
  writeFileSync(path.join(project.dir, 'version.go'), 'package main\n\nimport "example.com/watchset/internal/fresh"\n\nconst version = fresh.V\n');
  await project.served('f1');
  writeFileSync(path.join(project.dir, 'internal/fresh/fresh.go'), 'package fresh\n\nconst V = "f2"\n');
  await project.served('f2');

  // .gitignore edited: build/ is no longer ignored, so its Go directories are watched again.
  writeFileSync(path.join(project.dir, '.gitignore'), '*.log\n');
  await sleep(1500);
  mark = gowatch.mark();
  writeFileSync(path.join(project.dir, 'build/d5/gen.go'), 'package gen\n\nvar Y = 2\n');
  const change = await gowatch.waitFor((e) => e.event === 'change' && e.files.some((f) => f.includes('build/d5/gen.go')), mark, 15_000);
  assert.ok(change);
  assert.ok(inotifyWatches(gowatch.child.pid!) > 100, 'build/ is watched now');
  assert.deepEqual(gowatch.events.filter((e) => e.event === 'error'), []);
  await gowatch.stop('SIGINT');
  assert.deepEqual(await project.survivors(), []);
  project.cleanup();
});

test('a directory made after start that the plan prunes (an npm install, a gitignored build) stops costing watches', async (t) => {
  const project = behavingProject('watchlater', {
    cacheDir: cache.dir,
    files: { '.gitignore': 'dist/\n', 'internal/lib/lib.go': 'package lib\n' },
  });
  const gowatch = project.start();
  await project.served('v0');
  const before = inotifyWatches(gowatch.child.pid!);
  t.diagnostic(`${before} inotify watches at start`);

  // Made after start, at a watched level: native events see each new directory appear.
  for (const [base, file] of [['node_modules', 'index.js'], ['dist', 'gen.go']] as const) {
    for (let i = 0; i < 60; i++) {
      mkdirSync(path.join(project.dir, base, `d${i}`, 'sub'), { recursive: true });
      writeFileSync(path.join(project.dir, base, `d${i}`, 'sub', file), 'x');
    }
  }
  const deadline = Date.now() + 20_000;
  while (inotifyWatches(gowatch.child.pid!) > before && Date.now() < deadline) await sleep(200);
  assert.equal(inotifyWatches(gowatch.child.pid!), before, 'node_modules/ and the gitignored dist/ hold no watch');

  // The re-plan lost nothing: an edit of the build is still served.
  project.setVersion('v1');
  await project.served('v1');
  assert.deepEqual(gowatch.events.filter((e) => e.event === 'error'), []);
  await gowatch.stop('SIGINT');
  assert.deepEqual(await project.survivors(), []);
  project.cleanup();
});
