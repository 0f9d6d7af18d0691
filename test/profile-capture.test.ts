import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { after, test } from 'node:test';
import { resolveRunOptions } from '../src/config/options.js';
import type { EventOf, GowatchEvent } from '../src/events.js';
import { startGowatch } from '../src/gowatch.js';
import { watch } from '../src/library/watch.js';
import { humanReporter } from '../src/report/human-reporter.js';
import { tempDir, writeTree } from './support/fixtures.js';
import { CLI, GowatchProcess, stopAllGowatch } from './support/gowatch-process.js';
import { freePort, waitForReply } from './support/net.js';

/**
 * Profiles captured when they matter (go.run.profile "inject"): a baseline after each start, heap
 * and goroutine profiles before a memory restart with what grew since the baseline, a trend
 * capture for memory that keeps growing, and `gowatch profile` / watcher.profile() on request.
 * Real go, real programs, real profiles read by the real `go tool pprof`.
 */
const execFileAsync = promisify(execFile);
const TIMEOUT = { timeout: 240_000 };

after(stopAllGowatch);

/** The function the program leaks in: pprof must name it, and the growth list must put it first. */
const LEAKER = 'main.leakyHandler';

/**
 * A server on -addr: "/" answers "ok"; "/leak" keeps 8 MB more (touched, so it is resident) in
 * leakyHandler; "/hang" holds 150 MB, answers, then stops itself with SIGSTOP as a hung program
 * would be stopped.
 */
const leakyMain = (imports: readonly string[] = []) => `package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"syscall"
	"time"
${imports.map((line) => `\t${line}\n`).join('')})

var leaked [][]byte

func touched(b []byte) []byte {
	for i := range b {
		b[i] = 1
	}
	return b
}

//go:noinline
func leakyHandler(w http.ResponseWriter, r *http.Request) {
	leaked = append(leaked, touched(make([]byte, 8<<20)))
	fmt.Fprintln(w, len(leaked))
}

func hangHandler(w http.ResponseWriter, r *http.Request) {
	leaked = append(leaked, touched(make([]byte, 150<<20)))
	fmt.Fprintln(w, "stopping")
	w.(http.Flusher).Flush()
	go func() {
		time.Sleep(100 * time.Millisecond)
		_ = syscall.Kill(os.Getpid(), syscall.SIGSTOP)
	}()
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	http.HandleFunc("/leak", leakyHandler)
	http.HandleFunc("/hang", hangHandler)
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	_ = http.ListenAndServe(*addr, nil)
}
`;

/**
 * A module running the leaky server under `config` (a function of its port), on a port of its
 * own; `ownPprof`: the program serves net/http/pprof itself, on that port.
 */
const leakyProject = async (name: string, config: Record<string, unknown> | ((port: number) => Record<string, unknown>), ownPprof = false) => {
  const fixture = tempDir(`gowatch-profile-${name}-`);
  const port = await freePort();
  writeTree(fixture.dir, {
    'go.mod': `module example.com/${name}\n\ngo 1.22\n`,
    'main.go': leakyMain(ownPprof ? ['_ "net/http/pprof"'] : []),
    'buddy.watch.json': JSON.stringify({ 'go.run.args': ['-addr', `127.0.0.1:${port}`], ...(typeof config === 'function' ? config(port) : config) }),
  });
  return { ...fixture, port, get: (route: string) => fetch(`http://127.0.0.1:${port}${route}`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.text()) };
};

type ProfileEvent = EventOf<'profile'>;

const profileEvent = (gowatch: GowatchProcess, trigger: ProfileEvent['trigger'], from = 0, timeoutMs?: number) =>
  gowatch.waitFor((e) => e.event === 'profile' && e.trigger === trigger, from, timeoutMs) as Promise<ProfileEvent>;

/** `go tool pprof -top FILE`, as a developer reads the profile. */
const pprofTop = async (file: string, ...flags: string[]): Promise<string> =>
  (await execFileAsync('go', ['tool', 'pprof', '-top', ...flags, file], { timeout: 120_000 })).stdout;

const modeOf = (file: string) => statSync(file).mode & 0o777;

