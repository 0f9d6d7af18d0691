import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { tempDir, writeTree } from './support/fixtures.js';
import { CLI } from './support/gowatch-process.js';
import { HumanRun } from './support/human-run.js';
import { freePort } from './support/net.js';
import { replaceFile } from './support/shop.js';
import { multiConfig, multiFiles, packageFile } from './support/targets-project.js';

/**
 * What a person reads when gowatch runs several targets: real go, a real `gowatch run api
 * worker` in human mode, its stderr in a file, so the order on a terminal is the order asserted.
 * api imports internal/apionly, worker does not; .gitignore leaves out tmp/.
 */
const TIMEOUT = { timeout: 180_000 };

type Project = { dir: string; staging: string; cache: string; edit: (rel: string, content: string) => void };

const project = async (t: TestContext): Promise<Project> => {
  const fixture = tempDir('gowatch-multi-words-');
  const staging = tempDir('gowatch-multi-words-staging-');
  const cache = tempDir('gowatch-multi-words-cache-');
  t.after(() => [fixture, staging, cache].forEach((dir) => dir.cleanup()));
  const ports = { api: await freePort(), worker: await freePort(), scheduler: await freePort() };
  writeTree(fixture.dir, {
    ...multiFiles(),
    '.gitignore': 'tmp/\n',
    'buddy.watch.json': JSON.stringify(multiConfig(ports, ['api', 'worker'])),
  });
  return { dir: fixture.dir, staging: staging.dir, cache: cache.dir, edit: (rel, content) => replaceFile(staging.dir, path.join(fixture.dir, rel), content) };
};


/** `gowatch run` for people: its stderr and the program's output in one file outside the project. */
const humanRun = (t: TestContext, p: Project, args: readonly string[]) => new HumanRun(t, { cwd: p.dir, cache: p.cache, outputDir: p.staging, args });

const STARTED = ['[gowatch] api    │ starting api', '[gowatch] worker │ starting worker'];
const watchingLines = (text: string) => text.split('\n').filter((line) => line.startsWith('[gowatch] watching '));

test('several targets, without --verbose: one watching line, and the ignored-edit hint is kept for an edit no target uses', TIMEOUT, async (t) => {
  const p = await project(t);
  const run = humanRun(t, p, ['api', 'worker']);
  const start = await run.nextAll(STARTED);
  assert.equal(watchingLines(start).length, 1, `one root, said once, not once per target:\n${start}`);

  // api builds it, worker does not: to the user this is a relevant edit, not an ignored one.
  p.edit('internal/apionly/apionly.go', packageFile('apionly', 'apionly2'));
  const rebuilt = await run.nextAll(['[gowatch] api    │ starting api (old one stopped in N ms)']);
  assert.match(rebuilt, /^\[gowatch\] changed internal\/apionly\/apionly\.go\n/);
  assert.doesNotMatch(rebuilt, /worker/, 'worker ignoring an edit api builds is no line without --verbose');

  // The hint was not spent above: the first edit every target ignores gets it, without a target's name.
  p.edit('README.md', '# multi, edited\n');
  assert.equal(
    await run.nextAll(['[gowatch] README.md changed: not part of the build, and no pattern names it (ignored edits are shown with --verbose)']),
    '[gowatch] README.md changed: not part of the build, and no pattern names it (ignored edits are shown with --verbose)\n',
  );
  assert.equal(await run.stop(), 130);
});

test('several targets, --verbose: a target\'s "not part of the build" comes after the changed line; a gitignored directory is gitignored and re-watches nothing', TIMEOUT, async (t) => {
  const p = await project(t);
  const run = humanRun(t, p, ['api', 'worker', '--verbose']);
  await run.nextAll(STARTED);

  p.edit('internal/apionly/apionly.go', packageFile('apionly', 'apionly2'));
  const notInWorker = '[gowatch] worker │ internal/apionly/apionly.go changed: not part of the build (not-in-build)';
  const changed = '[gowatch] changed internal/apionly/apionly.go';
  const edited = await run.nextAll([notInWorker, '[gowatch] api    │ starting api (old one stopped in N ms)']);
  const lines = edited.split('\n');
  assert.ok(lines.includes(changed), `the changed line is said:\n${edited}`);
  assert.ok(lines.indexOf(changed) < lines.indexOf(notInWorker), `worker's word on the edit follows the changed line it is about:\n${edited}`);
  assert.equal(lines.filter((line) => line === changed).length, 1, `said once for both targets:\n${edited}`);

  // A gitignored directory made later: the watcher reports the directory itself.
  mkdirSync(path.join(p.dir, 'tmp'));
  const tmp = await run.nextAll(['api', 'worker'].map((name) => `[gowatch] ${name.padEnd(6)} │ tmp changed: ignored by .gitignore (gitignored)`));
  assert.doesNotMatch(tmp, /not-watched/, tmp);

  // A build for both after it: by then the watch plan that now prunes tmp/ is in place.
  p.edit('internal/shared/shared.go', packageFile('shared', 'shared2'));
  await run.nextAll(['[gowatch] api    │ starting api (old one stopped in N ms)', '[gowatch] worker │ starting worker (old one stopped in N ms)']);
  assert.equal(await run.stop(), 130);
  assert.equal(watchingLines(run.text).length, 1, `a re-planned root keeps its watch and is not said again:\n${run.text}`);
});

test('inspect --why with several targets: each answer names its target; a gitignored directory is gitignored like its files', TIMEOUT, async (t) => {
  const p = await project(t);
  writeTree(p.dir, { 'tmp/a.txt': 'scratch\n' });
  const inspect = (...args: string[]) => {
    const result = spawnSync(process.execPath, [CLI, 'inspect', ...args], { cwd: p.dir, env: { ...process.env, NO_COLOR: '1', GOWATCH_CACHE_DIR: p.cache }, encoding: 'utf8', timeout: 60_000 });
    assert.equal(result.status, 0, result.stderr);
    return result.stdout;
  };

  assert.equal(
    inspect('--why', 'internal/apionly/apionly.go'),
    'api    │ internal/apionly/apionly.go: a change rebuilds\n' +
      'api    │   why: goes into package example.com/multi/internal/apionly, which example.com/multi/cmd/api depends on\n' +
      'worker │ internal/apionly/apionly.go: a change does nothing (not-in-build)\n' +
      'worker │   why: not in the build closure of example.com/multi/cmd/worker\n',
  );
  assert.equal(
    inspect('--why', 'tmp'),
    'api    │ tmp: a change does nothing (gitignored)\napi    │   why: ignored by .gitignore:1 (tmp/)\n' +
      'worker │ tmp: a change does nothing (gitignored)\nworker │   why: ignored by .gitignore:1 (tmp/)\n',
  );
  for (const rel of ['tmp', 'tmp/a.txt']) {
    const answers = JSON.parse(inspect('--json', '--why', rel)) as { target: string; path: string; verdict: string; reason?: string }[];
    assert.deepEqual(
      answers.map(({ target, path: at, verdict, reason }) => ({ target, path: at, verdict, reason })),
      ['api', 'worker'].map((target) => ({ target, path: rel, verdict: 'skip', reason: 'gitignored' })),
    );
  }
});
