import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveRunOptions, type RunOptions } from '../src/config/options.js';
import { targetDirOf } from '../src/go/target-dir.js';
import { findProfileEndpoint } from '../src/profile/endpoint.js';
import { fetchProfile } from '../src/profile/fetch.js';
import { injectOverlay } from '../src/profile/overlay.js';
import { profileServerSource } from '../src/profile/server-source.js';
import { profileSocketPath } from '../src/profile/socket-path.js';
import type { ProfileSource } from '../src/profile/source.js';
import type { GowatchEvent } from '../src/events.js';
import { httpServerModule, tempDir, writeTree } from './support/fixtures.js';
import { CLI, GowatchProcess, stopAllGowatch } from './support/gowatch-process.js';
import { freePort, waitForReply } from './support/net.js';
import { which } from './support/which.js';

/**
 * go.run.profile: "inject" builds the program with a generated file added through
 * `go build -overlay` that serves runtime/pprof on a private Unix socket; a URL names the
 * program's own net/http/pprof. Real go, real programs, real sockets, and a real second user
 * (nobody, through setpriv) for what another user can open.
 */
const TIMEOUT = { timeout: 180_000 };
const linuxOnly = { ...TIMEOUT, skip: process.platform !== 'linux' && 'reads /proc' };
/** Another user's view needs a second user: root switches to nobody with setpriv, and hands a directory to nobody. */
const asRootOnLinux = {
  ...TIMEOUT,
  skip: (process.platform !== 'linux' || process.getuid?.() !== 0 || which('setpriv') === undefined) && 'needs Linux, root and setpriv to act as a second user',
};

after(stopAllGowatch);

/** A net/http program on http.DefaultServeMux that keeps memory reachable from one named function. */
const leakyMainGo = (imports: readonly string[] = []) => `package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
${imports.map((p) => `\t${p}\n`).join('')})

var held [][]byte

// holdMemory keeps 32 MiB reachable for as long as the program runs.
func holdMemory() {
	for i := 0; i < 32; i++ {
		held = append(held, make([]byte, 1<<20))
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	holdMemory()
	http.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "hello") })
	http.HandleFunc("/env", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, os.Getenv("GOWATCH_PROFILE_SOCKET")) })
	server := &http.Server{Addr: *addr}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() { <-ctx.Done(); _ = server.Close() }()
	_ = server.ListenAndServe()
}
`;

const leakyProject = (name: string, config: Record<string, unknown>, imports: readonly string[] = []) => {
  const fixture = tempDir(`gowatch-profile-${name}-`);
  writeTree(fixture.dir, { 'go.mod': `module example.com/${name}\n\ngo 1.22\n`, 'main.go': leakyMainGo(imports), 'buddy.watch.json': JSON.stringify(config) });
  return fixture;
};

/** What gowatch resolves for the project in `dir`: how a second gowatch command finds the same target. */
const optionsFor = (dir: string, cacheDir: string): RunOptions => resolveRunOptions({}, dir, { ...process.env, GOWATCH_CACHE_DIR: cacheDir });

const endpointOf = async (dir: string, cacheDir: string): Promise<ProfileSource | undefined> => {
  const options = optionsFor(dir, cacheDir);
  return findProfileEndpoint(options, options.targets[0]!);
};

const body = async (url: string): Promise<{ status: number; text: string }> => {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, text: await response.text() };
};

/** Polls the program's /hello until it answers (generous: behaviour, not speed, is under test). */
const waitForHello = async (port: number): Promise<void> => {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const answer = await body(`http://127.0.0.1:${port}/hello`).catch(() => undefined);
    if (answer?.text === 'hello') return;
    await sleep(100);
  }
  throw new Error(`port ${port} never answered /hello`);
};

/** `go tool pprof -top` of a heap profile, by in-use bytes: the function rows, heaviest first. */
const topFunctions = (file: string): string[] => {
  const out = execFileSync('go', ['tool', 'pprof', '-top', '-sample_index=inuse_space', file], { encoding: 'utf8' });
  const rows = out.slice(out.indexOf('flat%')).split('\n').slice(1).filter(Boolean);
  return rows.map((row) => row.trim().split(/\s+/).slice(5).join(' ').replace(/ \(inline\)$/, ''));
};

