import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { STOP_SIGNALS } from '../src/config/signals.js';
import { tempDir, writeTree } from './support/fixtures.js';
import { CLI } from './support/gowatch-process.js';
import { greeterFiles, libFile } from './support/greeter.js';
import { HumanRun, normalized } from './support/human-run.js';
import { replaceFile } from './support/shop.js';

/**
 * What a person reads, word for word: real go, a real `gowatch` in human mode, its stderr and
 * the program's stdout in one file, so the order on a terminal is the order asserted.
 */
const TIMEOUT = { timeout: 180_000 };
const MODULE = 'example.com/messages';
/** How long an edit gowatch says nothing about is given to be said anyway before the next step. */
const QUIET_MS = 1500;

const BROKEN_LIB = 'package lib\n\nfunc Greeting() string { return missing }\n';

/** cmd/api prints its greeting on start and "bye" on SIGTERM; internal/other is a package nothing imports. */
const projectFiles = (): Record<string, string> => ({
  ...greeterFiles(MODULE, 'listening'),
  'cmd/api/main_test.go': 'package main\n',
  'internal/other/other.go': 'package other\n',
  'node_modules/dep/dep.go': 'package dep\n',
  'config/app.yaml': 'level: info\n',
  'README.md': '# messages\n',
  '.gitignore': '*.log\n',
  'app.log': 'started\n',
  'buddy.watch.json': JSON.stringify({ 'go.build.package': './cmd/api', 'go.watch.patterns': ['**/*.go', 'go.mod', 'config/*.yaml', '!**/*_test.go', '!**/node_modules/**'] }),
});


type Project = { dir: string; staging: string; cache: string; edit: (rel: string, content: string) => void };

const project = (t: TestContext): Project => {
  const fixture = tempDir('gowatch-messages-');
  const staging = tempDir('gowatch-messages-staging-');
  const cache = tempDir('gowatch-messages-cache-');
  t.after(() => [fixture, staging, cache].forEach((dir) => dir.cleanup()));
  writeTree(fixture.dir, projectFiles());
  // A rename is one event: each edit is one batch, as an editor's atomic save is.
  return { dir: fixture.dir, staging: staging.dir, cache: cache.dir, edit: (rel, content) => replaceFile(staging.dir, path.join(fixture.dir, rel), content) };
};

/** `gowatch run` for people: its stderr and the program's output in one file outside the project. */
const humanRun = (t: TestContext, p: Project, args: readonly string[]) => new HumanRun(t, { cwd: p.dir, cache: p.cache, outputDir: p.staging, args });

const gowatch = (cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 60_000 });

test('without --verbose: gowatch says what it does before it happens, and the first ignored edit once, with the way to see the rest', TIMEOUT, async (t) => {
  const p = project(t);
  const run = humanRun(t, p, ['./cmd/api']);

  const start = (await run.next('listening\n')).split('\n');
  assert.match(start[0]!, /^\[gowatch\] watching /);
  assert.deepEqual(start.slice(1), [
    '[gowatch] ./cmd/api: 2 packages, 1 import, 3 files in the build (N ms)',
    '[gowatch] building ./cmd/api…',
    '[gowatch] built ./cmd/api in N ms',
    '[gowatch] starting ./cmd/api',
    'listening',
    '',
  ]);

  p.edit('README.md', '# messages, edited\n');
  assert.equal(
    await run.next('--verbose)\n'),
    '[gowatch] README.md changed: not part of the build, and no pattern names it (ignored edits are shown with --verbose)\n',
  );

  // Ignored again: said no more. The restart that follows is all there is to read.
  p.edit('cmd/api/main_test.go', 'package main\n\n// edited\n');
  p.edit('README.md', '# messages, edited again\n');
  p.edit('app.log', 'more\n');
  await sleep(QUIET_MS);
  p.edit('config/app.yaml', 'level: debug\n');
  assert.equal(
    await run.next('listening\n'),
    '[gowatch] changed config/app.yaml\nbye\n[gowatch] starting ./cmd/api (old one stopped in N ms)\nlistening\n',
    'the cause first, then the old program\'s last line, then the new one\'s first',
  );

  const column = BROKEN_LIB.split('\n')[2]!.indexOf('missing') + 1;
  p.edit('internal/lib/lib.go', BROKEN_LIB);
  assert.equal(
    await run.next('undefined: missing\n'),
    '[gowatch] changed internal/lib/lib.go\n[gowatch] building ./cmd/api…\n' +
      `[gowatch] build failed in N ms; the previous program keeps running\n  internal/lib/lib.go:3:${column}: undefined: missing\n`,
  );
  p.edit('internal/lib/lib.go', libFile('listening'));
  assert.equal(
    await run.next('(no rebuild needed)\n'),
    '[gowatch] changed internal/lib/lib.go\n[gowatch] build errors fixed: the running program is current (no rebuild needed)\n',
  );

  p.edit('internal/lib/lib.go', libFile('listening v2'));
  assert.equal(
    await run.next('listening v2\n'),
    '[gowatch] changed internal/lib/lib.go\n[gowatch] building ./cmd/api…\n[gowatch] built ./cmd/api in N ms\n' +
      'bye\n[gowatch] starting ./cmd/api (old one stopped in N ms)\nlistening v2\n',
  );
  assert.equal(await run.stop(), 130);
  assert.doesNotMatch(run.text, /not-in-build|left the build unchanged|running \.\/cmd\/api as pid/);
});

