import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from './support/fixtures.js';
import { GowatchProcess } from './support/gowatch-process.js';
import { gowatchProcesses, parentOf, SERVICES, writeMonorepo, type Service } from './support/monorepo.js';
import { freePort, get } from './support/net.js';
import { carryingEnv, markedSurvivors } from './support/processes.js';
import { replaceFile } from './support/shop.js';
import { eventNames, of, packageFile, served, settled, waitForServed } from './support/targets-project.js';

/**
 * gowatch in an npm workspaces monorepo: Go services next to JavaScript packages, one root
 * buddy.watch.json with a target per service, a go.work tying the services to a shared Go
 * module, and `"dev": "gowatch run"` both at the root and in each service. Everything runs
 * through real `npm run` (offline: gowatch is linked in node_modules as an install would).
 */
const TIMEOUT = { timeout: 120_000 };
const MARKER = 'GOWATCH_TEST_MARKER';

type Monorepo = { readonly root: string; readonly ports: Readonly<Record<Service, number>>; readonly cacheDir: string; readonly write: (rel: string, content: string) => void };

const monorepo = async (t: TestContext): Promise<Monorepo> => {
  const fixture = tempDir('gowatch-monorepo-');
  const cache = tempDir('gowatch-cache-');
  const staging = tempDir('gowatch-staging-');
  t.after(() => {
    fixture.cleanup();
    cache.cleanup();
    staging.cleanup();
  });
  const ports = { api: await freePort(), worker: await freePort() };
  writeMonorepo(fixture.dir, ports);
  return { root: fixture.dir, ports, cacheDir: cache.dir, write: (rel, content) => replaceFile(staging.dir, path.join(fixture.dir, rel), content) };
};