const heapTop = async (source: ProfileSource, dir: string): Promise<string[]> => {
  const profile = await fetchProfile(source, 'heap', { timeoutMs: 30_000 });
  const file = path.join(dir, `heap-${Date.now()}.pb.gz`);
  writeFileSync(file, profile);
  return topFunctions(file);
};

/** Whether process `pid` holds a Unix domain socket: its socket descriptors looked up in /proc/net/unix. */
const holdsUnixSocket = (pid: number): boolean => {
  const inodes = new Set(
    readFileSync('/proc/net/unix', 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/)[6]),
  );
  return readdirSync(`/proc/${pid}/fd`).some((fd) => {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
      return inode !== undefined && inodes.has(inode);
    } catch {
      return false;
    }
  });
};

/** Runs a Node script as the unprivileged user nobody; its stdout, trimmed. */
const asNobody = (script: string): string => {
  const result = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
};

const mode = (file: string) => statSync(file).mode & 0o777;

/** A gowatch command that ends by itself (a refusal): its status, output and events. */
const cliRun = (args: string[], cwd: string) => {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  const events = result.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as GowatchEvent);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, events };
};

test('inject: the program keeps its own routes, a heap profile from the private socket names the function holding memory, and nobody else can connect', asRootOnLinux, async (t) => {
  const fixture = leakyProject('inject', { 'go.run.profile': 'inject' });
  // A cache every user can walk into (mkdtemp makes 0700), so that only gowatch's own modes keep nobody out.
  const cache = tempDir('gowatch-profile-cache-');
  chmodSync(cache.dir, 0o755);
  t.after(() => {
    fixture.cleanup();
    cache.cleanup();
  });
  const port = await freePort();
  // umask 0: every mode that keeps others out is one gowatch (or its server) set itself.
  const gowatch = new GowatchProcess(['--', '-addr', `127.0.0.1:${port}`], {
    cwd: fixture.dir,
    env: { GOWATCH_CACHE_DIR: cache.dir },
    wrap: ['sh', '-c', 'umask 0 && exec "$@"', 'sh'],
  });
  const started = await gowatch.waitForEvent('start');
  await waitForHello(port);

  assert.equal((await body(`http://127.0.0.1:${port}/debug/pprof/`)).status, 404, 'nothing is registered on http.DefaultServeMux');
  assert.equal((await body(`http://127.0.0.1:${port}/env`)).text, '', 'the variable naming the socket is gone from the program\'s environment');
  assert.deepEqual(readdirSync(fixture.dir).sort(), ['buddy.watch.json', 'go.mod', 'main.go'], 'nothing is written into the tree');
  const closure = gowatch.events.find((e) => e.event === 'closure');
  // gowatch's package and the file importing it are on no disk: nothing to watch, hash or count.
  assert.ok(closure?.event === 'closure' && closure.packages === 1 && closure.edges === 0 && closure.files === 2, `the closure counts the user's package and files only: ${JSON.stringify(closure)}`);

  const source = await endpointOf(fixture.dir, cache.dir);
  assert.ok(source?.kind === 'socket', JSON.stringify(source));
  const options = optionsFor(fixture.dir, cache.dir);
  const targetDir = targetDirOf(options, options.targets[0]!);
  assert.equal(source.socketPath, path.join(targetDir, 'profile', 'sock'));
  const top = await heapTop(source, fixture.dir);
  assert.equal(top[0], 'main.holdMemory', top.join('\n'));
  // One CPU profile at a time: of two asked for at once, the second is refused, the first is a profile.
  const cpu = await Promise.allSettled([1, 2].map(() => fetchProfile(source, 'cpu', { cpuSeconds: 1, timeoutMs: 30_000 })));
  assert.deepEqual(cpu.map((outcome) => outcome.status).sort(), ['fulfilled', 'rejected'], JSON.stringify(cpu));
  for (const outcome of cpu) {
    if (outcome.status === 'fulfilled') assert.deepEqual([...outcome.value.subarray(0, 2)], [0x1f, 0x8b]);
    else assert.match((outcome.reason as Error).message, /answered HTTP 409: a CPU profile is already being taken/);
  }

  // The way there is open to nobody up to the target's directory: what stops it is the profile directory and the socket.
  assert.equal(asNobody(`require('fs').accessSync(${JSON.stringify(targetDir)}, require('fs').constants.X_OK); console.log('ok')`), 'ok');
  const connect = `require('net').connect(${JSON.stringify(source.socketPath)}).on('connect', () => { console.log('connected'); process.exit(0) }).on('error', (e) => console.log(e.code))`;
  assert.equal(asNobody(connect), 'EACCES');
  assert.ok(statSync(source.socketPath).isSocket());
  assert.equal(mode(path.dirname(source.socketPath)).toString(8), '700');
  assert.equal(mode(source.socketPath).toString(8), '600');

  // The same binary outside gowatch (no variable): it serves, and listens on no Unix socket.
  assert.equal(holdsUnixSocket(started.pid), true, 'under gowatch the program holds its socket');
  const binary = path.join(fixture.dir, 'copied-program');
  copyFileSync(`/proc/${started.pid}/exe`, binary);
  chmodSync(binary, 0o755);
  // The server is a package of its own, which go's build cache keeps compiled: an edit of main compiles main alone.
  const symbols = execFileSync('go', ['tool', 'nm', binary], { encoding: 'utf8' });
  assert.match(symbols, / T example\.com\/inject\/zz_gowatch_[0-9a-f]{12}\.init\.0\n/);
  assert.doesNotMatch(symbols, / T main\.init/, 'nothing of gowatch\'s is compiled into package main but an import');
  await gowatch.stop('SIGINT');
  const outsidePort = await freePort();
  const env = { ...process.env };
  delete env['GOWATCH_PROFILE_SOCKET'];
  const outside = spawn(binary, ['-addr', `127.0.0.1:${outsidePort}`], { env, stdio: 'ignore' });
  t.after(() => outside.kill('SIGKILL'));
  await waitForHello(outsidePort);
  assert.equal(holdsUnixSocket(outside.pid!), false, 'outside gowatch the added file does nothing');
});

