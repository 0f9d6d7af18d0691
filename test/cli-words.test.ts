import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { tempDir, writeTree } from './support/fixtures.js';
import { CLI } from './support/gowatch-process.js';

/**
 * What the real CLI says when a user gets it wrong the first time: bare `gowatch` where there is
 * nothing to run, flags brought from other watchers, and `gowatch --help` as the first thing a
 * newcomer reads. Every line says what happened and what to do, and starts with `gowatch:`.
 */
const TIMEOUT = { timeout: 120_000 };

const cleanups: (() => void)[] = [];
after(() => cleanups.forEach((cleanup) => cleanup()));

const dir = (files: Record<string, string>): string => {
  const made = tempDir('gowatch-cli-words-');
  cleanups.push(made.cleanup);
  writeTree(made.dir, files);
  return made.dir;
};

const cacheDir = dir({});
const cache = path.join(cacheDir, 'cache');
const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', GOWATCH_CACHE_DIR: cache, GOFLAGS: '', GOPROXY: 'off', GOTOOLCHAIN: 'local' };

type Ended = { readonly code: number | null; readonly stdout: string; readonly stderr: string };

const gowatch = (cwd: string, args: readonly string[]): Ended => {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env, encoding: 'utf8', timeout: 90_000 });
  assert.equal(result.error, undefined, `gowatch ${args.join(' ')} did not end by itself`);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

const lines = (text: string): string[] => text.split('\n').slice(0, -1);

const MAIN = 'package main\n\nfunc main() {}\n';
const MODULE = (name: string) => `module example.com/${name}\n\ngo 1.22\n`;

test('bare gowatch where there is nothing to run: the reason gowatch run gives, then what to do; no help, nothing cached', TIMEOUT, () => {
  const places = [
    { name: 'main.go without go.mod', cwd: dir({ 'main.go': MAIN }), todo: 'go mod init MODULE-PATH' },
    { name: 'a library-only module', cwd: dir({ 'go.mod': MODULE('lib'), 'lib.go': 'package lib\n' }), todo: 'write a main package' },
    { name: 'an empty directory', cwd: dir({}), todo: 'go mod init MODULE-PATH' },
    { name: 'a module whose main package is below', cwd: dir({ 'go.mod': MODULE('api'), 'cmd/api/main.go': MAIN }), todo: 'run it with gowatch ./cmd/api;' },
  ];
  const bares = places.map(({ cwd }) => gowatch(cwd, []));
  assert.equal(existsSync(cache), false, 'saying why leaves nothing in the cache');
  for (const [i, { name, cwd, todo }] of places.entries()) {
    const bare = bares[i]!;
    const run = gowatch(cwd, ['run']);
    assert.equal(bare.code, 2, `${name}: ${bare.stderr}`);
    assert.equal(bare.stdout, '', name);
    const [reason, next, ...rest] = lines(bare.stderr);
    assert.equal(reason, lines(run.stderr)[0], `${name}: the reason comes first, in gowatch run's words`);
    assert.match(reason!, /^gowatch: the default package "\.": /, name);
    assert.ok(next?.startsWith('gowatch: ') && next.includes(todo) && next.endsWith('gowatch --help lists the commands and flags'), `${name}: ${next}`);
    assert.deepEqual(rest, [], `${name}: two lines, not the help`);
  }
});

/** Flags of air, nodemon, reflex and watchexec, and a word of what gowatch says to do instead. */
const PEER_FLAGS = [
  { flag: '-w', instead: '"go.watch.patterns" in buddy.watch.json' },
  { flag: '--watch', instead: '"go.watch.patterns" in buddy.watch.json' },
  { flag: '-c', instead: 'buddy.watch.json (gowatch init writes one)' },
  { flag: '--exec', instead: 'name it (gowatch ./cmd/api)' },
  { flag: '-e', instead: '"go.watch.patterns" in buddy.watch.json' },
  { flag: '-V', instead: 'gowatch --version' },
];

test("another watcher's flag: one gowatch line, what gowatch does instead, and which help to read", TIMEOUT, () => {
  const cwd = dir({});
  for (const { flag, instead } of PEER_FLAGS) {
    for (const args of [[flag], ['run', flag, 'x']]) {
      const refused = gowatch(cwd, args);
      assert.equal(refused.code, 2, `${args.join(' ')}: ${refused.stderr}`);
      assert.equal(refused.stdout, '');
      const [line, ...rest] = lines(refused.stderr);
      assert.ok(line?.startsWith(`gowatch: unknown option '${flag}': `), line);
      assert.ok(line.includes(instead), `${args.join(' ')}: ${line}`);
      assert.ok(line.endsWith('; see gowatch run --help'), line);
      assert.deepEqual(rest, [], 'one line');
    }
  }
  const init = gowatch(cwd, ['init', '-w']);
  assert.ok(lines(init.stderr)[0]?.endsWith('; see gowatch init --help'), init.stderr);
});

test('any other usage mistake: one gowatch line with commander\'s suggestion and the help to read', TIMEOUT, () => {
  const cwd = dir({});
  const said = (args: readonly string[], line: string) => {
    const refused = gowatch(cwd, args);
    assert.equal(refused.code, 2, refused.stderr);
    assert.equal(refused.stderr, `${line}\n`, args.join(' '));
  };
  said(['--frob'], "gowatch: unknown option '--frob'; see gowatch run --help");
  said(['run', '--pol'], "gowatch: unknown option '--pol' (Did you mean --poll?); see gowatch run --help");
  said(['rn'], "gowatch: unknown command 'rn' (Did you mean run?); see gowatch --help");
  said(['run', '--delay'], "gowatch: option '--delay <ms>' argument missing; see gowatch run --help");
});

test('--json: an unknown flag is an error event of kind usage, as well as the line on stderr', TIMEOUT, () => {
  const refused = gowatch(dir({}), ['run', '--json', '-w', 'src']);
  assert.equal(refused.code, 2, refused.stderr);
  const events = lines(refused.stdout).map((line) => JSON.parse(line) as { event: string; kind: string; message: string });
  assert.equal(events.length, 1, refused.stdout);
  assert.equal(events[0]!.event, 'error');
  assert.equal(events[0]!.kind, 'usage');
  assert.equal(`gowatch: ${events[0]!.message}\n`, refused.stderr);
  assert.ok(events[0]!.message.startsWith("unknown option '-w': "), events[0]!.message);
});

test('gowatch --help lists every flag of gowatch run', TIMEOUT, () => {
  const cwd = dir({});
  const flagsOf = (help: string) => new Set(help.match(/(?<=^ {2}(?:-\w, )?)--[\w-]+/gm));
  const runHelp = gowatch(cwd, ['run', '--help']);
  const help = gowatch(cwd, ['--help']);
  assert.equal(help.code, 0, help.stderr);
  const runFlags = [...flagsOf(runHelp.stdout)].filter((flag) => flag !== '--help');
  assert.ok(runFlags.includes('--poll') && runFlags.includes('--json'), runHelp.stdout);
  const listed = flagsOf(help.stdout);
  assert.deepEqual(runFlags.filter((flag) => !listed.has(flag)), [], help.stdout);
});
