import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Topology } from '../src/reload/inspect.js';
import { tempDir, writeTree } from './support/fixtures.js';
import { CLI, GowatchProcess, stopAllGowatch } from './support/gowatch-process.js';
import { freePort, waitForReply } from './support/net.js';

/**
 * Habits from air and nodemon, as a new user meets them: a fresh module whose main package is
 * in cmd/api, bare `gowatch`, `gowatch ./cmd/api`, a package written as tab completion writes
 * it or as a .go file, and the messages when there is no main package where gowatch looks.
 */
const TIMEOUT = { timeout: 180_000 };
const MODULE = 'example.com/habits';

const cache = tempDir('gowatch-habits-cache-');
const cleanups: (() => void)[] = [cache.cleanup];
after(async () => {
  await stopAllGowatch();
  cleanups.forEach((cleanup) => cleanup());
});

const env = (): NodeJS.ProcessEnv => ({ ...process.env, NO_COLOR: '1', GOWATCH_CACHE_DIR: cache.dir, GOFLAGS: '', GOPROXY: 'off', GOTOOLCHAIN: 'local' });

/** A server on 127.0.0.1:$PORT answering `reply`, stopping on SIGINT/SIGTERM: no flag needed, so bare `gowatch` can run it. */
const serverMain = (reply: string): string => `package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	server := &http.Server{Addr: "127.0.0.1:" + os.Getenv("PORT"), Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, ${JSON.stringify(reply)})
	})}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() { <-ctx.Done(); _ = server.Close() }()
	_ = server.ListenAndServe()
}
`;

/** A module with `mains` (directory → reply) and a library package; nothing at the root but what `extra` adds. */
const project = (mains: Record<string, string>, extra: Record<string, string> = {}): string => {
  const dir = tempDir('gowatch-habits-');
  cleanups.push(dir.cleanup);
  writeTree(dir.dir, {
    'go.mod': `module ${MODULE}\n\ngo 1.22\n`,
    'internal/greet/greet.go': 'package greet\n\nfunc Hello() string { return "hello" }\n',
    ...Object.fromEntries(Object.entries(mains).map(([main, reply]) => [path.join(main, 'main.go'), serverMain(reply)])),
    ...extra,
  });
  return dir.dir;
};

type Once = { readonly code: number | null; readonly stdout: string; readonly stderr: string };

/** gowatch with `args` (no command added) to its end: it must end by itself. */
const gowatchOnce = (cwd: string, args: readonly string[]): Promise<Once> =>
  new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: env(), timeout: 90_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(new Error(`gowatch ${args.join(' ')} did not exit by itself: ${error.message}\n${stderr}`));
      else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });

/** gowatch started with `args` exactly as given (`command` replaces `node CLI run --json`); it must serve `reply`. */
const serves = async (cwd: string, args: readonly string[], reply: string): Promise<GowatchProcess> => {
  const port = await freePort();
  const gowatch = new GowatchProcess([...args], { cwd, env: { ...env(), PORT: String(port) }, command: [process.execPath, CLI] });
  await waitForReply(port, reply).catch((error: Error) => assert.fail(`${error.message}\nstderr:\n${gowatch.stderr}`));
  return gowatch;
};

/** Stops a gowatch that ran as a user runs it, and checks that it ended as Ctrl-C ends it. */
const stopped = async (gowatch: GowatchProcess): Promise<void> => {
  const exit = await gowatch.stop('SIGINT');
  assert.equal(exit.code, 130, gowatch.stderr);
};

test('bare gowatch with a main package here runs it', TIMEOUT, async () => {
  const dir = project({ '.': 'root' });
  await stopped(await serves(dir, [], 'root'));
});

test('bare gowatch with a buddy.watch.json runs what it says', TIMEOUT, async () => {
  const dir = project({ 'cmd/api': 'configured' }, { 'buddy.watch.json': JSON.stringify({ 'go.build.package': './cmd/api' }) });
  await stopped(await serves(dir, [], 'configured'));
});

test('gowatch ./cmd/api is gowatch run ./cmd/api, flags and program arguments included', TIMEOUT, async () => {
  const dir = project({ 'cmd/api': 'api' });
  const gowatch = await serves(dir, ['./cmd/api', '--json', '--stop-timeout', '3000', '--', '-unused'], 'api');
  const started = await gowatch.waitForEvent('start');
  assert.equal(started.target, './cmd/api');
  await stopped(gowatch);
  assert.deepEqual(gowatch.invalidLines, [], 'stdout carries only events');
});

