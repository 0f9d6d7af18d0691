import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveRunOptions } from '../src/config/options.js';
import type { GowatchEvent } from '../src/events.js';
import { tempDir, writeTree } from './support/fixtures.js';
import { CLI, GowatchProcess } from './support/gowatch-process.js';
import { EDIT_LIFECYCLE, lifecycle } from './support/lifecycle.js';
import { get } from './support/net.js';
import { stopGowatch } from './support/shop.js';
import {
  eventNames,
  expectedReply,
  multiConfig,
  multiFiles,
  of,
  packageFile,
  sampleBuilds,
  served,
  settled,
  linksBegun,
  linksStarted,
  slowLinker,
  startMulti,
  waitForServed,
} from './support/targets-project.js';

/**
 * Several targets under one gowatch (buddy.watch.json "targets"): one watcher, one change
 * router, and per target its own closure, build and program. Real go, real files, real
 * processes, real HTTP: each program answers with the text of the packages it imports and its pid.
 */
const TIMEOUT = { timeout: 120_000 };

const targetsOf = (events: readonly GowatchEvent[]) => new Set(events.flatMap((e) => ('target' in e && e.target !== undefined ? [e.target] : [])));

const indexOf = (events: readonly GowatchEvent[], predicate: (e: GowatchEvent) => boolean) => {
  const index = events.findIndex(predicate);
  assert.ok(index >= 0, `event not found in ${eventNames(events).join(' ')}`);
  return index;
};

test('two targets sharing a package: an edit rebuilds and restarts exactly the targets that import it, building in parallel', TIMEOUT, async (t) => {
  const linker = tempDir('gowatch-linker-');
  t.after(linker.cleanup);
  // Builds that take a second each, so two of them running at once cannot go unseen.
  const run = await startMulti(t, ['api', 'worker'], {
    declared: ['api', 'worker'],
    config: { 'go.build.flags': ['-toolexec', slowLinker(linker.dir, 1)] },
  });
  const { gowatch, ports } = run;
  assert.deepEqual(targetsOf(gowatch.events), new Set(['api', 'worker']), 'every event names one of the two targets');
  const pids = { api: (await served(ports.api))!.pid, worker: (await served(ports.worker))!.pid };

  // internal/apionly: api alone.
  let mark = gowatch.mark();
  run.write('internal/apionly/apionly.go', packageFile('apionly', 'apionly2'));
  const apiPid = await waitForServed(ports.api, expectedReply('api', { shared: 'shared1', apionly: 'apionly2' }));
  assert.notEqual(apiPid, pids.api, 'api runs a new process');
  let events = await settled(run, ['api', 'worker'], mark);
  assert.match(lifecycle(of(events, 'api')), EDIT_LIFECYCLE, eventNames(events).join(' '));
  const workerSkip = of(events, 'worker').find((e) => e.event === 'skip');
  assert.ok(workerSkip?.event === 'skip' && workerSkip.reason === 'not-in-build', `worker skips: ${JSON.stringify(of(events, 'worker'))}`);
  assert.deepEqual(workerSkip.files, ['internal/apionly/apionly.go']);
  assert.deepEqual(
    of(events, 'worker').filter((e) => ['build-start', 'build-ok', 'stop', 'start'].includes(e.event)),
    [],
    'worker neither builds nor restarts',
  );
  assert.deepEqual(await served(ports.worker), { text: expectedReply('worker', { shared: 'shared1' }), pid: pids.worker }, 'the same worker still serves');
  pids.api = apiPid;

  // internal/shared: both, built at the same time.
  mark = gowatch.mark();
  const sampling = sampleBuilds([path.join(run.dir, 'cmd/api'), path.join(run.dir, 'cmd/worker')]);
  run.write('internal/shared/shared.go', packageFile('shared', 'shared2'));
  const next = {
    api: await waitForServed(ports.api, expectedReply('api', { shared: 'shared2', apionly: 'apionly2' })),
    worker: await waitForServed(ports.worker, expectedReply('worker', { shared: 'shared2' })),
  };
  const { overlapped, seen } = await sampling.stop();
  assert.notEqual(next.api, pids.api, 'api restarted');
  assert.notEqual(next.worker, pids.worker, 'worker restarted');
  events = await settled(run, ['api', 'worker'], mark);
  for (const name of ['api', 'worker']) {
    assert.match(lifecycle(of(events, name)), EDIT_LIFECYCLE, eventNames(events).join(' '));
  }
  const firstOk = indexOf(events, (e) => e.event === 'build-ok');
  for (const name of ['api', 'worker']) {
    assert.ok(indexOf(events, (e) => e.event === 'build-start' && e.target === name) < firstOk, `${name}'s build started before either ended: ${eventNames(events).join(' ')}`);
  }
  // Builds share the cores: two run at once wherever there are two cores (BuildSlots).
  if (os.availableParallelism() >= 2) assert.ok(overlapped, `both go builds ran at once (go builds seen in: ${seen.join(', ')})`);
  else assert.ok(!overlapped, 'one core: one go build at a time');
  pids.api = next.api;
  pids.worker = next.worker;

  // A package nobody imports, then a file that is not Go at all: nobody restarts.
  for (const [rel, content, reason] of [
    ['internal/unused/unused.go', packageFile('unused', 'unused2'), 'not-in-build'],
    ['README.md', '# multi, edited\n', 'not-watched'],
  ] as const) {
    mark = gowatch.mark();
    run.write(rel, content);
    events = await settled(run, ['api', 'worker'], mark);
    for (const name of ['api', 'worker']) {
      assert.ok(
        of(events, name).some((e) => e.event === 'skip' && e.reason === reason && e.files.includes(rel)),
        `${name} skips ${rel} as ${reason}: ${JSON.stringify(of(events, name))}`,
      );
    }
    assert.deepEqual(events.filter((e) => ['build-start', 'build-ok', 'stop', 'start'].includes(e.event)), [], `${rel} restarts nobody`);
  }
  assert.deepEqual(await served(ports.api), { text: expectedReply('api', { shared: 'shared2', apionly: 'apionly2' }), pid: pids.api });
  assert.deepEqual(await served(ports.worker), { text: expectedReply('worker', { shared: 'shared2' }), pid: pids.worker });
  await run.finish();
});