test('--verbose: every ignored edit is a line with its path and its reason, and the pid of each program', TIMEOUT, async (t) => {
  const p = project(t);
  const run = humanRun(t, p, ['./cmd/api', '--verbose']);
  const start = await run.next('listening\n');
  assert.ok(start.includes('[gowatch] starting ./cmd/api\nlistening\n') || start.includes('[gowatch] starting ./cmd/api\n[gowatch] ./cmd/api runs as pid N\nlistening\n'), start);
  // The pid is said once the program runs, so it may come after the program's first line.
  const pid = '[gowatch] ./cmd/api runs as pid N\n';
  if (!start.includes(pid)) assert.equal(await run.next(pid), pid);

  const ignored: [string, string, string][] = [
    ['README.md', '# edited\n', 'README.md changed: not part of the build, and no pattern names it (not-watched)'],
    ['cmd/api/main_test.go', 'package main\n\n// edited\n', 'cmd/api/main_test.go changed: excluded by go.watch.patterns (excluded)'],
    ['internal/other/other.go', 'package other\n\n// edited\n', 'internal/other/other.go changed: not part of the build (not-in-build)'],
    ['app.log', 'edited\n', 'app.log changed: ignored by .gitignore (gitignored)'],
  ];
  for (const [rel, content, line] of ignored) {
    p.edit(rel, content);
    assert.equal(await run.next(`${line}\n`), `[gowatch] ${line}\n`, rel);
  }
  // A file written over and over (a log) is said once: the next line is about another file.
  p.edit('app.log', 'again\n');
  p.edit('README.md', '# edited again\n');
  p.edit('NOTES.md', 'new\n');
  const notes = 'NOTES.md changed: not part of the build, and no pattern names it (not-watched)';
  assert.equal(await run.next(`${notes}\n`), `[gowatch] ${notes}\n`);
  assert.equal(await run.stop(), 130);

  // The binary that run built, counted for people.
  const info = gowatch(p.dir, ['cache', 'info'], { GOWATCH_CACHE_DIR: p.cache });
  assert.equal(info.status, 0, info.stderr);
  assert.match(info.stdout, new RegExp(`^  ${p.dir} \\(this project\\): 1 binary, \\d+(\\.\\d)? MB in `, 'm'), info.stdout);
  const clean = gowatch(p.dir, ['cache', 'clean'], { GOWATCH_CACHE_DIR: p.cache });
  assert.match(clean.stdout, /^removed 1 project cache, \d+(\.\d)? MB\n$/, clean.stdout);
});

test('inspect: the skip reasons run gives, counts in words, and only the module files that exist', TIMEOUT, async (t) => {
  const p = project(t);
  const inspect = (...args: string[]) => {
    const result = gowatch(p.dir, ['inspect', './cmd/api', ...args], { GOWATCH_CACHE_DIR: p.cache });
    assert.equal(result.status, 0, result.stderr);
    return result.stdout;
  };
  const why: [string, string][] = [
    ['cmd/api/main_test.go', 'excluded)\n  why: excluded by "!**/*_test.go"'],
    ['node_modules/dep/dep.go', 'excluded)\n  why: excluded by "!**/node_modules/**"'],
    ['internal/other/other.go', `not-in-build)\n  why: not in the build closure of ${MODULE}/cmd/api`],
    ['README.md', 'not-watched)\n  why: matches no pattern of go.watch.patterns and is not part of the build'],
    ['app.log', 'gitignored)\n  why: ignored by .gitignore:1 (*.log)'],
  ];
  for (const [rel, verdict] of why) assert.equal(inspect('--why', rel), `${rel}: a change does nothing (${verdict}\n`);

  const lines = normalized(inspect()).split('\n');
  assert.ok(lines.includes('closure        2 packages, 1 import edge, 3 files (go list: N ms)'), lines.join('\n'));
  const modules = lines.indexOf('module files   go.mod');
  assert.ok(modules >= 0, lines.join('\n'));
  assert.equal(lines[modules + 1], '               (would count if created: cmd/api/default.pgo, go.sum, vendor/modules.txt)');
  assert.doesNotMatch(lines.join('\n'), /\b1 (packages|import edges|files|directories)\b/);
});

test('stop signals: refusals and suggestions come from the signals a program can stop on, as the schema does', TIMEOUT, async (t) => {
  const p = project(t);
  const expected = 'one of SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGALRM';
  const refusals: [string, string][] = [
    ['SIGFOO', `unknown signal "SIGFOO"; expected ${expected}`],
    ['SIGTREM', `unknown signal "SIGTREM" (did you mean "SIGTERM"?); expected ${expected}`],
    ['term', `unknown signal "term" (did you mean "SIGTERM"?); expected ${expected}`],
    ['SIGIOT', `SIGIOT is not a signal programs stop on; expected ${expected}`],
    [
      'SIGKILL',
      'SIGKILL cannot be caught, so the program could never stop gracefully; gowatch itself sends SIGKILL once go.run.stopTimeout runs out (0 kills at once)',
    ],
  ];
  for (const [signal, message] of refusals) {
    const result = gowatch(p.dir, ['run', './cmd/api', '--stop-signal', signal], { GOWATCH_CACHE_DIR: p.cache });
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stderr, `gowatch: --stop-signal: ${message}\n`);
  }
  const schema = JSON.parse(readFileSync(new URL('../../buddy.watch.schema.json', import.meta.url), 'utf8')) as {
    properties: Record<string, { enum?: string[] }>;
  };
  assert.deepEqual(schema.properties['go.run.stopSignal']?.enum, [...STOP_SIGNALS]);
  assert.equal(`one of ${STOP_SIGNALS.join(', ')}`, expected);
});