/** `npm ARGS` in `cwd`, in a process group of its own; every process it leads to carries a fresh marker. */
const npm = (t: TestContext, repo: Monorepo, cwd: string, args: string[]) => {
  const marker = randomUUID();
  const run = new GowatchProcess(args, {
    cwd,
    command: ['npm'],
    group: true,
    env: { GOWATCH_CACHE_DIR: repo.cacheDir, [MARKER]: marker, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
  });
  t.after(async () => {
    await run.stop('SIGINT');
    for (const pid of await markedSurvivors(MARKER, marker, 15_000)) process.kill(pid, 'SIGKILL');
  });
  return { run, marker };
};

/** npm prints its banner ("> dev", "> gowatch run --json") on stdout; every other line is an event. */
const assertOnlyEventsAndBanner = (run: GowatchProcess) =>
  assert.deepEqual(
    run.invalidLines.filter((line) => line.trim() !== '' && !line.startsWith('> ')),
    [],
    'stdout carries only events (and npm\'s banner)',
  );

/** Ctrl-C on the terminal: SIGINT to the whole npm process group. Then no process of the run is left, and both programs were stopped the graceful way. */
const interrupt = async (run: GowatchProcess, marker: string, targets: readonly Service[]) => {
  const mark = run.mark();
  await run.stop('SIGINT');
  assert.deepEqual(await markedSurvivors(MARKER, marker, 15_000), [], 'no process of the run survives');
  await sleep(200);
  for (const target of targets) {
    const stop = run.after(mark).find((e) => e.event === 'stop' && e.target === target);
    assert.ok(stop?.event === 'stop' && !stop.forced, `${target} was stopped gracefully: ${eventNames(run.after(mark)).join(' ')}\nstderr:\n${run.stderr}`);
  }
};

test('root `npm run dev`: one gowatch serves every service; a shared Go module restarts both, a JavaScript package none', TIMEOUT, async (t) => {
  const repo = await monorepo(t);
  const { run, marker } = npm(t, repo, repo.root, ['run', 'dev', '--', '--json']);
  for (const name of SERVICES) await run.waitFor((e) => e.event === 'start' && e.target === name);
  const pids = {
    api: await waitForServed(repo.ports.api, 'api|shared1'),
    worker: await waitForServed(repo.ports.worker, 'worker|shared1'),
  };

  // One gowatch, parent of both programs.
  const gowatch = gowatchProcesses(carryingEnv(MARKER, marker));
  assert.equal(gowatch.length, 1, `one gowatch process among the run's: ${gowatch.join(', ')}`);
  for (const name of SERVICES) {
    const start = run.events.find((e) => e.event === 'start' && e.target === name);
    assert.ok(start?.event === 'start');
    assert.equal(start.pid, pids[name], `${name}'s start event names the pid that serves`);
    assert.equal(parentOf(start.pid), gowatch[0], `${name} is a child of the one gowatch`);
  }

  // libs/shared, a module of go.work outside both services: both rebuild and restart.
  let mark = run.mark();
  repo.write('libs/shared/shared.go', packageFile('shared', 'shared2'));
  const next = {
    api: await waitForServed(repo.ports.api, 'api|shared2'),
    worker: await waitForServed(repo.ports.worker, 'worker|shared2'),
  };
  assert.notEqual(next.api, pids.api);
  assert.notEqual(next.worker, pids.worker);
  const shown = path.join('libs', 'shared', 'shared.go');
  for (const name of SERVICES) {
    assert.ok(of(run.after(mark), name).some((e) => e.event === 'change' && e.files.includes(shown)), `${name} saw ${shown}`);
    assert.ok(of(run.after(mark), name).some((e) => e.event === 'build-ok' && !e.cached), `${name} rebuilt`);
  }

  // packages/web/index.js: JavaScript next door restarts nobody; with nothing in it that can
  // reach a binary, its directory is not even watched.
  mark = run.mark();
  repo.write('packages/web/index.js', "export const greeting = 'hello again';\n");
  const events = await settled({ dir: repo.root, gowatch: run }, SERVICES, mark);
  await sleep(2000);
  const web = path.join('packages', 'web', 'index.js');
  for (const name of SERVICES) {
    assert.ok(
      !of(events, name).some((e) => e.event === 'change' && e.files.includes(web)),
      `${name} is not told of packages/web/index.js: ${eventNames(of(events, name)).join(' ')}`,
    );
  }
  assert.deepEqual(run.after(mark).filter((e) => ['build-start', 'stop', 'start'].includes(e.event)), [], 'no build, no restart');
  assert.equal((await served(repo.ports.api))?.pid, next.api);
  assert.equal((await served(repo.ports.worker))?.pid, next.worker);

  await interrupt(run, marker, SERVICES);
  assertOnlyEventsAndBanner(run);
});

test('a service\'s own `npm run dev`, however it is invoked, runs only that service, from the root buddy.watch.json', TIMEOUT, async (t) => {
  const repo = await monorepo(t);
  const ways = [
    // From another workspace: npm finds the workspace root upwards (a workspace named, not a path: paths are read from the current directory).
    { cwd: 'packages/web', args: ['run', 'dev', '-w', 'api', '--', '--json'], shared: 'shared2' },
    { cwd: '.', args: ['run', 'dev', '-w', 'services/api', '--', '--json'], shared: 'shared3' },
    { cwd: 'services/api', args: ['run', 'dev', '--', '--json'], shared: 'shared4' },
  ];
  let previous = 'shared1';
  for (const way of ways) {
    const { run, marker } = npm(t, repo, path.join(repo.root, way.cwd), way.args);
    const how = `npm ${way.args.join(' ')} in ${way.cwd}`;
    await run.waitFor((e) => e.event === 'start' && e.target === 'api');
    const pid = await waitForServed(repo.ports.api, `api|${previous}`);
    await sleep(1000);
    assert.equal(await get(repo.ports.worker), undefined, `${how}: the worker does not run`);
    const targets = new Set(run.events.flatMap((e) => ('target' in e && e.target !== undefined ? [e.target] : [])));
    assert.deepEqual(targets, new Set(['api']), `${how}: every event is about api`);
    assert.equal(gowatchProcesses(carryingEnv(MARKER, marker)).length, 1, how);

    // Its config and module were found upwards: the shared module of go.work is watched too.
    const mark = run.mark();
    repo.write('libs/shared/shared.go', packageFile('shared', way.shared));
    const next = await waitForServed(repo.ports.api, `api|${way.shared}`);
    assert.notEqual(next, pid, how);
    const shown = path.join('..', '..', 'libs', 'shared', 'shared.go');
    assert.ok(run.after(mark).some((e) => e.event === 'change' && e.files.includes(shown)), `${how}: paths are shown from services/api, where the script runs`);
    previous = way.shared;

    await interrupt(run, marker, ['api']);
    assertOnlyEventsAndBanner(run);
  }
});
