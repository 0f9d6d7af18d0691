import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { test, type TestContext } from 'node:test';
import type { GowatchEvent } from '../src/events.js';
import { tempDir, writeTree } from './support/fixtures.js';
import { CLI, GowatchProcess } from './support/gowatch-process.js';
import { freePort } from './support/net.js';
import { stopGowatch } from './support/shop.js';
import { multiConfig, multiFiles, TARGET_NAMES } from './support/targets-project.js';
import { which } from './support/which.js';

/**
 * Issue 16, item 6: what gowatch says after a crash, when builds start, GOWATCH_POLL, where
 * setpriv is looked for, and one file count for doctor and inspect. All through the real CLI.
 */
const TIMEOUT = { timeout: 180_000 };
const run = promisify(execFile);

/** A module whose main package is `main` (a Go body), in a fresh directory removed after `t`. */
const project = (t: TestContext, files: Record<string, string>): string => {
  const fixture = tempDir('gowatch-words2-');
  t.after(() => fixture.cleanup());
  writeTree(fixture.dir, { 'go.mod': 'module example.com/words\n\ngo 1.22\n', ...files });
  return fixture.dir;
};

const sleeper = 'package main\n\nimport "time"\n\nfunc main() { time.Sleep(time.Hour) }\n';

/** Polls `read` until it satisfies `done`; the last value read either way. */
const until = async (read: () => string, done: (text: string) => boolean, timeoutMs = 90_000): Promise<string> => {
  const deadline = Date.now() + timeoutMs;
  let text = read();
  while (!done(text) && Date.now() < deadline) {
    await sleep(100);
    text = read();
  }
  return text;
};

test('a program that crashes under the default go.run.restart is said to wait for the next change', TIMEOUT, async (t) => {
  const dir = project(t, { 'main.go': 'package main\n\nimport "os"\n\nfunc main() { os.Exit(3) }\n' });
  // The human lines, as a user reads them on the terminal (stderr).
  const gowatch = new GowatchProcess([], { cwd: dir, command: [process.execPath, CLI, 'run'] });
  t.after(() => stopGowatch(gowatch));
  const said = await until(
    () => gowatch.stderr,
    (text) => /program exited.*\n/.test(text),
  );
  const line = /^.*program exited.*$/m.exec(said)?.[0];
  assert.equal(line, '[gowatch] program exited with code 3; waiting for the next change', said);
});

test('under go.run.restart "on-failure" the exit says a restart follows, and the restart line says when', TIMEOUT, async (t) => {
  const dir = project(t, {
    'main.go': 'package main\n\nimport "os"\n\nfunc main() { os.Exit(3) }\n',
    'buddy.watch.json': JSON.stringify({ 'go.run.restart': 'on-failure', 'go.run.maxRestarts': 1 }),
  });
  const gowatch = new GowatchProcess([], { cwd: dir });
  t.after(() => stopGowatch(gowatch));
  await gowatch.waitForEvent('restart-limit');
  const exits = gowatch.events.filter((e): e is Extract<GowatchEvent, { event: 'exit' }> => e.event === 'exit');
  assert.deepEqual(
    exits.map((e) => e.restarts),
    [true, true],
    'the first exit restarts; the second meets the limit, which the restart-limit event says',
  );
});

test('with more targets than build slots, build-start is said when a build gets its slot', TIMEOUT, async (t) => {
  const taskset = which('taskset');
  if (!taskset) {
    t.skip('taskset (util-linux) is missing: one core cannot be imposed');
    return;
  }
  // One core for gowatch: one build slot for three targets (os.availableParallelism follows
  // the affinity mask), so two of the first builds wait.
  const fixture = tempDir('gowatch-words2-multi-');
  t.after(() => fixture.cleanup());
  const ports = { api: await freePort(), worker: await freePort(), scheduler: await freePort() };
  writeTree(fixture.dir, { ...multiFiles(), 'buddy.watch.json': JSON.stringify(multiConfig(ports, TARGET_NAMES)) });
  const gowatch = new GowatchProcess([], { cwd: fixture.dir, wrap: [taskset, '-c', '0'] });
  t.after(() => stopGowatch(gowatch));
  for (const name of TARGET_NAMES) await gowatch.waitFor((e) => e.event === 'build-ok' && e.target === name);
  const builds = gowatch.events.filter((e) => e.event.startsWith('build-'));
  let open = 0;
  let most = 0;
  for (const event of builds) {
    open += event.event === 'build-start' ? 1 : -1;
    most = Math.max(most, open);
  }
  const said = builds.map((e) => JSON.stringify(e)).join('\n');
  assert.equal(most, 1, `builds said running at once:\n${said}`);
  assert.equal(open, 0, `every build-start has its end:\n${said}`);
  // The events name each target by its name under "targets", as docs/events.md says.
  assert.deepEqual(new Set(builds.map((e) => 'target' in e && e.target)), new Set(TARGET_NAMES));
  const docs = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8');
  assert.match(docs, /\| `target` \| string \| the target the event is about: its name under `targets`, else the package as given/);
});