test('gowatch run cmd/api, as tab completion writes it, is the directory ./cmd/api', TIMEOUT, async () => {
  const dir = project({ 'cmd/api': 'completed' });
  const gowatch = await serves(dir, ['run', 'cmd/api', '--json'], 'completed');
  assert.equal((await gowatch.waitForEvent('start')).target, './cmd/api');
  await stopped(gowatch);
});

test('gowatch run ./cmd/api/main.go runs the package of that file', TIMEOUT, async () => {
  const dir = project({ 'cmd/api': 'file' });
  const gowatch = await serves(dir, ['run', './cmd/api/main.go', '--json'], 'file');
  assert.equal((await gowatch.waitForEvent('start')).target, './cmd/api');
  await stopped(gowatch);
});

test('a directory without ./ is that directory; an import path stays an import path', TIMEOUT, async () => {
  const dir = project({ 'cmd/api': 'api' });
  const inspect = async (pkg: string) => {
    const result = await gowatchOnce(dir, ['inspect', pkg, '--json']);
    assert.equal(result.code, 0, result.stderr);
    return (JSON.parse(result.stdout) as Topology).target;
  };
  const api = { name: './cmd/api', importPath: `${MODULE}/cmd/api`, dir: path.join(dir, 'cmd', 'api'), buildFlags: [] };
  assert.deepEqual(await inspect('cmd/api'), api);
  assert.deepEqual(await inspect('cmd/api/'), api, 'as tab completion ends it');
  assert.deepEqual(await inspect(`${MODULE}/cmd/api`), { name: `${MODULE}/cmd/api`, importPath: `${MODULE}/cmd/api`, dir: path.join(dir, 'cmd', 'api'), buildFlags: [] });
});

test('no main package where gowatch looks: go says why, and the main package there is follows', TIMEOUT, async () => {
  const dir = project({ 'cmd/api': 'api' });
  const refused = async (args: readonly string[], message: string) => {
    const result = await gowatchOnce(dir, args);
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stderr, `gowatch: ${message}\n`);
  };
  const noGoFiles = `the default package ".": no Go files in ${dir}; did you mean ./cmd/api?`;
  await refused(['run'], noGoFiles);
  await refused(['inspect'], noGoFiles);
  await refused(['run', './cmd/apj'], `the PACKAGE argument: stat ${path.join(dir, 'cmd', 'apj')}: directory not found; did you mean ./cmd/api?`);
  const notMain = `${MODULE}/internal/greet is package greet, not a main package: gowatch runs programs; did you mean ./cmd/api?`;
  await refused(['run', 'internal/greet'], `the PACKAGE argument: ${notMain}`);
  await refused(['run', 'internal/greet/greet.go'], `the PACKAGE argument: ${notMain}`);

  const doctor = await gowatchOnce(dir, ['doctor', '--json']);
  assert.equal(doctor.code, 1, doctor.stdout);
  const targets = (JSON.parse(doctor.stdout) as { checks: { id: string; summary: string }[] }).checks.find((check) => check.id === 'targets');
  assert.equal(targets?.summary, `.: ${noGoFiles}`);
});

test('several main packages: every one is named', TIMEOUT, async () => {
  const dir = project({ 'cmd/api': 'api', 'cmd/worker': 'worker' });
  const run = await gowatchOnce(dir, ['run']);
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.stderr, `gowatch: the default package ".": no Go files in ${dir}; did you mean one of ./cmd/api, ./cmd/worker?\n`);
  const bare = await gowatchOnce(dir, []);
  assert.equal(bare.code, 2, bare.stderr);
  assert.ok(bare.stderr.startsWith(run.stderr), bare.stderr);
  assert.match(bare.stderr, /\ngowatch: run one with gowatch \.\/cmd\/api; /);
});

test('--poll=abc is named --poll; a word that is neither command nor package stays an unknown command', TIMEOUT, async () => {
  const dir = project({ 'cmd/api': 'api' });
  const poll = '--poll: expected a whole number of milliseconds (10 or more), got "abc"';
  for (const args of [['run', '--poll=abc'], ['./cmd/api', '--poll=abc'], ['--poll=abc']]) {
    const result = await gowatchOnce(dir, args);
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stderr, `gowatch: ${poll}\n`, args.join(' '));
  }
  const typo = await gowatchOnce(dir, ['rn']);
  assert.equal(typo.code, 2, typo.stderr);
  assert.equal(typo.stderr, "gowatch: unknown command 'rn' (Did you mean run?); see gowatch --help\n");
  const unknown = await gowatchOnce(dir, ['frob']);
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.equal(unknown.stderr, "gowatch: unknown command 'frob'; see gowatch --help\n");
});
