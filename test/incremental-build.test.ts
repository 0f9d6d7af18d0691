import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { tempDir } from './support/fixtures.js';
import { GOWATCH_PACKAGE } from './support/monorepo.js';

/**
 * `npm start` and `npm test` build first: a second build of an unchanged tree compiles nothing,
 * yet what changed is compiled, and removed output (prepack removes dist/src) is built again.
 * Whether tsc emitted a file is what is asserted, not how long it took.
 */
const exec = promisify(execFile);

/** The .js files `npm run build` wrote, relative to dist/ (tsc's --listEmittedFiles). */
const build = async (dir: string): Promise<string[]> => {
  const env = { ...process.env, npm_config_update_notifier: 'false' };
  // Type errors (in a tree being edited) do not stop tsc from writing its output, which is what this test looks at.
  const { stdout } = await exec('npm', ['run', 'build', '--silent', '--', '--listEmittedFiles'], { cwd: dir, env }).catch(
    (error: { stdout: string }) => error,
  );
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('TSFILE: ') && line.endsWith('.js'))
    .map((line) => path.relative(path.join(dir, 'dist'), line.slice('TSFILE: '.length)))
    .sort();
};

test('the build compiles only what changed, and again what was removed', { timeout: 240_000 }, async (t) => {
  const copy = tempDir('gowatch-build-');
  t.after(copy.cleanup);
  // The sources gowatch runs from, with the build's own configuration; tests and benches would only make it slower.
  for (const name of ['package.json', 'tsconfig.json', 'src']) cpSync(path.join(GOWATCH_PACKAGE, name), path.join(copy.dir, name), { recursive: true });
  symlinkSync(path.join(GOWATCH_PACKAGE, 'node_modules'), path.join(copy.dir, 'node_modules'));

  const first = await build(copy.dir);
  assert.ok(first.includes('src/cli/main.js'), first.join(' '));
  assert.deepEqual(await build(copy.dir), [], 'nothing changed: nothing is compiled');

  // A change inside one file (its exports stay the same, so no importer needs compiling again).
  appendFileSync(path.join(copy.dir, 'src', 'text', 'plural.ts'), '\n// edited since the last build\n');
  assert.deepEqual(await build(copy.dir), ['src/text/plural.js'], 'the edited file is compiled');
  assert.match(readFileSync(path.join(copy.dir, 'dist', 'src', 'text', 'plural.js'), 'utf8'), /edited since the last build/);

  rmSync(path.join(copy.dir, 'dist', 'src'), { recursive: true });
  assert.deepEqual(await build(copy.dir), first, 'removed output is built again, all of it');
});