test('three targets, two selected: only those run, and no event names the third', TIMEOUT, async (t) => {
  const run = await startMulti(t, ['api', 'scheduler'], { args: ['api', 'scheduler'] });
  const { gowatch, ports } = run;
  const pids = { api: (await served(ports.api))!.pid, scheduler: (await served(ports.scheduler))!.pid };

  let mark = gowatch.mark();
  run.write('internal/shared/shared.go', packageFile('shared', 'shared2'));
  const api = await waitForServed(ports.api, expectedReply('api', { shared: 'shared2' }));
  const scheduler = await waitForServed(ports.scheduler, expectedReply('scheduler', { shared: 'shared2' }));
  assert.notEqual(api, pids.api);
  assert.notEqual(scheduler, pids.scheduler);
  await settled(run, ['api', 'scheduler'], mark);

  mark = gowatch.mark();
  run.write('internal/apionly/apionly.go', packageFile('apionly', 'apionly2'));
  await waitForServed(ports.api, expectedReply('api', { shared: 'shared2', apionly: 'apionly2' }));
  const events = await settled(run, ['api', 'scheduler'], mark);
  assert.ok(of(events, 'scheduler').some((e) => e.event === 'skip' && e.reason === 'not-in-build'));
  assert.deepEqual(of(events, 'scheduler').filter((e) => e.event === 'build-start' || e.event === 'stop'), []);
  assert.equal((await served(ports.scheduler))?.pid, scheduler, 'the scheduler was not restarted');

  assert.equal(await get(ports.worker), undefined, 'the worker never ran');
  assert.deepEqual(targetsOf(gowatch.events), new Set(['api', 'scheduler']), 'no event names the worker');
  const closures = gowatch.events.filter((e) => e.event === 'closure').map((e) => e.event === 'closure' && e.target);
  assert.deepEqual(new Set(closures), new Set(['api', 'scheduler']));
  await run.finish();
});