const overTheLimit = async (mode: 'inject' | 'url') => {
  const project = await leakyProject(
    `limit-${mode}`,
    (port) => ({ 'go.run.profile': mode === 'inject' ? 'inject' : `http://127.0.0.1:${port}/debug/pprof/`, 'go.run.memoryLimit': '100MB', 'go.run.profileBaseline': 1 }),
    mode === 'url',
  );
  const gowatch = new GowatchProcess([], { cwd: project.dir });
  await waitForReply(project.port, 'ok\n');
  const baseline = await profileEvent(gowatch, 'baseline');
  assert.ok(baseline.files.heap && existsSync(baseline.files.heap), JSON.stringify(baseline));
  assert.equal(baseline.error, undefined);

  // Requests until the limit trips: each keeps 8 MB more.
  for (let i = 0; i < 40 && !gowatch.events.some((e) => e.event === 'memory'); i++) {
    await project.get('/leak').catch(() => undefined);
    await sleep(100);
  }
  const memory = await gowatch.waitForEvent('memory');
  const capture = await profileEvent(gowatch, 'memory', gowatch.events.indexOf(memory));
  assert.equal(capture.error, undefined, capture.error);
  assert.equal(capture.limitBytes, 100e6);
  assert.ok(capture.rssBytes! > 100e6, JSON.stringify(capture));
  assert.match(capture.key, /^[0-9a-f]{8}$/);
  assert.equal(capture.base, baseline.files.heap);
  const { heap, goroutine } = capture.files;
  assert.ok(heap && goroutine, JSON.stringify(capture.files));
  for (const file of [heap, goroutine]) {
    assert.ok(path.basename(file).includes(capture.key), file);
    assert.equal(modeOf(file), 0o600, `${file} is the user's only`);
  }
  assert.equal(modeOf(path.dirname(heap)), 0o700);
  assert.match(await pprofTop(heap, '-sample_index=inuse_space'), new RegExp(LEAKER.replace('.', '\\.')));
  assert.equal(capture.growth?.[0]?.function, LEAKER, JSON.stringify(capture.growth));
  assert.ok(capture.growth[0].bytes >= 50e6, JSON.stringify(capture.growth));
  assert.ok(capture.goroutines! >= 2, JSON.stringify(capture));

  // Taken before the stop (a stopped program serves no profile), then restarted.
  const stop = await gowatch.waitForEvent('stop', gowatch.events.indexOf(memory));
  await gowatch.waitForEvent('start', gowatch.events.indexOf(stop));
  await waitForReply(project.port, 'ok\n');

  // What the terminal says of it: the functions that grew, with their figures.
  const written: string[] = [];
  humanReporter({ write: (text) => written.push(text), color: false })(capture);
  const text = written.join('');
  assert.match(text, /grew most since the baseline:\n {4,}\+\d+ MB {2}main\.leakyHandler\n/);
  assert.ok(text.includes(`go tool pprof -top -base ${baseline.files.heap} ${heap}`), text);

  await gowatch.stop('SIGINT');
  project.cleanup();
};

test('over the memory limit: heap and goroutine profiles before the restart name the leaking function, first of what grew since the baseline', TIMEOUT, () => overTheLimit('inject'));

test("the same through go.run.profile's URL, from a program that serves net/http/pprof itself", TIMEOUT, () => overTheLimit('url'));

