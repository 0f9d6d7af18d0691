import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'dotenv';
import type { GowatchEvent } from '../src/events.js';
import { envLines } from '../src/supervise/env-file-lines.js';
import { tempDir, writeTree } from './support/fixtures.js';
import { CLI, GowatchProcess, stopAllGowatch } from './support/gowatch-process.js';

const run = promisify(execFile);
const cache = tempDir('gowatch-cache-');
const projects: (() => void)[] = [];
after(async () => {
  await stopAllGowatch();
  projects.forEach((cleanup) => cleanup());
  cache.cleanup();
});

/** A program that prints, once per start, its pid and every variable of its environment named T_…, as JSON. */
const ENV_PRINTER = `package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	seen := map[string]string{}
	for _, kv := range os.Environ() {
		if name, value, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "T_") {
			seen[name] = value
		}
	}
	text, _ := json.Marshal(seen)
	fmt.Printf("program pid=%d %s\\n", os.Getpid(), text)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}
`;

/**
 * A Go module in a git repository whose .gitignore leaves out .env files, as most do, running
 * the printer under a real `gowatch run --json`.
 */
const startProject = (name: string, config: Record<string, unknown>, files: Record<string, string>, env: NodeJS.ProcessEnv = {}) => {
  const fixture = tempDir(`gowatch-env-${name}-`);
  projects.push(fixture.cleanup);
  writeTree(fixture.dir, {
    'go.mod': `module example.com/${name}\n\ngo 1.22\n`,
    'main.go': ENV_PRINTER,
    '.git/info/exclude': '',
    '.gitignore': '.env\n*.env\n',
    'buddy.watch.json': JSON.stringify(config),
    ...files,
  });
  const gowatch = new GowatchProcess([], { cwd: fixture.dir, env: { GOWATCH_CACHE_DIR: cache.dir, ...env } });
  /**
   * Saves as most editors do: written beside the project, then renamed into place, so the
   * program never starts from a file caught half written (truncated, not yet filled).
   */
  const save = (file: string, content: string) => {
    const aside = `${fixture.dir}.save`;
    writeFileSync(aside, content);
    renameSync(aside, path.join(fixture.dir, file));
  };
  return { dir: fixture.dir, gowatch, save };
};

/** The T_… variables the program of `pid` printed at its start. */
const seenBy = async (gowatch: GowatchProcess, pid: number, timeoutMs = 30_000): Promise<Record<string, string>> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = new RegExp(`^program pid=${pid} (.*)$`, 'm').exec(gowatch.stderr);
    if (line) return JSON.parse(line[1]!) as Record<string, string>;
    if (Date.now() > deadline) throw new Error(`program ${pid} printed nothing; stderr:\n${gowatch.stderr}`);
    await sleep(25);
  }
};

const startedAfter = (gowatch: GowatchProcess, mark: number) => gowatch.waitForEvent('start', mark);
const warnings = (events: readonly GowatchEvent[]): string[] => events.flatMap((e) => (e.event === 'warning' ? [e.message] : []));

/** Events never carry what a .env file holds: values are secrets. */
const assertNoValues = (gowatch: GowatchProcess, values: readonly string[]) => {
  const text = JSON.stringify(gowatch.events);
  for (const value of values) assert.ok(!text.includes(value), `an event holds ${value}`);
  assert.deepEqual(gowatch.invalidLines, []);
};

const finish = async (gowatch: GowatchProcess) => {
  assert.equal((await gowatch.stop('SIGINT')).code, 130, gowatch.stderr);
};

test('.env files reach the program in order (a later file wins), under the environment gowatch was started with and go.run.env; an edit under those is said', async () => {
  const project = startProject(
    'layers',
    { 'go.run.envFile': ['.env', 'config/local.env'], 'go.run.env': { T_CONFIG: 'from-config-key' } },
    {
      '.env': '# the team\'s defaults\nT_A=secret-a\nT_B=secret-b\nexport T_QUOTED="two words"\nT_CONFIG=secret-c\nT_SHELL=secret-d\nT_MULTI="line one\nline two"\n',
      'config/local.env': 'T_B=secret-local\n',
    },
    { T_SHELL: 'from-shell' },
  );
  const { gowatch } = project;
  const start = await gowatch.waitForEvent('start');
  assert.deepEqual(await seenBy(gowatch, start.pid), {
    T_A: 'secret-a',
    T_B: 'secret-local',
    T_QUOTED: 'two words',
    T_CONFIG: 'from-config-key',
    T_SHELL: 'from-shell',
    T_MULTI: 'line one\nline two',
  });
  assert.deepEqual(warnings(gowatch.events), []);

  // An edit under a variable that wins reaches nothing: said, by name.
  const mark = gowatch.mark();
  project.save('.env', 'T_A=secret-a\nT_B=secret-b\nexport T_QUOTED="two words"\nT_CONFIG=secret-c2\nT_SHELL=secret-d2\nT_MULTI="line one\nline two"\n');
  const again = await gowatch.waitForEvent('start', mark);
  assert.equal((await seenBy(gowatch, again.pid))['T_SHELL'], 'from-shell');
  assert.deepEqual(warnings(gowatch.after(mark)), [
    'T_CONFIG changed in go.run.envFile, but go.run.env sets it, which wins',
    'T_SHELL changed in go.run.envFile, but the environment gowatch was started with sets it, which wins',
  ]);
  assertNoValues(gowatch, ['secret-']);
  await finish(gowatch);
});