test('inject: a -overlay of the user is merged, not lost; a socket path too long moves to a private directory in TMPDIR', linuxOnly, async (t) => {
  const fixture = tempDir('gowatch-profile-overlay-');
  const tmp = tempDir('gowatch-profile-tmp-');
  // Long enough that <cache>/projects/…/targets/…/profile/sock passes the 107 bytes of a Linux socket path.
  const cacheDir = path.join(tmp.dir, 'c'.repeat(80));
  t.after(() => {
    fixture.cleanup();
    tmp.cleanup();
  });
  writeTree(fixture.dir, {
    ...httpServerModule('example.com/overlaid', 'from the tree'),
    'alt/reply.txt': 'package main\n\nfunc reply() string { return "from the overlay" }\n',
    'overlay.json': JSON.stringify({ Replace: { 'reply.go': 'alt/reply.txt' } }),
    'buddy.watch.json': JSON.stringify({ 'go.run.profile': 'inject', 'go.build.flags': ['-overlay', 'overlay.json'] }),
  });
  const port = await freePort();
  const gowatch = new GowatchProcess(['--', '-addr', `127.0.0.1:${port}`], { cwd: fixture.dir, env: { GOWATCH_CACHE_DIR: cacheDir, TMPDIR: tmp.dir } });
  await gowatch.waitForEvent('start');
  await waitForReply(port, 'from the overlay');

  const source = await endpointOf(fixture.dir, cacheDir);
  assert.ok(source?.kind === 'socket', JSON.stringify(source));
  const uid = process.getuid!();
  assert.equal(path.dirname(source.socketPath), path.join(tmp.dir, `gowatch-${uid}`));
  assert.equal(mode(path.dirname(source.socketPath)).toString(8), '700');
  const profile = await fetchProfile(source, 'goroutine', { timeoutMs: 30_000 });
  assert.deepEqual([...profile.subarray(0, 2)], [0x1f, 0x8b], 'a gzip-compressed profile');
  await gowatch.stop('SIGINT');
});

