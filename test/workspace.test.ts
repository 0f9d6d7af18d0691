import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { GowatchEvent } from '../src/events.js';
import { httpMainGo, tempDir, writeTree } from './support/fixtures.js';
import { GowatchProcess } from './support/gowatch-process.js';
import { freePort, waitForReply } from './support/net.js';
import { stopGowatch } from './support/shop.js';

/**
 * Modules outside the project root: gowatch runs with --cwd app (the project root is app/),
 * and the library the program imports lies in ../lib, reached through go.work or a local
 * `replace`. Edits there must rebuild like edits in the project itself.
 */
const TIMEOUT = { timeout: 120_000 };

const libFile = (reply: string) => `package lib

// Reply is what the app serves.
func Reply() string { return ${JSON.stringify(reply)} }
`;

const appMain = httpMainGo('fmt.Fprint(w, lib.Reply())', ['example.com/lib']);

const GO_WORK = 'go 1.22\n\nuse (\n\t./app\n\t./lib\n)\n';

const workspaceFiles = (): Record<string, string> => ({
  'go.work': GO_WORK,
  'app/go.mod': 'module example.com/app\n\ngo 1.22\n',
  'app/main.go': appMain,
  'lib/go.mod': 'module example.com/lib\n\ngo 1.22\n',
  'lib/lib.go': libFile('lib1'),
});

const replaceFiles = (): Record<string, string> => ({
  'app/go.mod': 'module example.com/app\n\ngo 1.22\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n',
  'app/main.go': appMain,
  'lib/go.mod': 'module example.com/lib\n\ngo 1.22\n',
  'lib/lib.go': libFile('lib1'),
});

type Run = { readonly top: string; readonly port: number; readonly gowatch: GowatchProcess };

/** Writes `files` into a temp dir and runs `gowatch run --json --cwd app` from it. */
const start = async (t: TestContext, files: Record<string, string>, env: NodeJS.ProcessEnv = {}): Promise<Run> => {
  const fixture = tempDir('gowatch-ws-');
  const cache = tempDir('gowatch-cache-');
  writeTree(fixture.dir, files);
  const port = await freePort();
  const gowatch = new GowatchProcess(['--cwd', 'app', '--', '-addr', `127.0.0.1:${port}`], {
    cwd: fixture.dir,
    env: { GOWATCH_CACHE_DIR: cache.dir, ...env },
  });
  t.after(async () => {
    await stopGowatch(gowatch);
    fixture.cleanup();
    cache.cleanup();
  });
  await gowatch.waitForEvent('start');
  await waitForReply(port, 'lib1');
  return { top: fixture.dir, port, gowatch };
};

const finish = async ({ gowatch }: Run) => {
  const exit = await gowatch.stop('SIGINT');
  assert.deepEqual(gowatch.invalidLines, [], 'stdout carries only valid events');
  assert.equal(exit.code, 130, `gowatch exit status; stderr:\n${gowatch.stderr}`);
};

const inside = (dir: string, root: string) => dir === root || dir.startsWith(root + path.sep);

const watchedRoots = (events: readonly GowatchEvent[]) =>
  events.flatMap((e) => (e.event === 'watching' ? [e.root] : []));

/** Writes `rel` (relative to the fixture top), checks the change is reported relative to app/ and built. */
const expectRebuild = async (run: Run, rel: string, content: string, reply: string) => {
  const mark = run.gowatch.mark();
  writeFileSync(path.join(run.top, rel), content);
  const shown = path.relative(path.join(run.top, 'app'), path.join(run.top, rel));
  await run.gowatch.waitFor((e) => e.event === 'change' && e.files.includes(shown), mark);
  await run.gowatch.waitForEvent('build-start', mark);
  await run.gowatch.waitFor((e) => e.event === 'build-ok' && !e.cached, mark);
  await run.gowatch.waitForEvent('start', mark);
  await waitForReply(run.port, reply);
};

test('go.work workspace: the used module outside the project root is watched and rebuilds', TIMEOUT, async (t) => {
  const run = await start(t, workspaceFiles());
  const lib = path.join(run.top, 'lib');
  const roots = watchedRoots(run.gowatch.events);
  assert.ok(roots.some((root) => root === run.top || root === lib), `a watching event covers lib: ${JSON.stringify(roots)}`);
  assert.ok(roots.some((root) => inside(path.join(run.top, 'app'), root)), `app is watched: ${JSON.stringify(roots)}`);

  await expectRebuild(run, 'lib/lib.go', libFile('lib2'), 'lib2');
  await expectRebuild(run, 'go.work', `${GO_WORK}\n// a comment: go.work shapes every build\n`, 'lib2');
  await expectRebuild(run, 'lib/lib.go', libFile('lib3'), 'lib3');
  await finish(run);
});

test('local replace (GOWORK=off): the replaced module outside the project root is watched and rebuilds', TIMEOUT, async (t) => {
  const run = await start(t, replaceFiles(), { GOWORK: 'off' });
  const lib = path.join(run.top, 'lib');
  const roots = watchedRoots(run.gowatch.events);
  assert.ok(roots.some((root) => inside(lib, root)), `a watching event covers lib: ${JSON.stringify(roots)}`);

  await expectRebuild(run, 'lib/lib.go', libFile('lib2'), 'lib2');
  await expectRebuild(run, 'lib/go.mod', 'module example.com/lib\n\ngo 1.22\n\n// edited\n', 'lib2');
  await expectRebuild(run, 'lib/lib.go', libFile('lib3'), 'lib3');
  await finish(run);
});