test('an edit to a .env file restarts the program with the new values, without a build', async () => {
  const project = startProject('edit', { 'go.run.envFile': ['.env', 'config/local.env'] }, { '.env': 'T_A=one\n', 'config/local.env': 'T_B=one\n' });
  const { gowatch } = project;
  await gowatch.waitForEvent('start');
  for (const [file, name] of [['.env', 'T_A'], ['config/local.env', 'T_B']] as const) {
    const mark = gowatch.mark();
    project.save(file, `${name}=two-${name}\n`);
    const start = await startedAfter(gowatch, mark);
    const seen = await seenBy(gowatch, start.pid);
    assert.equal(seen[name], `two-${name}`, JSON.stringify(seen));
    const events = gowatch.after(mark);
    const change = events.findIndex((e) => e.event === 'change' && e.files.includes(file));
    assert.ok(change >= 0, JSON.stringify(events));
    assert.deepEqual(events.filter((e) => e.event === 'build-start'), [], 'no build');
  }
  assertNoValues(gowatch, ['two-T_']);
  await finish(gowatch);
});

test('a missing .env file is one warning and the program runs; made later, the restart it causes reads it; removed, it is said again', async () => {
  const project = startProject('missing', { 'go.run.envFile': 'local.env' }, {});
  const { gowatch, dir } = project;
  const first = await gowatch.waitForEvent('start');
  assert.deepEqual(await seenBy(gowatch, first.pid), {});
  const said = /^local\.env \(go\.run\.envFile\) does not exist; the program starts without its variables$/;
  assert.equal(warnings(gowatch.events).filter((message) => said.test(message)).length, 1, JSON.stringify(gowatch.events));

  // Another restart (a rebuild) reads the files again before it starts: still one warning.
  let mark = gowatch.mark();
  // Saved whole: a build that read a half-written main.go would not be trusted, and the next
  // restart would rebuild (rightly), which the check below must not mistake for the env file's doing.
  project.save('main.go', `${ENV_PRINTER}\n// edited\n`);
  await startedAfter(gowatch, mark);
  assert.equal(warnings(gowatch.events).filter((message) => said.test(message)).length, 1);

  mark = gowatch.mark();
  project.save('local.env', 'T_A=here\n');
  const made = await startedAfter(gowatch, mark);
  assert.deepEqual(await seenBy(gowatch, made.pid), { T_A: 'here' });
  assert.equal(gowatch.after(mark).some((e) => e.event === 'build-start'), false, JSON.stringify(gowatch.after(mark)));

  mark = gowatch.mark();
  rmSync(path.join(dir, 'local.env'));
  const gone = await startedAfter(gowatch, mark);
  assert.deepEqual(await seenBy(gowatch, gone.pid), {});
  assert.deepEqual(warnings(gowatch.after(mark)).filter((message) => said.test(message)).length, 1);
  await finish(gowatch);
});

test('a line dotenv would misread is one warning naming the file and the line; the program keeps the values last read', async () => {
  const project = startProject('broken', { 'go.run.envFile': '.env' }, { '.env': 'T_A=one\n' });
  const { gowatch } = project;
  await gowatch.waitForEvent('start');
  const mark = gowatch.mark();
  project.save('.env', 'T_A=secret-two\nT_B="secret-open\nT_C=secret-three\n');
  const start = await startedAfter(gowatch, mark);
  assert.deepEqual(await seenBy(gowatch, start.pid), { T_A: 'one' });
  assert.deepEqual(warnings(gowatch.after(mark)), [
    '.env (go.run.envFile) line 2: the double quote that opens the value of T_B is never closed; the program starts with its variables as last read',
  ]);
  assertNoValues(gowatch, ['secret-']);
  await finish(gowatch);
});

