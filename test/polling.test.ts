import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { filesystemType } from '../src/watch/fs-type.js';
import { httpMainGo, httpServerModule, replyFile, tempDir, writeTree } from './support/fixtures.js';
import { CLI, GowatchProcess, stopAllGowatch } from './support/gowatch-process.js';
import { freePort, waitForReply } from './support/net.js';

const cache = tempDir('gowatch-cache-');
after(async () => {
  await stopAllGowatch();
  cache.cleanup();
});

const service = async (root: string, name: string) => {
  const port = await freePort();
  writeTree(root, {
    ...httpServerModule(`example.com/${name}`, 'before'),
    'buddy.watch.json': JSON.stringify({ 'go.run.args': ['-addr', `127.0.0.1:${port}`], 'go.watch.pollInterval': 100 }),
  });
  return port;
};

test('GOWATCH_POLL=1 makes auto mode poll, says why, and still sees edits', async () => {
  const fixture = tempDir('gowatch-poll-env-');
  const port = await service(fixture.dir, 'pollenv');
  const gowatch = new GowatchProcess([], { cwd: fixture.dir, env: { GOWATCH_CACHE_DIR: cache.dir, GOWATCH_POLL: '1' } });
  const watching = await gowatch.waitForEvent('watching');
  assert.equal(watching.backend, 'polling');
  assert.equal(watching.reason, 'GOWATCH_POLL=1');
  await waitForReply(port, 'before');
  writeFileSync(path.join(fixture.dir, 'reply.go'), replyFile('after'));
  await waitForReply(port, 'after');
  assert.equal((await gowatch.stop()).code, 130);
  fixture.cleanup();
});

/**
 * Mounts `source` at `mount` with bindfs (FUSE), unmounted after the test; false when the test
 * was skipped. Outside CI a developer machine may lack bindfs; CI (.ci/run) installs it and must run it.
 */
const bindfsMount = (t: TestContext, source: string, mount: string, cleanup: () => void): boolean => {
  mkdirSync(source, { recursive: true });
  mkdirSync(mount, { recursive: true });
  const mounted = spawnSync('bindfs', ['--no-allow-other', source, mount], { encoding: 'utf8' });
  if (mounted.error && !process.env['CI']) {
    t.skip('bindfs is not installed (apt-get install bindfs); the FUSE case was not tested');
    return false;
  }
  assert.equal(mounted.status, 0, `bindfs failed (install the Debian package bindfs; /dev/fuse is needed): ${mounted.stderr ?? mounted.error}`);
  t.after(() => {
    execFileSync('fusermount', ['-u', mount]);
    cleanup();
  });
  return true;
};

/**
 * The container case, reproduced for real: bindfs (FUSE) mounts SRC at MNT. gowatch runs in
 * MNT, as inside a Docker Desktop container; edits are made to SRC, as by an editor on the
 * host, and inotify on MNT never hears of them. Auto mode must notice the filesystem and poll.
 */
test('on a FUSE mount (bindfs), auto mode polls and sees edits made outside the mount', async (t) => {
  const fixture = tempDir('gowatch-fuse-');
  const source = path.join(fixture.dir, 'host');
  const mount = path.join(fixture.dir, 'container');
  if (!bindfsMount(t, source, mount, fixture.cleanup)) return;
  assert.match(filesystemType(mount) ?? '', /^fuse/);

  const port = await service(source, 'fuse');
  const gowatch = new GowatchProcess([], { cwd: mount, env: { GOWATCH_CACHE_DIR: cache.dir, GOWATCH_POLL: '', CHOKIDAR_USEPOLLING: '' } });
  const watching = await gowatch.waitForEvent('watching');
  assert.equal(watching.backend, 'polling');
  assert.equal(watching.root, mount);
  assert.match(watching.reason, /is on fuse/);
  await waitForReply(port, 'before');
  writeFileSync(path.join(source, 'reply.go'), replyFile('edited on the host'));
  await waitForReply(port, 'edited on the host').catch((error: Error) => {
    throw new Error(`${error.message}\nevents: ${JSON.stringify(gowatch.events)}\n${gowatch.stderr}`);
  });
  assert.equal((await gowatch.stop()).code, 130);
});

/**
 * A real ENOSPC: inside a fresh user namespace, whose own inotify watch limit is set to 3
 * (/proc/sys/user/max_inotify_watches is per namespace), so nothing outside is affected.
 */