test('GOWATCH_POLL with a value that is neither yes nor no is refused in one line naming it and what is accepted', TIMEOUT, async (t) => {
  const dir = project(t, { 'main.go': sleeper });
  // Bounded: a gowatch that took the value would run until stopped.
  const env = { ...process.env, GOWATCH_POLL: 'banana' };
  const refused = await run(process.execPath, [CLI, 'run'], { cwd: dir, env, timeout: 60_000, killSignal: 'SIGINT' }).then(
    () => assert.fail('gowatch ran with GOWATCH_POLL=banana'),
    (error: { code: number; stderr: string }) => error,
  );
  assert.equal(refused.code, 2);
  assert.equal(
    refused.stderr,
    'gowatch: GOWATCH_POLL=banana: expected 1, true, yes or on (poll) or 0, false, no or off (native events); unset it to let gowatch choose\n',
  );
});

test("each target's program gets the setpriv of its own PATH (go.run.env), not the first target's", TIMEOUT, async (t) => {
  if (process.platform !== 'linux') {
    t.skip('setpriv gives a parent-death signal on Linux only');
    return;
  }
  // The program writes down which setpriv started it, then stays.
  const program = 'package main\n\nimport (\n\t"os"\n\t"time"\n)\n\nfunc main() {\n\tos.WriteFile(os.Args[1], []byte(os.Getenv("SETPRIV_USED")+"\\n"), 0o644)\n\ttime.Sleep(time.Hour)\n}\n';
  const dir = project(t, { 'cmd/a/main.go': program, 'cmd/b/main.go': program });
  // A stand-in setpriv per target (the real ones on a machine are all alike): it says which it
  // is, then execs the program as util-linux setpriv does.
  const target = (name: string) => {
    const bin = path.join(dir, `bin-${name}`);
    mkdirSync(bin);
    const fake = path.join(bin, 'setpriv');
    writeFileSync(fake, `#!/bin/sh\nif [ "$1" = --help ]; then echo ' --pdeathsig <signal>'; exit 0; fi\nshift 3\nSETPRIV_USED=${name} exec "$@"\n`);
    chmodSync(fake, 0o755);
    return {
      'go.build.package': `./cmd/${name}`,
      'go.run.args': [path.join(dir, `ran-${name}`)],
      'go.run.env': { PATH: `${bin}${path.delimiter}${process.env['PATH'] ?? ''}` },
    };
  };
  writeFileSync(path.join(dir, 'buddy.watch.json'), JSON.stringify({ targets: { a: target('a'), b: target('b') } }));
  const gowatch = new GowatchProcess([], { cwd: dir });
  t.after(() => stopGowatch(gowatch));
  const ran = (name: string) => () => (existsSync(path.join(dir, `ran-${name}`)) ? readFileSync(path.join(dir, `ran-${name}`), 'utf8') : '');
  const used = [await until(ran('a'), (text) => text.endsWith('\n')), await until(ran('b'), (text) => text.endsWith('\n'))];
  assert.deepEqual(used, ['a\n', 'b\n'], `the setpriv each program was started through; stderr:\n${gowatch.stderr}`);
});

test('doctor and inspect count the files of a target alike (module files included)', TIMEOUT, async (t) => {
  const dir = project(t, { 'main.go': sleeper, 'go.sum': '' });
  const { stdout: inspected } = await run(process.execPath, [CLI, 'inspect', '--json'], { cwd: dir });
  const files = (JSON.parse(inspected) as { files: number } | { files: number }[]);
  const count = Array.isArray(files) ? files[0]!.files : files.files;
  assert.equal(count, 3, 'main.go, go.mod, go.sum');
  const { stdout: doctored } = await run(process.execPath, [CLI, 'doctor', '--json'], { cwd: dir }).catch((error: { stdout: string }) => error);
  const report = JSON.parse(doctored) as { checks: { id: string; summary: string }[] };
  const targets = report.checks.find((check) => check.id === 'targets');
  assert.match(targets?.summary ?? '', new RegExp(`, ${count} files$`), JSON.stringify(targets));
});