test('envLines finds the line dotenv would skip or misread, and agrees with dotenv on the names of a file it reads whole', () => {
  const whole = [
    'A=1\nB = 2\nexport C=3\nD: 4\n# comment\n\n  E=5 # trailing\n',
    'A="multi\nline # not a comment\n"\nB=after\n',
    "A='single'\nB=`back`\nC=\"esc \\\" quote\"\nD=\n",
    'A=x\r\nB=y\r\n',
    'A.B-C_d=1\nA="x" # closed then a comment\n',
  ];
  for (const text of whole) {
    const { names, problem } = envLines(text);
    assert.equal(problem, undefined, text);
    assert.deepEqual([...names.keys()].sort(), Object.keys(parse(text)).sort(), text);
  }
  const broken: [string, number, RegExp][] = [
    ['A=1\nnot an assignment\n', 2, /expected NAME=value$/],
    ['A=1\nmy key=2\n', 2, /a name is letters, digits/],
    ['A="open\nB=2\n', 1, /double quote that opens the value of A is never closed/],
    ["A='x' y\n", 1, /text follows the single quote that closes the value of A/],
    ['A="x\nB="y"\n', 2, /text follows the double quote that closes the value of A \(opened on line 1\)/],
    ['__proto__=1\n', 1, /cannot be passed on/],
  ];
  for (const [text, line, why] of broken) {
    const { problem } = envLines(text);
    assert.equal(problem?.line, line, text);
    assert.match(problem!.why, why);
  }
});

test('go.run.envFile is checked like every key: a refusal in one line, a did-you-mean; inspect and doctor list the files, doctor warns of one that cannot be used', async () => {
  const fixture = tempDir('gowatch-env-config-');
  projects.push(fixture.cleanup);
  writeTree(fixture.dir, { 'go.mod': 'module example.com/x\n\ngo 1.22\n', 'main.go': 'package main\n\nfunc main() {}\n' });
  const refusal = async (config: string) => {
    writeFileSync(path.join(fixture.dir, 'buddy.watch.json'), config);
    const failed = await run(process.execPath, [CLI, 'run'], { cwd: fixture.dir, env: { ...process.env, NO_COLOR: '1' } }).then(
      () => assert.fail('accepted'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(failed.code, 2, failed.stderr);
    assert.equal(failed.stderr.trim().split('\n').length, 1, failed.stderr);
    return failed.stderr;
  };
  assert.match(await refusal('{"go.run.envFiles": ".env"}'), /unknown key "go\.run\.envFiles" \(did you mean "go\.run\.envFile"\?\)/);
  assert.match(await refusal('{"go.run.envFile": 3}'), /"go\.run\.envFile": expected the path of a \.env file, or an array of at most 100 of them \(not empty, no NUL\).*, got 3$/m);
  assert.match(await refusal('{"go.run.envFile": [".env", ""]}'), /"go\.run\.envFile"/);

  writeFileSync(path.join(fixture.dir, 'buddy.watch.json'), '{"go.run.envFile": [".env", "secrets/dev.env"]}');
  writeTree(fixture.dir, { '.env': 'A=1\n' });
  const inspect = await run(process.execPath, [CLI, 'inspect', '--json'], { cwd: fixture.dir });
  const topology = JSON.parse(inspect.stdout) as { envFiles: { file: string; exists: boolean }[] };
  assert.deepEqual(topology.envFiles, [
    { file: path.join(fixture.dir, '.env'), exists: true },
    { file: path.join(fixture.dir, 'secrets', 'dev.env'), exists: false },
  ]);
  const why = await run(process.execPath, [CLI, 'inspect', '--why', 'secrets/dev.env'], { cwd: fixture.dir, env: { ...process.env, NO_COLOR: '1' } });
  assert.match(why.stdout, /secrets\/dev\.env: a change restarts the program \(no build\)\n {2}why: a file of go\.run\.envFile/);

  writeTree(fixture.dir, { '.env': 'A=1\nB\n' });
  const doctor = await run(process.execPath, [CLI, 'doctor', '--json'], { cwd: fixture.dir });
  const config = (JSON.parse(doctor.stdout) as { checks: { id: string; status: string; summary: string; detail?: string }[] }).checks.find((check) => check.id === 'config')!;
  assert.equal(config.status, 'warn');
  assert.match(config.summary, /go\.run\.envFile: \.env line 2: expected NAME=value; secrets\/dev\.env does not exist$/);
  assert.match(config.detail ?? '', /^env files \(go\.run\.envFile\): \.env, secrets\/dev\.env$/m);
});