test('a program stopped (SIGSTOP) over the limit is restarted within the bound, and the event says why the capture failed', TIMEOUT, async () => {
  const project = await leakyProject('hung', { 'go.run.profile': 'inject', 'go.run.memoryLimit': '100MB', 'go.run.profileBaseline': null, 'go.run.stopTimeout': 1000 });
  const gowatch = new GowatchProcess([], { cwd: project.dir });
  await waitForReply(project.port, 'ok\n');
  assert.equal(await project.get('/hang'), 'stopping\n');
  const memory = await gowatch.waitForEvent('memory');
  const capture = await profileEvent(gowatch, 'memory', gowatch.events.indexOf(memory));
  assert.deepEqual(capture.files, {});
  assert.match(capture.error ?? '', /no answer from the program's profile socket .* within 5 s/);
  const start = await gowatch.waitForEvent('start', gowatch.events.indexOf(memory));
  // The capture's bound (5 s), the stop timeout (1 s), the back-off (0.5 s), and room for a busy machine.
  assert.ok(start.ts - memory.ts < 12_000, `restarted ${start.ts - memory.ts} ms after the limit tripped`);
  await waitForReply(project.port, 'ok\n');
  await gowatch.stop('SIGINT');
  project.cleanup();
});

/** `gowatch profile ARGS` in `cwd`: its status and output. */
const profileCli = async (cwd: string, ...args: string[]) => {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [CLI, 'profile', ...args], { cwd, timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

test('gowatch profile --heap, --goroutine, --cpu 2 and --base write profiles go tool pprof reads, with their top entries', TIMEOUT, async () => {
  const project = await leakyProject('request', { 'go.run.profile': 'inject', 'go.run.profileBaseline': null });
  const gowatch = new GowatchProcess([], { cwd: project.dir });
  await waitForReply(project.port, 'ok\n');
  await project.get('/leak');

  const heap = await profileCli(project.dir, '--heap');
  assert.equal(heap.code, 0, heap.stderr);
  const [heapFile, header, ...rows] = heap.stdout.trimEnd().split('\n');
  assert.ok(heapFile && existsSync(heapFile), heap.stdout);
  assert.match(path.basename(heapFile), /-request-heap-[0-9a-f]{8}\.pb\.gz$/);
  assert.equal(modeOf(heapFile), 0o600);
  assert.match(header!, /^\s*flat\s+flat%\s+cum\s+function$/);
  assert.ok(rows.some((row) => /MB\s.*main\.leakyHandler$/.test(row)), heap.stdout);
  assert.match(await pprofTop(heapFile), /main\.leakyHandler/);

  const goroutine = await profileCli(project.dir, '--goroutine');
  assert.equal(goroutine.code, 0, goroutine.stderr);
  const goroutineFile = goroutine.stdout.split('\n')[0]!;
  assert.match(path.basename(goroutineFile), /-request-goroutine-/);
  assert.match(await pprofTop(goroutineFile), /runtime\.gopark/);

  const cpu = await profileCli(project.dir, '--cpu', '2');
  assert.equal(cpu.code, 0, cpu.stderr);
  const cpuFile = cpu.stdout.split('\n')[0]!;
  assert.match(path.basename(cpuFile), /-request-cpu-/);
  assert.match(await pprofTop(cpuFile), /Type: cpu/);

  // Against a base: what changed since, here the next 8 MB leaked.
  await project.get('/leak');
  const since = await profileCli(project.dir, '--base', heapFile);
  assert.equal(since.code, 0, since.stderr);
  assert.ok(since.stdout.includes(`change since ${heapFile}:`), since.stdout);
  assert.match(since.stdout, /\s8\.4 MB\s.*main\.leakyHandler\n/);

  const badCpu = await profileCli(project.dir, '--cpu', 'soon');
  assert.equal(badCpu.code, 2);
  assert.equal(badCpu.stderr, 'gowatch: --cpu: expected a whole number of seconds from 1 to 300, got "soon"\n');

  // --open: go tool pprof serves the profile (BROWSER: no browser opens); what it prints reaches the terminal.
  const viewer = spawn(process.execPath, [CLI, 'profile', '--goroutine', '--open'], { cwd: project.dir, env: { ...process.env, BROWSER: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const viewerExit = new Promise<number | null>((resolve) => viewer.once('exit', resolve));
  try {
    let said = '';
    viewer.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
    viewer.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
    const deadline = Date.now() + 120_000;
    let url: string | undefined;
    while (!(url = /Serving web UI on (http:\/\/127\.0\.0\.1:[1-9]\d*)/.exec(said)?.[1]) && Date.now() < deadline && viewer.exitCode === null) await sleep(100);
    assert.ok(url, said);
    assert.match(said, /-request-goroutine-/, 'the path comes first');
    assert.equal((await fetch(url, { signal: AbortSignal.timeout(10_000) })).status, 200);
  } finally {
    // A signal to gowatch alone reaches the viewer too: nothing is left serving.
    viewer.kill('SIGTERM');
    await viewerExit;
  }

  await gowatch.stop('SIGINT');
  project.cleanup();
});

test('gowatch profile finds a run started with --build-flag without being given the flag', TIMEOUT, async () => {
  const project = await leakyProject('flagged', { 'go.run.profile': 'inject', 'go.run.profileBaseline': null });
  const gowatch = new GowatchProcess(['--build-flag=-tags=flagged'], { cwd: project.dir });
  await waitForReply(project.port, 'ok\n');
  const heap = await profileCli(project.dir, '--heap');
  assert.equal(heap.code, 0, heap.stderr);
  assert.match(path.basename(heap.stdout.split('\n')[0]!), /-request-heap-[0-9a-f]{8}\.pb\.gz$/);
  await gowatch.stop('SIGINT');
  project.cleanup();
});

test('gowatch profile says in one line how to turn profiling on, that nothing runs, or which target to name', TIMEOUT, async () => {
  const off = await leakyProject('off', {});
  const notOn = await profileCli(off.dir);
  assert.equal(notOn.code, 2);
  assert.match(notOn.stderr, /^gowatch: profiling is off for \.: set "go\.run\.profile": "inject" in buddy\.watch\.json .*\n$/);
  // Running without profiling, then turned on in the file: the running gowatch serves none until started again.
  const gowatch = new GowatchProcess([], { cwd: off.dir });
  await waitForReply(off.port, 'ok\n');
  assert.equal((await profileCli(off.dir)).stderr, notOn.stderr);
  writeTree(off.dir, { 'buddy.watch.json': JSON.stringify({ 'go.run.args': ['-addr', `127.0.0.1:${off.port}`], 'go.run.profile': 'inject' }) });
  const stale = await profileCli(off.dir);
  assert.equal(stale.code, 1);
  assert.equal(stale.stderr, 'gowatch: the gowatch that runs . started with profiling off: start gowatch run again to apply "go.run.profile"\n');
  await gowatch.stop('SIGINT');

  const idle = await leakyProject('idle', { 'go.run.profile': 'inject' });
  const nothing = await profileCli(idle.dir, '--goroutine');
  assert.equal(nothing.code, 1);
  assert.equal(nothing.stderr, 'gowatch: nothing is running for .: start it with gowatch run, then ask for its profile\n');

  writeTree(idle.dir, { 'buddy.watch.json': JSON.stringify({ 'go.run.profile': 'inject', targets: { api: {}, worker: {} } }) });
  const several = await profileCli(idle.dir);
  assert.equal(several.code, 2);
  assert.equal(several.stderr, 'gowatch: gowatch profile: 2 targets (api, worker): name the one to profile, e.g. gowatch profile api\n');
  const typo = await profileCli(idle.dir, 'wroker');
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /^gowatch: no target "wroker" in \S*buddy\.watch\.json \(did you mean "worker"\?\); its targets are api, worker\n$/);
  off.cleanup();
  idle.cleanup();
});

test('watcher.profile() captures from the running program, says it as an event, and refuses bad options in one line', TIMEOUT, async () => {
  const project = await leakyProject('library', { 'go.run.profile': 'inject', 'go.run.profileBaseline': null, 'go.run.stdin': 'ignore' });
  const watcher = await watch({ cwd: project.dir, programOutput: () => undefined });
  const events: GowatchEvent[] = [];
  watcher.on('event', (event) => void events.push(event));
  await watcher.ready;
  await waitForReply(project.port, 'ok\n');
  await project.get('/leak');
  const { file, top } = await watcher.profile();
  assert.match(path.basename(file), /-request-heap-/);
  const leaked = top.find((entry) => entry.function === LEAKER)?.flat ?? 0;
  assert.ok(Math.abs(leaked - 8 * 1024 * 1024) < 0.01 * 8 * 1024 * 1024, JSON.stringify(top));
  const said = events.find((e) => e.event === 'profile');
  assert.ok(said?.event === 'profile' && said.trigger === 'request' && said.files.heap === file, JSON.stringify(said));

  const goroutines = await watcher.profile({ kind: 'goroutine' });
  assert.ok(goroutines.top.some((entry) => entry.function === 'runtime.gopark'), JSON.stringify(goroutines.top));
  await assert.rejects(watcher.profile({ kind: 'cpu' }), { message: 'watcher.profile() option "cpuSeconds": expected a whole number of seconds from 1 to 300 for a "cpu" profile, got undefined' });
  await assert.rejects(watcher.profile({ target: 'nope' }), { message: /^watcher\.profile\(\): no target "nope"; the targets are \.$/ });
  await watcher.close();
  project.cleanup();
});

/** Go programs whose memory grows steadily, stays flat, or rises and falls (a GC saw-tooth). */
const TREND_PROGRAMS = {
  grow: `package main

import "time"

var hoard [][]byte

//go:noinline
func hoardSteadily() {
	b := make([]byte, 512<<10)
	for i := range b {
		b[i] = 1
	}
	hoard = append(hoard, b)
}

func main() {
	for {
		hoardSteadily()
		time.Sleep(100 * time.Millisecond)
	}
}
`,
  flat: `package main

import "time"

func main() {
	for {
		time.Sleep(time.Second)
	}
}
`,
  saw: `package main

import (
	"runtime/debug"
	"time"
)

var held []byte

func main() {
	for {
		held = make([]byte, 40<<20)
		for i := range held {
			held[i] = 1
		}
		time.Sleep(time.Second)
		held = nil
		debug.FreeOSMemory()
		time.Sleep(time.Second)
	}
}
`,
} as const;

test('the leak trend: a steadily growing program gets a trend capture; a flat one and a saw-tooth one, watched as long, do not', TIMEOUT, async () => {
  const project = tempDir('gowatch-profile-trend-');
  const names = Object.keys(TREND_PROGRAMS) as (keyof typeof TREND_PROGRAMS)[];
  writeTree(project.dir, {
    'go.mod': 'module example.com/trend\n\ngo 1.22\n',
    ...Object.fromEntries(names.map((name) => [`${name}/main.go`, TREND_PROGRAMS[name]])),
    'buddy.watch.json': JSON.stringify({
      'go.run.profile': 'inject',
      'go.run.profileBaseline': 1,
      'go.run.stdin': 'ignore',
      targets: Object.fromEntries(names.map((name) => [name, { 'go.build.package': `./${name}` }])),
    }),
  });
  // The window is shortened for the test (TargetOptions: no key sets it); the fit is the real one.
  const windowMs = 15_000;
  const resolved = resolveRunOptions({}, project.dir);
  const options = { ...resolved, targets: resolved.targets.map((target) => ({ ...target, profile: { ...target.profile, trendWindowMs: windowMs } })) };
  const events: GowatchEvent[] = [];
  const gowatch = await startGowatch(options, (event) => void events.push(event));
  const waitFor = async (predicate: (event: GowatchEvent) => boolean, what: string, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = events.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) assert.fail(`${what} not seen: ${events.map((e) => JSON.stringify(e)).join('\n')}`);
      await sleep(100);
    }
  };
  try {
    const starts = new Map<string, number>();
    for (const name of names) {
      // Profiling is on for each: its baseline was taken.
      await waitFor((e) => e.event === 'profile' && e.target === name && e.trigger === 'baseline' && e.files.heap !== undefined, `${name}'s baseline`);
      starts.set(name, (await waitFor((e) => e.event === 'start' && e.target === name, `${name}'s start`)).ts);
    }
    const trend = (await waitFor((e) => e.event === 'profile' && e.trigger === 'trend', 'a trend capture')) as ProfileEvent;
    assert.equal(trend.target, 'grow', JSON.stringify(trend));
    assert.ok(trend.trend && trend.trend.bytesPerMinute > 50e6 && trend.trend.windowMs >= windowMs, JSON.stringify(trend));
    assert.ok(trend.files.heap && existsSync(trend.files.heap), JSON.stringify(trend));
    assert.equal(trend.growth?.[0]?.function, 'main.hoardSteadily', JSON.stringify(trend.growth));
    // The others have been sampled over a whole window (and two samples more) too, so they could have fired.
    const watchedLongEnough = Math.max(starts.get('flat')!, starts.get('saw')!) + windowMs + 2000;
    while (Date.now() < watchedLongEnough) await sleep(100);
    // Once per run: the grower kept growing meanwhile, and said it once.
    assert.deepEqual(events.filter((e) => e.event === 'profile' && e.trigger === 'trend').map((e) => 'target' in e && e.target), ['grow']);
  } finally {
    await gowatch.close();
    project.cleanup();
  }
});
