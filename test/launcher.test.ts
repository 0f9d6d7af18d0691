import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test, type TestContext } from 'node:test';
import { readProcEntry } from '../src/supervise/proc-table.js';
import { behavingProject, MARKER } from './support/behaving-project.js';
import { tempDir } from './support/fixtures.js';
import { CLI, GowatchProcess, stopAllGowatch } from './support/gowatch-process.js';
import { linkGowatch, parentOf } from './support/monorepo.js';
import { carryingEnv, survivors } from './support/processes.js';

/**
 * What started gowatch, and what happens when it dies: real npm, real sh (dash on Debian), real
 * setsid, real signals. The README's rule: gowatch follows every process from its parent up to
 * its session's leader; one that leads its own session follows none.
 */
const cache = tempDir('gowatch-cache-');
after(async () => {
  await stopAllGowatch();
  cache.cleanup();
});

const TIMEOUT = { timeout: 180_000 };

const commandLine = (pid: number): string => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();

/** Processes of the scenario (they carry its marker) other than `spared`, once they are all gone or after `timeoutMs`. */
const leftBehind = async (marker: string, spared: readonly number[], timeoutMs: number): Promise<number[]> => {
  const others = () => carryingEnv(MARKER, marker).filter((pid) => !spared.includes(pid));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && others().length > 0) await sleep(100);
  return others();
};

const removeOnEnd = (t: TestContext, run: GowatchProcess, marker: string, cleanup: () => void) =>
  t.after(async () => {
    await run.stop('SIGKILL');
    for (const pid of carryingEnv(MARKER, marker)) process.kill(pid, 'SIGKILL');
    cleanup();
  });

const launchers = [
  // `sh` stands for the interactive shell: it leads the session and outlives npm, as a shell does.
  { how: 'under a shell that leads the session', command: ['sh', '-c', 'npm run dev; exec sleep 600'], leaderSurvives: true },
  // As a tool (a test runner, an IDE task) that spawns npm detached, then kills it.
  { how: 'leading its own session', command: ['npm', 'run', 'dev'], leaderSurvives: false },
];

for (const { how, command, leaderSurvives } of launchers) {
  test(`npm run dev ${how}, SIGKILLed: gowatch stops its program tree the graceful way and exits`, TIMEOUT, async (t) => {
    const project = behavingProject('npm-killed', {
      cacheDir: cache.dir,
      programEnv: { SETSID_CHILD: '1' },
      files: { 'package.json': JSON.stringify({ private: true, scripts: { dev: 'gowatch run --json' } }) },
    });
    linkGowatch(project.dir);
    const run = new GowatchProcess([], {
      cwd: project.dir,
      command,
      group: true,
      env: { GOWATCH_CACHE_DIR: cache.dir, [MARKER]: project.marker, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
    });
    removeOnEnd(t, run, project.marker, project.cleanup);

    const program = await project.served('v0');
    const gowatch = parentOf(program);
    const script = parentOf(gowatch);
    const npm = parentOf(script);
    assert.match(commandLine(script), /^sh -c gowatch run --json/, 'npm runs the script through sh, which stays between npm and gowatch');
    assert.match(commandLine(npm), /^npm run dev/);
    const leader = run.child.pid!;
    assert.equal(readProcEntry(gowatch)?.sid, leader, 'gowatch is in the session the launcher leads');
    const tree = carryingEnv(MARKER, project.marker).filter((pid) => pid !== leader && pid !== npm);
    assert.equal(tree.length, 4, `sh, gowatch, the program and its setsid child: ${tree.map(commandLine).join(' | ')}`);

    process.kill(npm, 'SIGKILL');
    assert.deepEqual(await leftBehind(project.marker, leaderSurvives ? [leader] : [], 30_000), [], 'nothing npm led to is left running');
    // gowatch wrote it before exiting; the pipe may still be read after npm, its reader's parent, is gone.
    const deadline = Date.now() + 10_000;
    while (!run.events.some((e) => e.event === 'stop') && Date.now() < deadline) await sleep(50);
    const stop = run.events.find((e) => e.event === 'stop');
    assert.ok(stop?.event === 'stop' && !stop.forced, `the program was stopped with its stop signal: ${JSON.stringify(run.events)}\n${run.stderr}`);
  });
}

test('gowatch leading its own session (setsid) outlives the process that started it: it says so once and serves the next edit', TIMEOUT, async (t) => {
  const project = behavingProject('own-session', { cacheDir: cache.dir });
  // `outer` stays (its stdout is the pipe the test reads); `starter` runs setsid, which, not
  // leading a process group, makes its own session in place and execs gowatch.
  const run = new GowatchProcess([], {
    cwd: project.dir,
    command: ['sh', '-c', '"$@" & exec sleep 600', 'outer', 'sh', '-c', 'setsid "$@"; true', 'starter', process.execPath, CLI, 'run', '--json'],
    env: { GOWATCH_CACHE_DIR: cache.dir, [MARKER]: project.marker },
  });
  removeOnEnd(t, run, project.marker, project.cleanup);

  const program = await project.served('v0');
  const gowatch = parentOf(program);
  const starter = parentOf(gowatch);
  assert.equal(readProcEntry(gowatch)?.sid, gowatch, 'gowatch leads its own session');
  assert.match(commandLine(starter), /^sh -c setsid/);

  const mark = run.mark();
  process.kill(starter, 'SIGKILL');
  const warning = await run.waitFor((e) => e.event === 'warning' && e.message.includes(`(pid ${starter})`), mark, 30_000);
  assert.match(warning.event === 'warning' ? warning.message : '', /leads its own session/);
  assert.notEqual(readProcEntry(gowatch)?.ppid, starter);

  project.setVersion('v1');
  const edited = await project.served('v1');
  assert.equal(parentOf(edited), gowatch, 'the same gowatch built and started the edit');
  assert.equal(run.events.filter((e) => e.event === 'warning').length, 1, 'said once');

  process.kill(gowatch, 'SIGINT');
  assert.deepEqual(await survivors([gowatch, edited], 30_000), [], 'a signal still stops it, with its program');
  assert.deepEqual(await leftBehind(project.marker, [run.child.pid!], 30_000), []);
});
