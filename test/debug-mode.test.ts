import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { resolveRunOptions } from '../src/config/options.js';
import { watchRequest } from '../src/library/options.js';
import { debugBuildFlags } from '../src/debug/gcflags.js';
import { stopTree } from '../src/supervise/stop-tree.js';
import type { Exit } from '../src/supervise/boundary.js';
import { DelveClient, installDelve } from './support/delve.js';
import { replyFile, tempDir, writeTree } from './support/fixtures.js';
import { CLI, GowatchProcess, stopAllGowatch } from './support/gowatch-process.js';
import { freePort, get } from './support/net.js';
import { markedSurvivors, survivors } from './support/processes.js';
import { which } from './support/which.js';

/**
 * `gowatch run --debug`: the program runs under a real Delve (installed at a fixed version by
 * installDelve), driven through its JSON-RPC API as an editor's debug adapter drives it, and
 * reached over real HTTP.
 */
const TIMEOUT = { timeout: 240_000 };
const MARKER = 'GOWATCH_DEBUG_TEST_MARKER';

let delve: { readonly dir: string } | { readonly skip: string };
before(async () => {
  delve = await installDelve();
});
after(stopAllGowatch);

/** The directory holding dlv; skips the test (outside CI) where it could not be installed. */
const dlvDir = (t: TestContext): string | undefined => {
  if ('dir' in delve) return delve.dir;
  if (process.env['CI']) assert.fail(delve.skip);
  t.skip(delve.skip);
  return undefined;
};

/** A server whose named handler (a breakpoint's target) answers `reply()` and its pid. */
const serverMain = (replyExpression: string, imports: readonly string[] = []): string => `package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
${imports.map((p) => `\n\t"${p}"`).join('')}
)

func handle(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "%s %d", ${replyExpression}, os.Getpid())
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	server := &http.Server{Addr: *addr, Handler: http.HandlerFunc(handle)}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() { <-ctx.Done(); _ = server.Close() }()
	_ = server.ListenAndServe()
}
`;

const serverFiles = (reply: string): Record<string, string> => ({
  'go.mod': 'module example.com/debugged\n\ngo 1.22\n',
  'main.go': serverMain('reply()'),
  'reply.go': replyFile(reply),
});

/** GET that waits as long as the program is held at a breakpoint; rejects when the program goes. */
const request = (port: number): Promise<string> => fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(120_000) }).then((response) => response.text());