test('inject: the server package is imported by the import path go gives the main package, in a workspace module and in a nested module', linuxOnly, async (t) => {
  const fixture = tempDir('gowatch-profile-modules-');
  const cache = tempDir('gowatch-profile-modules-cache-');
  t.after(() => {
    fixture.cleanup();
    cache.cleanup();
  });
  // Module paths that the directories do not spell: only go can say the main package's import path.
  writeTree(fixture.dir, {
    'work/go.work': 'go 1.22\n\nuse ./services/api\n',
    'work/services/api/go.mod': 'module example.org/apisvc\n\ngo 1.22\n',
    'work/services/api/cmd/server/main.go': leakyMainGo(),
    'work/buddy.watch.json': JSON.stringify({ 'go.run.profile': 'inject', 'go.build.package': './services/api/cmd/server' }),
    'outer/go.mod': 'module example.com/outer\n\ngo 1.22\n',
    'outer/tools/go.mod': 'module example.com/tools\n\ngo 1.22\n',
    'outer/tools/main.go': leakyMainGo(),
    'outer/buddy.watch.json': JSON.stringify({ 'go.run.profile': 'inject', 'go.build.package': './tools' }),
  });
  for (const [project, importPath] of [['work', 'example.org/apisvc/cmd/server'], ['outer', 'example.com/tools']] as const) {
    const dir = path.join(fixture.dir, project);
    const port = await freePort();
    const gowatch = new GowatchProcess(['--', '-addr', `127.0.0.1:${port}`], { cwd: dir, env: { GOWATCH_CACHE_DIR: cache.dir } });
    const started = await gowatch.waitForEvent('start');
    await waitForHello(port);
    const closure = gowatch.events.find((e) => e.event === 'closure');
    assert.ok(closure?.event === 'closure' && closure.packages === 1 && closure.edges === 0, `${project}: ${JSON.stringify(closure)}`);
    const symbols = execFileSync('go', ['tool', 'nm', `/proc/${started.pid}/exe`], { encoding: 'utf8' });
    assert.ok(symbols.includes(` T ${importPath}/zz_gowatch_`), `${project}: the server is ${importPath}'s`);
    const source = await endpointOf(dir, cache.dir);
    assert.ok(source?.kind === 'socket', JSON.stringify(source));
    assert.equal((await heapTop(source, dir))[0], 'main.holdMemory');
    await gowatch.stop('SIGINT');
  }
});

test('inject: gowatch\'s package is named by a hash of its source and the overlay file by a hash of its content, so the build key moves with either', TIMEOUT, async (t) => {
  const fixture = tempDir('gowatch-profile-names-');
  const cache = tempDir('gowatch-profile-names-cache-');
  t.after(() => {
    fixture.cleanup();
    cache.cleanup();
  });
  writeTree(fixture.dir, httpServerModule('example.com/names', 'x'));
  const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);
  const { buildFlags, added } = await injectOverlay({ cwd: fixture.dir, pkg: '.', buildFlags: [] }, cache.dir, process.env);
  const overlayFile = /^-overlay=(.*)$/.exec(buildFlags.at(-1)!)?.[1];
  assert.ok(overlayFile !== undefined, JSON.stringify(buildFlags));
  const overlay = readFileSync(overlayFile, 'utf8');
  assert.equal(overlayFile, path.join(cache.dir, 'overlay', `overlay-${hash(overlay)}.json`));
  const name = `zz_gowatch_${hash(profileServerSource())}`;
  const replace = (JSON.parse(overlay) as { Replace: Record<string, string> }).Replace;
  const server = path.join(fixture.dir, name, 'server.go');
  const importer = path.join(fixture.dir, `${name}_profile.go`);
  assert.deepEqual(Object.keys(replace).sort(), [importer, server].sort());
  assert.deepEqual([...added].sort(), [importer, server].sort());
  assert.equal(readFileSync(replace[server]!, 'utf8'), profileServerSource());
  assert.match(readFileSync(replace[importer]!, 'utf8'), new RegExp(`^package main\\n\\nimport _ "example\\.com/names/${name}"\\n$`, 'm'));
  assert.equal(existsSync(path.join(fixture.dir, name)), false, 'nothing is written into the tree');
});