test('a change during builds cancels only the builds it concerns', TIMEOUT, async (t) => {
  const linker = tempDir('gowatch-linker-');
  t.after(linker.cleanup);
  // Each link takes 3 s: the second edit surely lands while both builds run.
  const run = await startMulti(t, ['api', 'worker'], {
    declared: ['api', 'worker'],
    config: { 'go.build.flags': ['-toolexec', slowLinker(linker.dir, 3)] },
  });
  const { gowatch, ports } = run;
  const mark = gowatch.mark();
  const links = linksStarted(linker.dir);
  run.write('internal/shared/shared.go', packageFile('shared', 'shared2'));
  const apiStart = await gowatch.waitFor((e) => e.event === 'build-start' && e.target === 'api', mark);
  const workerStart = await gowatch.waitFor((e) => e.event === 'build-start' && e.target === 'worker', mark);
  assert.ok(apiStart.event === 'build-start' && workerStart.event === 'build-start');
  // Both builds link (go has read every source): the edit lands in neither.
  await linksBegun(linker.dir, links + 2);
  run.write('internal/apionly/apionly.go', packageFile('apionly', 'apionly2'));

  await waitForServed(ports.worker, expectedReply('worker', { shared: 'shared2' }));
  await waitForServed(ports.api, expectedReply('api', { shared: 'shared2', apionly: 'apionly2' }));
  const events = await settled(run, ['api', 'worker'], mark);
  const api = of(events, 'api');
  const worker = of(events, 'worker');

  const canceled = indexOf(events, (e) => e.event === 'build-canceled' && e.target === 'api' && e.id === apiStart.id);
  const workerOk = indexOf(events, (e) => e.event === 'build-ok' && e.target === 'worker');
  const ok = events[workerOk]!;
  assert.ok(ok.event === 'build-ok' && ok.id === workerStart.id && !ok.cached, `worker's first build completed: ${JSON.stringify(ok)}`);
  assert.ok(canceled < workerOk, `api's build was canceled while worker's still ran: ${eventNames(events).join(' ')}`);
  assert.deepEqual(worker.filter((e) => e.event === 'build-canceled' || e.event === 'build-fail'), [], 'worker\'s build is not canceled');
  assert.equal(worker.filter((e) => e.event === 'build-start').length, 1, 'worker built once');
  assert.equal(worker.filter((e) => e.event === 'start').length, 1, 'worker restarted once');
  const apiBuilds = api.filter((e) => e.event === 'build-start').map((e) => e.event === 'build-start' && e.id);
  assert.equal(apiBuilds.length, 2, `api built again after the cancel: ${eventNames(api).join(' ')}`);
  assert.ok(api.some((e) => e.event === 'build-ok' && e.id === apiBuilds[1]), 'api\'s second build completed');
  assert.equal(api.filter((e) => e.event === 'start').length, 1, 'api restarted once, with the newest build');
  await run.finish();
});

test('buddy.watch.json edited while running: nothing restarts, a warning says it applies at the next start', TIMEOUT, async (t) => {
  const run = await startMulti(t, ['api', 'worker'], { declared: ['api', 'worker'] });
  const { gowatch, ports, dir } = run;
  const configFile = path.join(dir, 'buddy.watch.json');
  const pids = { api: (await served(ports.api))!.pid, worker: (await served(ports.worker))!.pid };

  // A target added.
  let mark = gowatch.mark();
  run.write('buddy.watch.json', JSON.stringify(multiConfig(ports, ['api', 'worker', 'scheduler']), null, 2));
  const added = await gowatch.waitFor((e) => e.event === 'warning' && e.message.includes('buddy.watch.json'), mark, 20_000);
  assert.ok(added.event === 'warning');
  assert.equal(added.target, undefined, 'the warning concerns gowatch, not one target');
  assert.match(added.message, /scheduler/, 'it names the target added');
  assert.match(added.message, /restart/i, 'it says how to apply it');
  let events = await settled(run, ['api', 'worker'], mark);
  for (const name of ['api', 'worker']) {
    assert.ok(of(events, name).some((e) => e.event === 'skip' && e.reason === 'not-watched' && e.files.includes('buddy.watch.json')), `${name} skips the config`);
  }
  assert.deepEqual(events.filter((e) => ['build-start', 'stop', 'start', 'error'].includes(e.event)), [], 'nothing builds, restarts or fails');
  assert.equal(await get(ports.scheduler), undefined, 'the new target does not run before the next start');

  // A broken one: said, and nothing else happens.
  mark = gowatch.mark();
  run.write('buddy.watch.json', '{ "targets": { "api": ');
  const broken = await gowatch.waitFor((e) => e.event === 'warning' && e.message.includes('buddy.watch.json'), mark, 20_000);
  assert.ok(broken.event === 'warning');
  assert.match(broken.message, /not valid|invalid/i, broken.message);
  events = await settled(run, ['api', 'worker'], mark);
  assert.deepEqual(events.filter((e) => ['build-start', 'stop', 'start', 'error'].includes(e.event)), []);
  assert.equal(gowatch.child.exitCode, null, 'gowatch keeps running');
  assert.equal((await served(ports.api))?.pid, pids.api);
  assert.equal((await served(ports.worker))?.pid, pids.worker);

  // Valid again, with the third target: the next start runs it.
  writeFileSync(configFile, JSON.stringify(multiConfig(ports, ['api', 'worker', 'scheduler']), null, 2));
  await sleep(300);
  await run.finish();
  const cache = tempDir('gowatch-cache-');
  t.after(cache.cleanup);
  const again = new GowatchProcess([], { cwd: dir, env: { GOWATCH_CACHE_DIR: cache.dir } });
  t.after(() => stopGowatch(again));
  await waitForServed(ports.scheduler, expectedReply('scheduler', { shared: 'shared1' }));
  await again.waitFor((e) => e.event === 'start' && e.target === 'scheduler');
  assert.equal((await again.stop('SIGINT')).code, 130);
});