test('when the inotify watch limit is reached, gowatch polls, names the limit, and still sees edits', async (t) => {
  const probe = spawnSync('unshare', ['-U', '-r', 'sh', '-c', 'echo 3 > /proc/sys/user/max_inotify_watches'], { encoding: 'utf8' });
  if (probe.status !== 0 && !process.env['CI']) {
    t.skip(`user namespaces are not available here (${probe.stderr.trim()}); the limit case was not tested`);
    return;
  }
  assert.equal(probe.status, 0, probe.stderr);
  const fixture = tempDir('gowatch-limit-');
  const port = await service(fixture.dir, 'limit');
  // Directories with Go files (packages a new import may need) are watched; more of them than the limit allows.
  writeTree(fixture.dir, Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((name) => [`${name}/${name}.go`, `package ${name}\n`])));
  const gowatch = new GowatchProcess([], {
    cwd: fixture.dir,
    env: { GOWATCH_CACHE_DIR: cache.dir },
    wrap: ['unshare', '-U', '-r', 'sh', '-c', 'echo 3 > /proc/sys/user/max_inotify_watches && exec "$0" "$@"'],
  });
  const watching = await gowatch.waitForEvent('watching');
  assert.equal(watching.backend, 'polling');
  assert.match(watching.reason, /inotify watch limit reached \(user\.max_inotify_watches = 3\); raise it with: sudo sysctl user\.max_inotify_watches=524288/);
  // inspect says so before anything is watched: the directories to watch outnumber the limit.
  const inspect = spawnSync('unshare', ['-U', '-r', 'sh', '-c', 'echo 3 > /proc/sys/user/max_inotify_watches && exec "$0" "$@"', process.execPath, CLI, 'inspect', '--json'], {
    cwd: fixture.dir,
    encoding: 'utf8',
    env: { ...process.env, GOWATCH_CACHE_DIR: cache.dir },
  });
  const [root] = (JSON.parse(inspect.stdout) as { roots: { backend: string; reason: string; watchedDirs: number }[] }).roots;
  assert.ok(root && root.backend === 'polling' && root.watchedDirs > 3, inspect.stdout + inspect.stderr);
  assert.match(root.reason, /inotify watch limit reached \(user\.max_inotify_watches = 3\)/);
  await waitForReply(port, 'before');
  writeFileSync(path.join(fixture.dir, 'reply.go'), replyFile('after'));
  await waitForReply(port, 'after');
  assert.equal((await gowatch.stop()).code, 130);
  fixture.cleanup();
});

/**
 * A mixed tree: a workspace module on a FUSE mount (bindfs, edits made on the backing side) is
 * polled, while the project beside it keeps native events; edits on both sides are served.
 */
test('a workspace module on a FUSE mount is polled while the rest stays native', async (t) => {
  const fixture = tempDir('gowatch-mixed-');
  const project = path.join(fixture.dir, 'project');
  const source = path.join(fixture.dir, 'lib-host');
  const mount = path.join(fixture.dir, 'lib');
  if (!bindfsMount(t, source, mount, fixture.cleanup)) return;
  const port = await freePort();
  writeTree(source, { 'go.mod': 'module example.com/lib\n\ngo 1.22\n', 'lib.go': 'package lib\n\nfunc Reply() string { return "lib-before" }\n' });
  writeTree(project, {
    'go.work': 'go 1.22\n\nuse (\n\t./app\n\t../lib\n)\n',
    'app/go.mod': 'module example.com/app\n\ngo 1.22\n',
    'app/main.go': httpMainGo('fmt.Fprint(w, lib.Reply()+"|"+suffix)', ['example.com/lib']),
    'app/suffix.go': 'package main\n\nconst suffix = "app-before"\n',
    'buddy.watch.json': JSON.stringify({ 'go.build.package': './app', 'go.run.args': ['-addr', `127.0.0.1:${port}`], 'go.watch.pollInterval': 100 }),
  });
  const gowatch = new GowatchProcess([], { cwd: project, env: { GOWATCH_CACHE_DIR: cache.dir, GOWATCH_POLL: '', CHOKIDAR_USEPOLLING: '' } });
  await waitForReply(port, 'lib-before|app-before');
  const backends = Object.fromEntries(gowatch.events.filter((e) => e.event === 'watching').map((e) => [e.event === 'watching' && e.root, e.event === 'watching' && e.backend]));
  assert.deepEqual(backends, { [project]: 'native', [mount]: 'polling' }, JSON.stringify(gowatch.events));
  writeFileSync(path.join(source, 'lib.go'), 'package lib\n\nfunc Reply() string { return "lib-after" }\n');
  await waitForReply(port, 'lib-after|app-before');
  writeFileSync(path.join(project, 'app/suffix.go'), 'package main\n\nconst suffix = "app-after"\n');
  await waitForReply(port, 'lib-after|app-after');
  assert.equal((await gowatch.stop()).code, 130);
});