test('inject: a package that is no module\'s (files named one by one, GOPATH mode) gets no overlay, and gowatch refuses it in one line', TIMEOUT, async (t) => {
  const fixture = tempDir('gowatch-profile-nomodule-');
  const cache = tempDir('gowatch-profile-nomodule-cache-');
  t.after(() => {
    fixture.cleanup();
    cache.cleanup();
  });
  writeTree(fixture.dir, { ...httpServerModule('example.com/files', 'x'), 'buddy.watch.json': JSON.stringify({ 'go.run.profile': 'inject' }) });
  // go lists files named one by one as command-line-arguments, which nothing can import.
  const target = { cwd: fixture.dir, pkg: './main.go', buildFlags: ['-tags', 'x'] };
  assert.deepEqual(await injectOverlay(target, cache.dir, process.env), { buildFlags: ['-tags', 'x'], added: [] });

  const refused = spawnSync(process.execPath, [CLI, 'run'], { cwd: fixture.dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, GO111MODULE: 'off', GOWATCH_CACHE_DIR: cache.dir } });
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(refused.stderr, /^gowatch: .*package \. is in .*, outside the main, workspace and locally replaced modules whose code gowatch watches\n$/);
});

test('a private directory in a shared place is used only when it is the user\'s and closed to others', asRootOnLinux, async (t) => {
  const tmp = tempDir('gowatch-profile-shared-');
  t.after(tmp.cleanup);
  const longTargetDir = path.join('/', 'd'.repeat(120));
  const dir = path.join(tmp.dir, `gowatch-${process.getuid!()}`);
  mkdirSync(dir, { mode: 0o700 });
  chmodSync(dir, 0o777);
  await assert.rejects(profileSocketPath(longTargetDir, tmp.dir), { kind: 'profile', message: /^will not put the profile socket in .*: others may open it \(mode 777, expected 700\); remove it, or set TMPDIR/ });
  chmodSync(dir, 0o700);
  chownSync(dir, 65534, 65534);
  await assert.rejects(profileSocketPath(longTargetDir, tmp.dir), { kind: 'profile', message: /it belongs to user id 65534, not to you \(0\)/ });
  chownSync(dir, 0, 0);
  assert.match(await profileSocketPath(longTargetDir, tmp.dir), new RegExp(`^${dir}/[0-9a-f]{16}\\.sock$`));
  const linked = tempDir('gowatch-profile-linked-');
  t.after(linked.cleanup);
  const elsewhere = path.join(linked.dir, 'real');
  mkdirSync(elsewhere, { mode: 0o700 });
  symlinkSync(elsewhere, path.join(linked.dir, `gowatch-${process.getuid!()}`));
  await assert.rejects(profileSocketPath(longTargetDir, linked.dir), { kind: 'profile', message: /it is not a directory/ });
});

test('profile off: same flags, same binary as a plain go build, and no record of an endpoint', linuxOnly, async (t) => {
  const fixture = tempDir('gowatch-profile-off-');
  const cache = tempDir('gowatch-profile-off-cache-');
  t.after(() => {
    fixture.cleanup();
    cache.cleanup();
  });
  writeTree(fixture.dir, { ...httpServerModule('example.com/off', 'plain'), 'buddy.watch.json': JSON.stringify({ 'go.run.profile': 'off' }) });
  const port = await freePort();
  const gowatch = new GowatchProcess(['--', '-addr', `127.0.0.1:${port}`], { cwd: fixture.dir, env: { GOWATCH_CACHE_DIR: cache.dir } });
  const started = await gowatch.waitForEvent('start');
  await waitForReply(port, 'plain');
  const built = readFileSync(`/proc/${started.pid}/exe`);
  await gowatch.stop('SIGINT');

  const plain = path.join(cache.dir, 'plain-build');
  // -w: what gowatch adds to every build but a full one (go.build.dwarf), profiling or not.
  execFileSync('go', ['build', '-buildvcs=false', '-o', plain, '-ldflags=-w', '.'], { cwd: fixture.dir });
  assert.ok(built.equals(readFileSync(plain)), 'the binary gowatch runs is the one go build -ldflags=-w makes');
  assert.equal(built.includes('GOWATCH_PROFILE_SOCKET'), false);
  assert.equal(await endpointOf(fixture.dir, cache.dir), undefined);
  const options = optionsFor(fixture.dir, cache.dir);
  assert.equal(existsSync(path.join(targetDirOf(options, options.targets[0]!), 'overlay')), false);
});