/** Waits until the program answers at all. */
const waitForAnswer = async (port: number): Promise<void> => {
  for (let tries = 0; (await get(port)) === undefined; tries += 1) {
    if (tries > 600) throw new Error(`nothing answered on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** "reply pid" as the handler writes it. */
const answer = (text: string): { reply: string; pid: number } => {
  const [reply, pid] = text.split(' ');
  return { reply: reply!, pid: Number(pid) };
};

const parentOf = (pid: number): number => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]);

type Debugged = { readonly gowatch: GowatchProcess; readonly port: number; readonly debugPort: number; readonly marker: string };

/** `gowatch run --json --debug=127.0.0.1:PORT` in `cwd`, dlv on PATH, the program on a free port. */
const runDebugged = async (t: TestContext, dlv: string, cwd: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Debugged> => {
  const [port, debugPort] = [await freePort(), await freePort()];
  const marker = randomUUID();
  const gowatch = new GowatchProcess([`--debug=127.0.0.1:${debugPort}`, ...args, '--', '-addr', `127.0.0.1:${port}`], {
    cwd,
    env: { PATH: `${dlv}${path.delimiter}${process.env['PATH']}`, [MARKER]: marker, ...env },
  });
  t.after(() => gowatch.stop('SIGKILL'));
  return { gowatch, port, debugPort, marker };
};

/**
 * Attaches as an editor does to a service that runs: once the program serves (Delve let it run:
 * halting it while Delve's own start-up continue is under way can hang Delve).
 */
const attach = async (debugPort: number, port: number): Promise<DelveClient> => {
  await waitForAnswer(port);
  return DelveClient.connect(debugPort);
};

/** Halts the program, sets a breakpoint at `functionName`, sends a request and waits for the stop there. */
const hitWithRequest = async (client: DelveClient, functionName: string, port: number) => {
  await client.halt();
  const breakpoint = await client.breakAt(functionName);
  const stopped = client.continue();
  const reply = request(port);
  reply.catch(() => undefined);
  const state = await stopped;
  return { breakpoint, state, reply };
};

test('under --debug a request hits a breakpoint in the handler; saved while stopped there, the program is rebuilt, its Delve and program stopped, and the new Delve on the same address hits it again; nothing is left', TIMEOUT, async (t) => {
  const dlv = dlvDir(t);
  if (!dlv) return;
  const project = tempDir('gowatch-debug-');
  t.after(project.cleanup);
  writeTree(project.dir, serverFiles('v1'));
  const { gowatch, port, debugPort, marker } = await runDebugged(t, dlv, project.dir);

  const debug = await gowatch.waitForEvent('debug');
  assert.equal(debug.listen, `127.0.0.1:${debugPort}`);
  assert.equal(debug.dlv, path.join(dlv, 'dlv'));
  const first = await gowatch.waitForEvent('start');
  let client = await attach(debugPort, port);
  const hit = await hitWithRequest(client, 'main.handle', port);
  assert.equal(hit.state.currentThread?.function?.name, 'main.handle');
  assert.equal(hit.state.currentThread?.file, path.join(project.dir, 'main.go'));
  await client.clear(hit.breakpoint);
  client.resume();
  const served = answer(await hit.reply);
  assert.equal(served.reply, 'v1');
  assert.equal(parentOf(served.pid), first.pid, 'the program runs under Delve, which gowatch started');
  const buildInfo = execFileSync('go', ['version', '-m', readlinkSync(`/proc/${served.pid}/exe`)], { encoding: 'utf8' });
  assert.match(buildInfo, /-gcflags="all=-N -l"/, 'built without optimisations and inlining, for the debugger');

  // The editor stays attached, stopped in the handler, when the user saves.
  const held = await hitWithRequest(client, 'main.handle', port);
  assert.equal(held.state.currentThread?.function?.name, 'main.handle');
  const mark = gowatch.mark();
  writeFileSync(path.join(project.dir, 'reply.go'), replyFile('v2'));
  const stop = await gowatch.waitFor((event) => event.event === 'stop', mark);
  assert.equal(stop.event === 'stop' && stop.pid, first.pid);
  assert.equal(stop.event === 'stop' && stop.forced, false, 'Delve stopped its program itself, within the stop timeout');
  assert.deepEqual(await survivors([first.pid, served.pid]), [], 'neither the old Delve nor the program it held at the breakpoint survives');
  await assert.rejects(held.reply, 'the request held at the breakpoint ends with its program');
  const second = await gowatch.waitForEvent('start', mark);
  client.close();

  client = await attach(debugPort, port);
  const again = await hitWithRequest(client, 'main.handle', port);
  assert.equal(again.state.currentThread?.function?.name, 'main.handle');
  await client.clear(again.breakpoint);
  client.resume();
  const rebuilt = answer(await again.reply);
  assert.equal(rebuilt.reply, 'v2');
  assert.equal(parentOf(rebuilt.pid), second.pid);
  client.close();

  const exit = await gowatch.stop('SIGINT');
  assert.equal(exit.code, 130, gowatch.stderr);
  assert.deepEqual(gowatch.invalidLines, []);
  assert.deepEqual(await markedSurvivors(MARKER, marker), [], 'no Delve, no program, no helper of Delve outlives gowatch');
});

test('in a go.work workspace, a breakpoint in the other module\'s package is hit', TIMEOUT, async (t) => {
  const dlv = dlvDir(t);
  if (!dlv) return;
  const workspace = tempDir('gowatch-debug-ws-');
  t.after(workspace.cleanup);
  writeTree(workspace.dir, {
    'go.work': 'go 1.22\n\nuse (\n\t./app\n\t./lib\n)\n',
    'app/go.mod': 'module example.com/app\n\ngo 1.22\n',
    'app/main.go': serverMain('lib.Reply()', ['example.com/lib']),
    'lib/go.mod': 'module example.com/lib\n\ngo 1.22\n',
    'lib/lib.go': 'package lib\n\n// Reply is what the app serves.\nfunc Reply() string { return "lib1" }\n',
  });
  const { gowatch, port, debugPort, marker } = await runDebugged(t, dlv, workspace.dir, ['--cwd', 'app']);
  await gowatch.waitForEvent('start');
  const client = await attach(debugPort, port);
  const hit = await hitWithRequest(client, 'example.com/lib.Reply', port);
  assert.equal(hit.state.currentThread?.function?.name, 'example.com/lib.Reply');
  assert.equal(hit.state.currentThread?.file, path.join(workspace.dir, 'lib/lib.go'));
  await client.clear(hit.breakpoint);
  client.resume();
  assert.equal(answer(await hit.reply).reply, 'lib1');
  client.close();
  assert.equal((await gowatch.stop('SIGINT')).code, 130);
  assert.deepEqual(await markedSurvivors(MARKER, marker), []);
});

test('debug and plain builds keep their own binaries: with go.cache.binaries 1, switching between them rebuilds neither', TIMEOUT, async (t) => {
  const dlv = dlvDir(t);
  if (!dlv) return;
  const project = tempDir('gowatch-debug-cache-');
  const cache = tempDir('gowatch-debug-cache-dir-');
  t.after(() => {
    project.cleanup();
    cache.cleanup();
  });
  writeTree(project.dir, { ...serverFiles('v1'), 'buddy.watch.json': '{ "go.cache.binaries": 1 }\n' });
  const env = { GOWATCH_CACHE_DIR: cache.dir, PATH: `${dlv}${path.delimiter}${process.env['PATH']}` };
  const built = async (debug: boolean): Promise<boolean> => {
    const port = await freePort();
    const args = [...(debug ? [`--debug=127.0.0.1:${await freePort()}`] : []), '--', '-addr', `127.0.0.1:${port}`];
    const gowatch = new GowatchProcess(args, { cwd: project.dir, env });
    t.after(() => gowatch.stop('SIGKILL'));
    const ok = await gowatch.waitForEvent('build-ok');
    await gowatch.waitForEvent('start');
    assert.equal((await gowatch.stop('SIGINT')).code, 130, gowatch.stderr);
    return !ok.cached;
  };
  assert.equal(await built(false), true, 'the first plain run builds');
  assert.equal(await built(true), true, 'the debug build has a key of its own: it is built, not taken for the plain one');
  assert.equal(await built(false), false, 'the plain binary was not evicted by the debug one');
  assert.equal(await built(true), false, 'nor the debug binary by the plain one');
});

test('dlv missing: one line with the go install command, status 2; under --json an error event of kind debug', TIMEOUT, async (t) => {
  const project = tempDir('gowatch-debug-nodlv-');
  const gopath = tempDir('gowatch-debug-gopath-');
  t.after(() => {
    project.cleanup();
    gopath.cleanup();
  });
  writeTree(project.dir, serverFiles('v1'));
  const goDir = path.dirname(which('go')!);
  const env = { ...process.env, NO_COLOR: '1', PATH: `${goDir}${path.delimiter}/usr/bin${path.delimiter}/bin`, GOPATH: gopath.dir, GOBIN: '' };
  const human = spawnSync(process.execPath, [CLI, 'run', '--debug'], { cwd: project.dir, env, encoding: 'utf8' });
  assert.equal(human.status, 2);
  assert.equal(
    human.stderr,
    `gowatch: --debug runs the program under Delve, and dlv is neither on PATH nor in ${path.join(gopath.dir, 'bin')}: install it with go install github.com/go-delve/delve/cmd/dlv@latest\n`,
  );
  const json = spawnSync(process.execPath, [CLI, 'run', '--json', '--debug'], { cwd: project.dir, env, encoding: 'utf8' });
  assert.equal(json.status, 2);
  const events = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { event: string; kind?: string });
  assert.deepEqual(events.filter((event) => event.event === 'error').map((event) => event.kind), ['debug']);
  assert.ok(!events.some((event) => event.event === 'build-start'), 'nothing is built');
});

test('a go.debug.listen that is not loopback is refused in one line unless go.debug.allowRemote, from the file and from --debug=', TIMEOUT, async (t) => {
  const project = tempDir('gowatch-debug-remote-');
  t.after(project.cleanup);
  writeTree(project.dir, { ...serverFiles('v1'), 'buddy.watch.json': '{ "go.debug.listen": "0.0.0.0:2345" }\n' });
  const env = { ...process.env, NO_COLOR: '1' };
  const fromFile = spawnSync(process.execPath, [CLI, 'run', '--debug'], { cwd: project.dir, env, encoding: 'utf8' });
  assert.equal(fromFile.status, 2);
  assert.equal(
    fromFile.stderr,
    `gowatch: ${path.join(project.dir, 'buddy.watch.json')}: "go.debug.listen": "0.0.0.0:2345" listens on every interface, and Delve's API has no authentication (whoever reaches it controls the program): use a loopback address such as "127.0.0.1:2345", or set "go.debug.allowRemote": true\n`,
  );
  writeFileSync(path.join(project.dir, 'buddy.watch.json'), '{}\n');
  const fromFlag = spawnSync(process.execPath, [CLI, 'run', '--debug=192.0.2.7:4000'], { cwd: project.dir, env, encoding: 'utf8' });
  assert.equal(fromFlag.status, 2);
  assert.match(fromFlag.stderr, /^gowatch: --debug: "192\.0\.2\.7:4000" listens on a host that is not this machine's loopback, .*"go\.debug\.allowRemote": true\n$/);
  const notAnAddress = spawnSync(process.execPath, [CLI, 'run', '--debug=2345'], { cwd: project.dir, env, encoding: 'utf8' });
  assert.equal(notAnAddress.status, 2);
  assert.equal(notAnAddress.stderr, 'gowatch: --debug: expected HOST:PORT such as "127.0.0.1:2345", got "2345"\n');

  writeFileSync(path.join(project.dir, 'buddy.watch.json'), '{ "go.debug.listen": "0.0.0.0:2345", "go.debug.allowRemote": true }\n');
  const allowed = resolveRunOptions({ cwd: project.dir, debug: true }, project.dir, {});
  assert.deepEqual(allowed.targets[0]!.debug, { listen: { host: '0.0.0.0', port: 2345 } });
});

test('several targets: each gets its own address (its own go.debug.listen, else the port counted up by its place in "targets"); one address for several, or two on one port, is refused', async (t) => {
  const project = tempDir('gowatch-debug-targets-');
  t.after(project.cleanup);
  const config = (targets: Record<string, Record<string, unknown>>, top: Record<string, unknown> = {}) =>
    writeFileSync(path.join(project.dir, 'buddy.watch.json'), JSON.stringify({ ...top, targets }));
  writeTree(project.dir, { 'go.mod': 'module example.com/shop\n', 'cmd/api/main.go': 'package main\n', 'cmd/worker/main.go': 'package main\n', 'cmd/cron/main.go': 'package main\n' });
  const listens = (names: string[], flags: { debugListen?: string } = {}) =>
    resolveRunOptions({ cwd: project.dir, names, debug: true, ...flags }, project.dir, {}).targets.map((target) => `${target.name} ${target.debug?.listen.host}:${target.debug?.listen.port}`);

  config(
    { api: { 'go.build.package': './cmd/api' }, worker: { 'go.build.package': './cmd/worker', 'go.debug.listen': 'localhost:4000' }, cron: { 'go.build.package': './cmd/cron' } },
    { 'go.debug.listen': '127.0.0.1:3000' },
  );
  assert.deepEqual(listens([]), ['api 127.0.0.1:3000', 'worker localhost:4000', 'cron 127.0.0.1:3002']);
  assert.deepEqual(listens(['cron']), ['cron 127.0.0.1:3002'], 'a target keeps its address when it runs alone: the editor attaches where it did');
  assert.deepEqual(listens(['cron'], { debugListen: '127.0.0.1:5000' }), ['cron 127.0.0.1:5000']);
  assert.throws(() => listens([], { debugListen: '127.0.0.1:5000' }), {
    message: '--debug: one address serves one target, and 3 run (api, worker, cron): give each its own "go.debug.listen" in "targets", or run one of them',
  });
  const plain = resolveRunOptions({ cwd: project.dir, names: [] }, project.dir, {});
  assert.deepEqual(plain.targets.map((target) => target.debug), [undefined, undefined, undefined], 'without --debug nothing runs under Delve');

  config({ api: { 'go.build.package': './cmd/api' }, worker: { 'go.build.package': './cmd/worker', 'go.debug.listen': '127.0.0.1:2345' } });
  assert.throws(() => listens([]), {
    message: `${path.join(project.dir, 'buddy.watch.json')}: "targets": targets api and worker would both have Delve listen on 127.0.0.1:2345: give one of them its own "go.debug.listen"`,
  });
  assert.deepEqual(listens(['worker']), ['worker 127.0.0.1:2345']);
});

test('gowatch init --editor vscode with "targets" writes one attach configuration per target, at the address gowatch run --debug gives it', async (t) => {
  const project = tempDir('gowatch-debug-init-');
  t.after(project.cleanup);
  writeTree(project.dir, {
    'go.mod': 'module example.com/shop\n',
    'buddy.watch.json': JSON.stringify({ targets: { api: { 'go.build.package': './cmd/api' }, worker: { 'go.build.package': './cmd/worker' }, cron: { 'go.build.package': './cmd/cron', 'go.debug.listen': '127.0.0.1:4000' } } }),
  });
  const init = spawnSync(process.execPath, [CLI, 'init', '--editor', 'vscode'], { cwd: project.dir, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8' });
  assert.equal(init.status, 0, init.stderr);
  const launch = JSON.parse(readFileSync(path.join(project.dir, '.vscode/launch.json'), 'utf8')) as { configurations: { name: string; host: string; port: number }[] };
  assert.deepEqual(
    launch.configurations.map(({ name, host, port }) => `${name} ${host}:${port}`),
    ['gowatch: attach api 127.0.0.1:2345', 'gowatch: attach worker 127.0.0.1:2346', 'gowatch: attach cron 127.0.0.1:4000'],
  );
  const run = resolveRunOptions({ cwd: project.dir, names: [], debug: true }, project.dir, {});
  assert.deepEqual(run.targets.map((target) => target.debug?.listen.port), [2345, 2346, 4000]);
});

test('-N -l reaches every package, and a user\'s own -gcflags (go.build.flags or GOFLAGS) keeps applying where it did', async (t) => {
  assert.deepEqual(debugBuildFlags(['-tags', 'dev'], ''), ['-tags', 'dev', '-gcflags=all=-N -l']);
  assert.deepEqual(debugBuildFlags(['-gcflags', '-m', '-race', '-gcflags=example.com/...=-d=checkptr'], '-gcflags=all=-B -trimpath'), [
    '-race',
    '-gcflags=all=-N -l',
    '-gcflags=all=-N -l -B',
    '-gcflags=-N -l -m',
    '-gcflags=example.com/...=-N -l -d=checkptr',
  ]);
  // go itself: the compile commands `go build -n` would run carry the combined flags.
  const project = tempDir('gowatch-debug-gcflags-');
  t.after(project.cleanup);
  writeTree(project.dir, {
    'go.mod': 'module example.com/flags\n\ngo 1.22\n',
    'main.go': 'package main\n\nimport "example.com/flags/lib"\n\nfunc main() { lib.Run() }\n',
    'lib/lib.go': 'package lib\n\nfunc Run() {}\n',
  });
  const dry = spawnSync('go', ['build', '-n', '-a', ...debugBuildFlags(['-gcflags=-m'], ''), '.'], { cwd: project.dir, encoding: 'utf8', env: { ...process.env, GOFLAGS: '' } });
  assert.equal(dry.status, 0, dry.stderr);
  const compileOf = (importPath: string) => dry.stderr.split('\n').find((line) => line.includes('/compile ') && line.includes(` -p ${importPath} `)) ?? '';
  assert.match(compileOf('main'), / -N -l -m /, 'the main package, named on the command line: the user\'s -m and -N -l');
  assert.match(compileOf('example.com/flags/lib'), / -N -l /);
  assert.doesNotMatch(compileOf('example.com/flags/lib'), / -m /);
});

/**
 * A shell process tree shaped as Delve and its program: the leader (its own process group, as
 * gowatch starts programs) and a child in a session of its own (Delve starts its program in a
 * group of its own). `leaderTrap` is what the leader does on SIGTERM; the child writes down any
 * SIGTERM it gets.
 */
const leaderAndChild = (t: TestContext, leaderTrap: string) => {
  const files = tempDir('gowatch-debug-tree-');
  t.after(files.cleanup);
  const childSaw = path.join(files.dir, 'child-saw');
  const loop = 'while :; do sleep 0.05; done';
  const childReady = path.join(files.dir, 'child-ready');
  // Ready once its trap is set: a signal before that would end it without a word.
  const childScript = `trap 'echo TERM > ${childSaw}; exit 0' TERM; echo > ${childReady}; ${loop}`;
  const leaderScript = `setsid sh -c "${childScript}" & child=$!; echo $child > ${files.dir}/child; ${leaderTrap}; ${loop}`;
  const leader = spawn('sh', ['-c', leaderScript], { detached: true, stdio: 'ignore' });
  const exited = new Promise<Exit>((resolve) => leader.once('exit', (code, signal) => resolve({ code, signal })));
  t.after(() => {
    try {
      process.kill(-leader.pid!, 'SIGKILL');
    } catch {
      // Gone.
    }
  });
  return { leader: leader.pid!, exited, childSaw, childPid: () => (existsSync(childReady) ? Number(readFileSync(path.join(files.dir, 'child'), 'utf8')) : 0) };
};

const waitForFile = async (read: () => number): Promise<number> => {
  for (;;) {
    try {
      const value = read();
      if (value > 0) return value;
    } catch {
      // Not written yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

test('the debug stop signals Delve alone first: the program it kills gets no signal of its own; a Delve that does not stop is killed with the rest, and nothing survives', async (t) => {
  // As Delve on SIGTERM: it kills its program (SIGKILL), then exits.
  const careful = leaderAndChild(t, `trap 'sleep 0.3; kill -KILL $child; exit 0' TERM`);
  const child = await waitForFile(careful.childPid);
  const first = await stopTree({ pid: careful.leader, owned: true, runId: undefined, exited: careful.exited }, { signal: 'SIGTERM', timeoutMs: 5000, leaderFirst: true });
  assert.equal(first.forced, false);
  assert.deepEqual(await survivors([careful.leader, child]), []);
  assert.throws(() => readFileSync(careful.childSaw), 'the child never saw a SIGTERM: its leader stopped it');

  // The same tree stopped the ordinary way: the child is signalled beside its leader (whose own
  // kill comes late enough that the child surely answers the signal first).
  const ordinary = leaderAndChild(t, `trap 'sleep 2; kill -KILL $child; exit 0' TERM`);
  const ordinaryChild = await waitForFile(ordinary.childPid);
  await stopTree({ pid: ordinary.leader, owned: true, runId: undefined, exited: ordinary.exited }, { signal: 'SIGTERM', timeoutMs: 5000 });
  assert.deepEqual(await survivors([ordinary.leader, ordinaryChild]), []);
  assert.equal(readFileSync(ordinary.childSaw, 'utf8').trim(), 'TERM', 'the ordinary stop does signal the child: what leaderFirst avoids');

  // A leader that ignores SIGTERM: after the timeout both are killed, the child too.
  const stuck = leaderAndChild(t, `trap '' TERM`);
  const stuckChild = await waitForFile(stuck.childPid);
  const forced = await stopTree({ pid: stuck.leader, owned: true, runId: undefined, exited: stuck.exited }, { signal: 'SIGTERM', timeoutMs: 300, leaderFirst: true });
  assert.equal(forced.forced, true);
  assert.deepEqual(await survivors([stuck.leader, stuckChild]), []);
});

test('in a terminal: the program runs under Delve (which would otherwise hand it the terminal, and fail to), and Ctrl-C still stops gowatch and everything it started', TIMEOUT, async (t) => {
  const dlv = dlvDir(t);
  if (!dlv) return;
  const script = which('script');
  if (!script && !process.env['CI']) {
    t.skip('script (util-linux) is not installed: gowatch was not run in a terminal');
    return;
  }
  assert.ok(script, 'script (util-linux) is missing');
  const project = tempDir('gowatch-debug-tty-');
  t.after(project.cleanup);
  writeTree(project.dir, serverFiles('v1'));
  const [port, debugPort] = [await freePort(), await freePort()];
  const marker = randomUUID();
  // script gives gowatch a terminal of its own as standard input, output and controlling terminal.
  const command = `exec '${process.execPath}' '${CLI}' run --debug=127.0.0.1:${debugPort} -- -addr 127.0.0.1:${port}`;
  const terminal = spawn(script, ['-qec', command, '/dev/null'], {
    cwd: project.dir,
    env: { ...process.env, PATH: `${dlv}${path.delimiter}${process.env['PATH']}`, [MARKER]: marker },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  terminal.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => terminal.once('exit', (code) => resolve(code)));
  t.after(() => {
    try {
      process.kill(-terminal.pid!, 'SIGKILL');
    } catch {
      // Gone.
    }
  });
  await waitForAnswer(port);
  const client = await DelveClient.connect(debugPort);
  const hit = await hitWithRequest(client, 'main.handle', port);
  assert.equal(hit.state.currentThread?.function?.name, 'main.handle', output);
  await client.clear(hit.breakpoint);
  client.resume();
  assert.equal(answer(await hit.reply).reply, 'v1');
  client.close();
  // Ctrl-C typed in the terminal: its foreground process group is still gowatch's.
  assert.ok(output.includes(`. runs under Delve: attach the debugger to 127.0.0.1:${debugPort} once it started`), output);
  terminal.stdin.write('\x03');
  assert.equal(await exited, 130, output);
  assert.deepEqual(await markedSurvivors(MARKER, marker), []);
});

test('an address another program holds is said in one line, and the next change starts Delve there once it is free', TIMEOUT, async (t) => {
  const dlv = dlvDir(t);
  if (!dlv) return;
  const project = tempDir('gowatch-debug-held-');
  t.after(project.cleanup);
  writeTree(project.dir, serverFiles('v1'));
  const [port, debugPort] = [await freePort(), await freePort()];
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(debugPort, '127.0.0.1', resolve));
  t.after(() => holder.close());
  const gowatch = new GowatchProcess([`--debug=127.0.0.1:${debugPort}`, '--', '-addr', `127.0.0.1:${port}`], {
    cwd: project.dir,
    env: { PATH: `${dlv}${path.delimiter}${process.env['PATH']}` },
  });
  t.after(() => gowatch.stop('SIGKILL'));
  const error = await gowatch.waitForEvent('error');
  assert.equal(error.kind, 'start');
  assert.match(
    error.message,
    new RegExp(`^cannot start Delve for /\\S+: 127\\.0\\.0\\.1:${debugPort} is in use by another program; stop that program, or set "go\\.debug\\.listen" \\(or --debug=HOST:PORT\\) to a free address$`),
  );
  await new Promise((resolve) => holder.close(resolve));
  const mark = gowatch.mark();
  writeFileSync(path.join(project.dir, 'reply.go'), replyFile('v2'));
  await gowatch.waitForEvent('start', mark);
  const client = await attach(debugPort, port);
  const hit = await hitWithRequest(client, 'main.handle', port);
  assert.equal(hit.state.currentThread?.function?.name, 'main.handle');
  await client.clear(hit.breakpoint);
  client.resume();
  assert.equal(answer(await hit.reply).reply, 'v2');
  client.close();
  assert.equal((await gowatch.stop('SIGINT')).code, 130);
});

test('watch() takes debug as --debug, and refuses anything but a boolean', async (t) => {
  const project = tempDir('gowatch-debug-library-');
  t.after(project.cleanup);
  writeTree(project.dir, serverFiles('v1'));
  assert.equal(watchRequest({ cwd: project.dir, debug: true }).request.debug, true);
  assert.equal(watchRequest({ cwd: project.dir }).request.debug, false);
  assert.throws(() => watchRequest({ cwd: project.dir, debug: 'yes' }), { message: 'watch() option "debug": expected true or false, got "yes"' });
  const options = resolveRunOptions({ cwd: project.dir, debug: true }, project.dir, {});
  assert.deepEqual(options.targets[0]!.debug, { listen: { host: '127.0.0.1', port: 2345 } });
});

test('gowatch doctor: which dlv and its version; missing, a warning when buddy.watch.json sets go.debug.*, a failure under doctor --debug', TIMEOUT, async (t) => {
  const dlv = dlvDir(t);
  if (!dlv) return;
  const project = tempDir('gowatch-debug-doctor-');
  const gopath = tempDir('gowatch-debug-doctor-gopath-');
  t.after(() => {
    project.cleanup();
    gopath.cleanup();
  });
  writeTree(project.dir, { ...serverFiles('v1'), 'buddy.watch.json': '{ "go.debug.listen": "127.0.0.1:2400" }\n' });
  type Check = { id: string; status: string; summary: string; fix?: string };
  const delveCheck = (args: readonly string[], PATH: string) => {
    const run = spawnSync(process.execPath, [CLI, 'doctor', '--json', ...args], { cwd: project.dir, encoding: 'utf8', env: { ...process.env, PATH, GOPATH: gopath.dir, GOBIN: '' } });
    const report = JSON.parse(run.stdout) as { checks: Check[] };
    return { code: run.status, check: report.checks.find((check) => check.id === 'delve')! };
  };
  const withDlv = delveCheck([], `${dlv}${path.delimiter}${process.env['PATH']}`);
  assert.deepEqual(withDlv.check, { id: 'delve', status: 'ok', summary: `dlv 1.27.2 at ${path.join(dlv, 'dlv')}` });

  const goDir = path.dirname(which('go')!);
  const bare = `${goDir}${path.delimiter}/usr/bin${path.delimiter}/bin`;
  const configured = delveCheck([], bare);
  assert.equal(configured.check.status, 'warn');
  assert.equal(configured.check.summary, `dlv (Delve) is neither on PATH nor in ${path.join(gopath.dir, 'bin')}, and buddy.watch.json sets go.debug.*: gowatch run --debug cannot start`);
  assert.equal(configured.check.fix, 'install it with go install github.com/go-delve/delve/cmd/dlv@latest');

  const asked = delveCheck(['--debug'], bare);
  assert.equal(asked.code, 1);
  assert.equal(asked.check.status, 'fail');

  writeFileSync(path.join(project.dir, 'buddy.watch.json'), '{}\n');
  assert.equal(delveCheck([], bare).check.status, 'ok', 'nobody asked for the debug mode: a missing dlv is no problem');
});

test('the go.debug keys: in the JSON Schema (top level and targets), and a misspelt one gets its did-you-mean', async (t) => {
  const schema = JSON.parse(readFileSync(new URL('../../buddy.watch.schema.json', import.meta.url), 'utf8')) as {
    properties: Record<string, { default?: unknown }> & { targets: { additionalProperties: { properties: Record<string, unknown> } } };
  };
  assert.equal(schema.properties['go.debug.listen']?.default, '127.0.0.1:2345');
  assert.equal(schema.properties['go.debug.allowRemote']?.default, false);
  assert.ok(schema.properties.targets.additionalProperties.properties['go.debug.listen']);
  assert.ok(schema.properties.targets.additionalProperties.properties['go.debug.allowRemote']);
  const project = tempDir('gowatch-debug-typo-');
  t.after(project.cleanup);
  writeFileSync(path.join(project.dir, 'buddy.watch.json'), '{ "go.debug.lisen": "127.0.0.1:2400" }\n');
  assert.throws(() => resolveRunOptions({ cwd: project.dir }, project.dir, {}), {
    message: `${path.join(project.dir, 'buddy.watch.json')}: unknown key "go.debug.lisen" (did you mean "go.debug.listen"?)`,
  });
});