/** main.go of a program that writes one line in two writes, 300 ms apart, on stdout, then one on stderr, then waits for a signal. */
const chattyMain = (name: string) => `package main

import (
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	os.Stdout.WriteString("${name} says hel")
	time.Sleep(300 * time.Millisecond)
	os.Stdout.WriteString("lo world\\n")
	os.Stderr.WriteString("${name} on stderr\\n")
	ctx := make(chan os.Signal, 1)
	signal.Notify(ctx, syscall.SIGINT, syscall.SIGTERM)
	<-ctx
}
`;

test('human output: every line about a target, and every line of its program, starts with its padded name', TIMEOUT, async (t) => {
  const fixture = tempDir('gowatch-human-');
  const cache = tempDir('gowatch-cache-');
  writeTree(fixture.dir, {
    'go.mod': 'module example.com/human\n\ngo 1.22\n',
    'cmd/web/main.go': chattyMain('web'),
    'cmd/background/main.go': chattyMain('background'),
    'buddy.watch.json': JSON.stringify({ targets: { web: { 'go.build.package': './cmd/web' }, background: { 'go.build.package': './cmd/background' } } }),
  });
  const child = spawn(process.execPath, [CLI, 'run'], {
    cwd: fixture.dir,
    env: { ...process.env, NO_COLOR: '1', GOWATCH_CACHE_DIR: cache.dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await exited;
    fixture.cleanup();
    cache.cleanup();
  });
  const prefix = { web: 'web        │ ', background: 'background │ ' };
  const deadline = Date.now() + 90_000;
  const complete = () =>
    Object.entries(prefix).every(([name, p]) => stdout.includes(`${p}${name} says hello world\n`) && stderr.includes(`${p}${name} on stderr\n`));
  while (!complete() && Date.now() < deadline && child.exitCode === null) await sleep(100);
  assert.ok(complete(), `both programs' lines, prefixed:\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  child.kill('SIGINT');
  assert.equal(await exited, 130, stderr);

  const outLines = stdout.split('\n').filter(Boolean);
  assert.deepEqual(outLines.sort(), [`${prefix.background}background says hello world`, `${prefix.web}web says hello world`], 'stdout: whole lines, each prefixed');
  const errLines = stderr.split('\n').filter(Boolean);
  for (const [name, p] of Object.entries(prefix)) {
    assert.ok(errLines.includes(`${p}${name} on stderr`), `${name}'s stderr line, prefixed`);
    assert.ok(errLines.some((line) => line.startsWith(`[gowatch] ${p}starting ${name}`)), `gowatch's line about starting ${name}:\n${stderr}`);
    assert.ok(errLines.some((line) => line.startsWith(`[gowatch] ${p}built ${name} `)), `gowatch's line about building ${name}:\n${stderr}`);
  }
  // Lines naming a target are about it: each starts with that target's prefix.
  for (const line of errLines) {
    if (line.startsWith('[gowatch] watching ')) continue;
    for (const name of Object.keys(prefix)) {
      if (new RegExp(`\\b${name}(: | (says|on|as|in|from)\\b)`).test(line) || line.includes(`building ${name}`)) {
        const body = line.startsWith('[gowatch] ') ? line.slice('[gowatch] '.length) : line;
        assert.ok(body.startsWith(prefix[name as keyof typeof prefix]), `line about ${name} is prefixed: ${JSON.stringify(line)}`);
      }
    }
  }
  assert.ok(!/says hel(?!lo world)/.test(stdout + stderr), 'no half line was printed');
});

test('config errors: a watcher key inside a target, and an unknown target name', TIMEOUT, async (t) => {
  const fixture = tempDir('gowatch-config-');
  t.after(fixture.cleanup);
  const config = path.join(fixture.dir, 'buddy.watch.json');
  writeTree(fixture.dir, {
    ...multiFiles(),
    'buddy.watch.json': JSON.stringify({
      targets: { api: { 'go.build.package': './cmd/api', 'go.watch.delay': 100 }, worker: { 'go.build.package': './cmd/worker' } },
    }),
  });
  const gowatch = (args: readonly string[]) =>
    spawnSync(process.execPath, [CLI, 'run', ...args], { cwd: fixture.dir, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 30_000 });

  const delay = gowatch([]);
  assert.equal(delay.status, 2, delay.stderr);
  assert.equal(delay.stderr.trim().split('\n').length, 1, `one line: ${delay.stderr}`);
  assert.ok(delay.stderr.includes(config), `names the file: ${delay.stderr}`);
  assert.match(delay.stderr, /"targets" item api: "go\.watch\.delay"/, 'names the target and the key');
  assert.match(delay.stderr, /top level/, 'says where it belongs');

  writeFileSync(config, JSON.stringify({ 'go.watch.delay': 100, targets: { api: { 'go.build.package': './cmd/api' }, worker: { 'go.build.package': './cmd/worker' } } }));
  const unknown = gowatch(['nosuch']);
  assert.equal(unknown.status, 2, unknown.stderr);
  assert.match(unknown.stderr, /no target "nosuch"/);
  assert.ok(unknown.stderr.includes(config), unknown.stderr);
  assert.match(unknown.stderr, /its targets are api, worker/);

  const typo = gowatch(['api', 'wroker', '--json']);
  assert.equal(typo.status, 2, typo.stderr);
  assert.match(typo.stderr, /no target "wroker".*did you mean "?worker"?/);
  const event = JSON.parse(typo.stdout.trim()) as { event: string; message: string };
  assert.equal(event.event, 'error');
  assert.match(event.message, /its targets are api, worker/);
  assert.equal(readFileSync(config, 'utf8').includes('go.watch.delay'), true);
});


test('`gowatch run` without names, inside a target\'s package directory, runs that target; elsewhere every target', async (t) => {
  const fixture = tempDir('gowatch-here-');
  t.after(fixture.cleanup);
  writeTree(fixture.dir, {
    ...multiFiles(),
    'cmd/api/admin/main.go': 'package main\n\nfunc main() {}\n',
    'buddy.watch.json': JSON.stringify({
      targets: {
        api: { 'go.build.package': './cmd/api' },
        'api-admin': { 'go.build.package': './cmd/api/admin' },
        worker: { 'go.build.package': './cmd/worker' },
        root: { 'go.build.package': '.' },
        imported: { 'go.build.package': 'example.com/multi/cmd/scheduler' },
      },
    }),
  });
  mkdirSync(path.join(fixture.dir, 'cmd/api/handlers'));
  const names = (cwd: string, args: string[] = []) => resolveRunOptions({ names: args }, path.join(fixture.dir, cwd)).targets.map((target) => target.name);
  const every = ['api', 'api-admin', 'worker', 'root', 'imported'];
  assert.deepEqual(names('.'), every, 'at the project root: every target');
  assert.deepEqual(names('internal/shared'), every, 'where no target builds from: every target (a target of the root directory does not narrow)');
  assert.deepEqual(names('cmd'), every);
  assert.deepEqual(names('cmd/api'), ['api']);
  assert.deepEqual(names('cmd/api/handlers'), ['api'], 'below a package directory');
  assert.deepEqual(names('cmd/api/admin'), ['api-admin'], 'the deepest package directory wins');
  assert.deepEqual(names('cmd/worker'), ['worker']);
  assert.deepEqual(names('cmd/api', ['worker']), ['worker'], 'names given win');
  const viaCwd = resolveRunOptions({ cwd: 'cmd/worker', names: [] }, fixture.dir).targets.map((target) => target.name);
  assert.deepEqual(viaCwd, ['worker'], '--cwd counts as where gowatch was started');
});