test('URL mode: a heap profile from the program\'s own net/http/pprof names the function holding memory', TIMEOUT, async (t) => {
  const port = await freePort();
  // Without the trailing "/": gowatch adds it.
  const fixture = leakyProject('url', { 'go.run.profile': `http://127.0.0.1:${port}/debug/pprof` }, ['_ "net/http/pprof"']);
  const cache = tempDir('gowatch-profile-url-cache-');
  t.after(() => {
    fixture.cleanup();
    cache.cleanup();
  });
  const gowatch = new GowatchProcess(['--', '-addr', `127.0.0.1:${port}`], { cwd: fixture.dir, env: { GOWATCH_CACHE_DIR: cache.dir } });
  await gowatch.waitForEvent('start');
  await waitForHello(port);
  const source = await endpointOf(fixture.dir, cache.dir);
  assert.deepEqual(source, { kind: 'url', baseUrl: `http://127.0.0.1:${port}/debug/pprof/` });
  const top = await heapTop(source!, fixture.dir);
  assert.equal(top[0], 'main.holdMemory', top.join('\n'));
  await gowatch.stop('SIGINT');
});

test('a profile URL off this machine is refused in one line naming the file and key, unless allowed', TIMEOUT, async (t) => {
  const fixture = tempDir('gowatch-profile-remote-');
  t.after(fixture.cleanup);
  const remote = 'http://192.0.2.10:6060/debug/pprof/';
  writeTree(fixture.dir, { ...httpServerModule('example.com/remote', 'x'), 'buddy.watch.json': JSON.stringify({ 'go.run.profile': remote }) });
  const refused = cliRun(['run', '--json'], fixture.dir);
  assert.equal(refused.code, 2, refused.stderr);
  const [event] = refused.events;
  assert.ok(event?.event === 'error' && event.kind === 'config', refused.stdout);
  const file = path.join(fixture.dir, 'buddy.watch.json');
  assert.equal(
    event.message,
    `${file}: "go.run.profile": "${remote}" is not on this machine: expected a loopback host (localhost, 127.0.0.0/8, [::1]), or "go.run.profileAllowRemote": true (profiles show what the program's memory holds)`,
  );
  assert.equal(refused.stderr, `gowatch: ${event.message}\n`);

  // A target's own setting is named as the target's.
  writeFileSync(file, JSON.stringify({ targets: { api: { 'go.run.profile': remote } } }));
  assert.throws(() => resolveRunOptions({}, fixture.dir, process.env), { kind: 'config', message: /: "targets" item api: "go\.run\.profile": "http:\/\/192\.0\.2\.10:6060\/debug\/pprof\/" is not on this machine/ });

  writeFileSync(file, JSON.stringify({ 'go.run.profile': remote, 'go.run.profileAllowRemote': true }));
  assert.deepEqual(resolveRunOptions({}, fixture.dir, process.env).targets[0]!.profile, { source: { url: remote }, baselineMs: 10_000, keep: 10 });
  for (const loopback of ['http://localhost:6060/debug/pprof/', 'http://127.1.2.3:6060/', 'http://[::1]:6060/']) {
    writeFileSync(file, JSON.stringify({ 'go.run.profile': loopback }));
    assert.deepEqual(resolveRunOptions({}, fixture.dir, process.env).targets[0]!.profile.source, { url: loopback });
  }

  const said = (config: Record<string, unknown>) => {
    writeFileSync(file, JSON.stringify(config));
    const outcome = cliRun(['run'], fixture.dir);
    assert.equal(outcome.code, 2);
    return outcome.stderr;
  };
  assert.equal(said({ 'go.run.profile': 'injct' }), `gowatch: ${file}: "go.run.profile": expected "off", "inject", or the http(s) URL of the program's net/http/pprof such as "http://127.0.0.1:6060/debug/pprof/", got "injct" (did you mean "inject"?)\n`);
  assert.equal(said({ 'go.run.profile': 'ftp://127.0.0.1/x' }), `gowatch: ${file}: "go.run.profile": "ftp://127.0.0.1/x" is not an http or https URL\n`);
  assert.equal(said({ 'go.run.profil': 'inject' }), `gowatch: ${file}: unknown key "go.run.profil" (did you mean "go.run.profile"?)\n`);
  assert.equal(said({ 'go.run.profileBaseline': 0 }), `gowatch: ${file}: "go.run.profileBaseline": expected null or a whole number of seconds (1 or more), got 0\n`);
  assert.equal(said({ 'go.run.profileKeep': 1001 }), `gowatch: ${file}: "go.run.profileKeep": expected at most 1000 captures, got 1001\n`);
});

/** A Unix socket server of this test that answers with `answer`, or never when it is undefined. */
const fakeServer = async (dir: string, answer?: (response: http.ServerResponse) => void) => {
  const socketPath = path.join(dir, `fake-${Math.random().toString(36).slice(2)}.sock`);
  const server = answer ? http.createServer((_request, response) => answer(response)) : net.createServer((socket) => socket.resume());
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { source: { kind: 'socket', socketPath } as const, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

test('a fetch that cannot get a profile fails in one line: nothing there, no answer within the bound, an HTTP error, no profile', TIMEOUT, async (t) => {
  const tmp = tempDir('gowatch-profile-fetch-');
  t.after(tmp.cleanup);
  const missing = path.join(tmp.dir, 'none.sock');
  await assert.rejects(fetchProfile({ kind: 'socket', socketPath: missing }, 'heap', { timeoutMs: 5000 }), {
    kind: 'profile',
    message: `cannot reach the program's profile socket ${missing}: no socket is there (is the program running under gowatch?)`,
  });

  // A program that accepts and never answers, as a stopped or deadlocked one does.
  const silent = await fakeServer(tmp.dir);
  await assert.rejects(fetchProfile(silent.source, 'goroutine', { timeoutMs: 300 }), {
    kind: 'profile',
    message: `no answer from the program's profile socket ${silent.source.socketPath} within 0.3 s (is the program stopped or stuck?)`,
  });
  await silent.close();

  const failing = await fakeServer(tmp.dir, (response) => {
    response.statusCode = 500;
    response.end('profile "heap" failed\nsecond line\n');
  });
  await assert.rejects(fetchProfile(failing.source, 'heap', { timeoutMs: 5000 }), { kind: 'profile', message: /answered HTTP 500: profile "heap" failed second line$/ });
  await failing.close();

  const html = await fakeServer(tmp.dir, (response) => response.end('<html>not a profile</html>'));
  await assert.rejects(fetchProfile(html.source, 'heap', { timeoutMs: 5000 }), { kind: 'profile', message: /answered with something that is not a profile/ });
  await assert.rejects(fetchProfile(html.source, 'cpu', { timeoutMs: 5000 }), { kind: 'profile', message: 'a CPU profile takes a whole number of seconds from 1 to 300, got none' });
  await html.close();

  await assert.rejects(fetchProfile({ kind: 'url', baseUrl: 'http://127.0.0.1:1/debug/pprof/' }, 'heap', { timeoutMs: 5000 }), {
    kind: 'profile',
    message: 'cannot reach http://127.0.0.1:1/debug/pprof/heap?gc=1: connection refused (is the program running?)',
  });
});
