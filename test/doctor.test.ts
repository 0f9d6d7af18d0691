import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { runCheck } from '../src/doctor/check.js';
import { DoctorContext } from '../src/doctor/context.js';
import { CHECK_IDS, doctorReportSchema, type CheckId, type DoctorCheck, type DoctorReport } from '../src/doctor/report.js';
import { treeTotals } from '../src/doctor/tree-totals.js';
import { tempDir, writeTree } from './support/fixtures.js';
import { CLI } from './support/gowatch-process.js';
import { which } from './support/which.js';

/**
 * `gowatch doctor` as a user runs it: a real temporary Go module, the real go, and a PATH, a
 * GOROOT, a config or a go.mod broken on purpose. Exit status, JSON report and human lines.
 */
const TIMEOUT = { timeout: 120_000 };
const MODULE = 'example.com/doctor';

const cache = tempDir('gowatch-doctor-cache-');
const cleanups: (() => void)[] = [cache.cleanup];
after(() => cleanups.forEach((cleanup) => cleanup()));

/** The environment of every run: the real one, without colours, polling requests or toolchain downloads. */
const baseEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  NO_COLOR: '1',
  GOWATCH_CACHE_DIR: cache.dir,
  GOTOOLCHAIN: 'local',
  GOWATCH_POLL: '',
  CHOKIDAR_USEPOLLING: '',
});

/** A main package importing one package of its own, plus directories the watch prunes. */
const moduleFiles = (goMod = `module ${MODULE}\n\ngo 1.22\n`): Record<string, string> => ({
  'go.mod': goMod,
  'main.go': `package main\n\nimport "${MODULE}/internal/greet"\n\nfunc main() { println(greet.Hello()) }\n`,
  'internal/greet/greet.go': 'package greet\n\nfunc Hello() string { return "hello" }\n',
  'node_modules/left-pad/index.js': 'module.exports = 1;\n',
  'testdata/fixture.txt': 'data\n',
});

const project = (files: Record<string, string> = moduleFiles()): string => {
  const dir = tempDir('gowatch-doctor-');
  cleanups.push(dir.cleanup);
  writeTree(dir.dir, files);
  return dir.dir;
};

type Run = { readonly code: number | null; readonly stdout: string; readonly stderr: string; readonly ms: number };

/** `gowatch doctor ARGS`, node by its absolute path (PATH may hold nothing useful). */
const doctor = (cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = baseEnv()): Promise<Run> => {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, 'doctor', ...args], { cwd, env, timeout: 90_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(new Error(`doctor did not exit by itself: ${error.message}\n${stderr}`));
      else resolve({ code: error ? (error.code as number) : 0, stdout, stderr, ms: Date.now() - started });
    });
  });
};

const doctorJson = async (cwd: string, env?: NodeJS.ProcessEnv, args: readonly string[] = []): Promise<Run & { report: DoctorReport }> => {
  const run = await doctor(cwd, ['--json', ...args], env);
  const parsed = doctorReportSchema.safeParse(JSON.parse(run.stdout));
  assert.ok(parsed.success, `the report follows its schema: ${run.stdout}`);
  return { ...run, report: parsed.data };
};

const checkOf = (report: DoctorReport, id: CheckId): DoctorCheck => {
  const check = report.checks.find((c) => c.id === id);
  assert.ok(check, `check ${id} is reported: ${JSON.stringify(report)}`);
  return check;
};

const show = (value: unknown) => JSON.stringify(value, null, 2);

/** What a stack trace looks like: "    at fn (file.js:1:2)". */
const STACK = /^\s+at .*:\d+:\d+\)?$/m;

const noStack = (run: Run) => {
  assert.doesNotMatch(run.stdout, STACK, run.stdout);
  assert.doesNotMatch(run.stderr, STACK, run.stderr);
  assert.doesNotMatch(run.stdout + run.stderr, /internal error/);
};

const goEnv = (name: string): string => execFileSync('go', ['env', name], { env: baseEnv(), encoding: 'utf8' }).trim();

/** A PATH directory holding node and sh (and what a test adds), but no go. */
const pathWithoutGo = (): string => {
  const bin = tempDir('gowatch-doctor-bin-');
  cleanups.push(bin.cleanup);
  symlinkSync(process.execPath, path.join(bin.dir, 'node'));
  symlinkSync(which('sh') ?? '/bin/sh', path.join(bin.dir, 'sh'));
  return bin.dir;
};

test('doctor on a healthy module: exit 0, every check, the go version, native events, the watch count', TIMEOUT, async () => {
  const dir = project();
  const run = await doctorJson(dir);
  assert.equal(run.code, 0, show(run.report));
  assert.equal(run.report.ok, true);
  assert.deepEqual(run.report.checks.map((check) => check.id), [...CHECK_IDS]);
  assert.deepEqual(run.report.checks.filter((check) => check.status === 'fail'), []);
  assert.equal(run.stderr, '');

  const go = checkOf(run.report, 'go');
  assert.match(go.summary, new RegExp(`^${goEnv('GOVERSION').replaceAll('.', '\\.')} at `), go.summary);
  assert.match(checkOf(run.report, 'goroot').summary, new RegExp(`^${goEnv('GOROOT')}`));
  assert.equal(checkOf(run.report, 'toolchain').status, 'ok');
  assert.match(checkOf(run.report, 'toolchain').summary, /GOTOOLCHAIN=local/);
  assert.match(checkOf(run.report, 'config').summary, /no buddy\.watch\.json/);

  const targets = checkOf(run.report, 'targets');
  assert.equal(targets.status, 'ok');
  assert.match(targets.summary, new RegExp(`${MODULE}, main package, 2 packages`), targets.summary);

  const backend = checkOf(run.report, 'watch-backend');
  assert.ok(backend.detail?.split('\n').some((line) => line.startsWith(`${dir}: native (`)), show(backend));
  assert.match(backend.summary, new RegExp(`^${dir}: native`), backend.summary);

  if (process.platform === 'linux') {
    // The root, internal and internal/greet; node_modules and testdata are pruned as gowatch run prunes them.
    const inotify = checkOf(run.report, 'inotify');
    assert.match(inotify.summary, /^3 directories to watch; /, inotify.summary);
    const limits = ['fs/inotify/max_user_watches', 'user/max_inotify_watches'].map((file) => Number(readFileSync(`/proc/sys/${file}`, 'utf8')));
    assert.ok(inotify.summary.includes(Math.min(...limits).toLocaleString('en-US')), inotify.summary);
  }
  assert.match(checkOf(run.report, 'gowatch-cache').summary, new RegExp(`^${cache.dir}: writable`));
  assert.ok(run.ms < 30_000, `doctor took ${run.ms} ms`);
});

test('without go on PATH: exit 1, the go check says to install it, what needs go says it was not checked', TIMEOUT, async () => {
  const dir = project();
  const env = { ...baseEnv(), PATH: pathWithoutGo() };
  const run = await doctorJson(dir, env);
  assert.equal(run.code, 1, show(run.report));
  assert.equal(run.report.ok, false);
  assert.deepEqual(run.report.checks.map((check) => check.id), [...CHECK_IDS]);
  const go = checkOf(run.report, 'go');
  assert.equal(go.status, 'fail');
  assert.match(go.summary, /go was not found on PATH/);
  assert.match(go.fix ?? '', /install Go/i);
  assert.match(go.fix ?? '', /PATH/);
  for (const id of ['goroot', 'toolchain', 'goflags', 'gocache', 'gomodcache', 'targets'] as const) {
    const check = checkOf(run.report, id);
    assert.ok(check.status === 'fail' || check.status === 'warn', show(check));
    assert.match(check.summary, /not checked: go was not found on PATH/, show(check));
    assert.ok(check.fix, show(check));
  }
  const inotify = checkOf(run.report, 'inotify');
  assert.equal(inotify.status, 'warn', show(inotify));
  assert.match(inotify.summary, /targets could not be listed/);
  // What needs no go still works.
  assert.equal(checkOf(run.report, 'config').status, 'ok');
  assert.equal(checkOf(run.report, 'gowatch-cache').status, 'ok');
  noStack(run);

  const human = await doctor(dir, [], env);
  assert.equal(human.code, 1);
  const lines = human.stdout.split('\n');
  const failLine = lines.findIndex((line) => /^FAIL go +go was not found on PATH$/.test(line));
  assert.ok(failLine >= 0, human.stdout);
  const fix = lines.slice(failLine + 1).find((line) => line.trimStart().startsWith('→'));
  assert.match(fix ?? '', /^\s+→ install Go .*PATH/, human.stdout);
  assert.ok(lines.some((line) => /^warn goroot +not checked/.test(line)), human.stdout);
  assert.ok(lines.some((line) => /^ok +config /.test(line)), human.stdout);
  assert.doesNotMatch(human.stdout, /\u001b\[/, 'no colours without a terminal');
  assert.doesNotMatch(human.stdout, /[✓✗]/, 'words, not symbols, without a terminal');
  assert.match(lines.at(-2) ?? '', /^gowatch doctor: 2 failed, \d+ warnings$/, human.stdout);
  noStack(human);
});

test('GOROOT pointing nowhere: exit 1, the goroot check fails naming it and where it should point', TIMEOUT, async () => {
  const dir = project();
  const realRoot = goEnv('GOROOT');
  const run = await doctorJson(dir, { ...baseEnv(), GOROOT: '/nonexistent' });
  assert.equal(run.code, 1, show(run.report));
  const goroot = checkOf(run.report, 'goroot');
  assert.equal(goroot.status, 'fail', show(goroot));
  assert.match(goroot.summary, /^GOROOT=\/nonexistent \(set in the environment\) does not exist/);
  assert.match(goroot.fix ?? '', /unset GOROOT/);
  assert.ok(goroot.fix?.includes(realRoot), show(goroot));
  assert.equal(checkOf(run.report, 'go').status, 'fail');
  noStack(run);
});

test('an invalid buddy.watch.json: exit 1, the config check fails with its one line naming the file', TIMEOUT, async () => {
  const dir = project({ ...moduleFiles(), 'buddy.watch.json': '{ "go.watch.delay": "soon" }\n' });
  const run = await doctorJson(dir);
  assert.equal(run.code, 1, show(run.report));
  const config = checkOf(run.report, 'config');
  assert.equal(config.status, 'fail');
  assert.equal(config.summary, `${path.join(dir, 'buddy.watch.json')}: "go.watch.delay": expected a whole number of milliseconds (0 or more), got "soon"`);
  assert.ok(config.fix);
  assert.equal(checkOf(run.report, 'targets').status, 'fail');
  assert.match(checkOf(run.report, 'targets').summary, /config/);
  // go itself is fine.
  assert.equal(checkOf(run.report, 'go').status, 'ok');
  noStack(run);
});

test('targets: a package that is not main fails that target, by name', TIMEOUT, async () => {
  const dir = project({
    ...moduleFiles(),
    'buddy.watch.json': JSON.stringify({ targets: { app: { 'go.build.package': '.' }, lib: { 'go.build.package': './internal/greet' } } }),
  });
  const run = await doctorJson(dir);
  assert.equal(run.code, 1, show(run.report));
  const targets = checkOf(run.report, 'targets');
  assert.equal(targets.status, 'fail');
  assert.equal(targets.summary, '2 targets: 1 ready, 1 failed');
  assert.match(targets.detail ?? '', /^ok: app: example\.com\/doctor, main package/m);
  assert.ok(
    (targets.detail ?? '').split('\n').includes(`fail: lib: ${path.join(dir, 'buddy.watch.json')}: "targets" item lib: "go.build.package": example.com/doctor/internal/greet is package greet, not a main package: gowatch runs programs; did you mean .?`),
    targets.detail,
  );
  assert.match(checkOf(run.report, 'config').summary, /is valid; 2 targets app, lib/);
});

test('a toolchain line newer than the local go: a warning naming it, never a download', TIMEOUT, async () => {
  const goMod = `module ${MODULE}\n\ngo 1.22\n\ntoolchain go1.99.0\n`;
  const dir = project(moduleFiles(goMod));

  const local = await doctorJson(dir);
  assert.equal(local.code, 0, show(local.report));
  const ignored = checkOf(local.report, 'toolchain');
  assert.equal(ignored.status, 'warn', show(ignored));
  assert.match(ignored.summary, /"toolchain go1\.99\.0" asks for a newer Go than go1\.\d+.*GOTOOLCHAIN=local ignores it/);
  assert.match(ignored.fix ?? '', /go mod edit -toolchain=none/);

  // With GOTOOLCHAIN=auto, go itself would switch (GOPROXY=off makes that attempt fail at once) …
  const modCaches = [tempDir('gowatch-doctor-modcache-'), tempDir('gowatch-doctor-modcache-')];
  cleanups.push(...modCaches.map((modCache) => modCache.cleanup));
  const auto = (modCache: string) => ({ ...baseEnv(), GOTOOLCHAIN: 'auto', GOPROXY: 'off', GOMODCACHE: modCache });
  assert.throws(() => execFileSync('go', ['list', '.'], { cwd: dir, env: auto(modCaches[0]!.dir), stdio: 'pipe' }), /go1\.99\.0/);
  // … but doctor only inspects with the local go, and reports the switch: its module cache stays empty.
  const switching = await doctorJson(dir, auto(modCaches[1]!.dir));
  assert.deepEqual(readdirSync(modCaches[1]!.dir), [], 'doctor fetched nothing');
  assert.equal(switching.code, 0, show(switching.report));
  const toolchain = checkOf(switching.report, 'toolchain');
  assert.equal(toolchain.status, 'warn', show(toolchain));
  assert.match(toolchain.summary, /"toolchain go1\.99\.0" makes go switch from go1\.\d+\S* to go1\.99\.0 \(GOTOOLCHAIN=auto: downloaded on first use/);
  assert.equal(checkOf(switching.report, 'targets').status, 'ok', show(switching.report));
  assert.ok(switching.ms < 30_000, `doctor took ${switching.ms} ms`);
});

test('a go line newer than the local go under GOTOOLCHAIN=local: the toolchain and targets checks fail, quickly', TIMEOUT, async () => {
  const dir = project(moduleFiles(`module ${MODULE}\n\ngo 1.99\n`));
  const run = await doctorJson(dir);
  assert.equal(run.code, 1, show(run.report));
  const toolchain = checkOf(run.report, 'toolchain');
  assert.equal(toolchain.status, 'fail', show(toolchain));
  assert.match(toolchain.summary, /"go 1\.99" needs Go 1\.99 or newer, but GOTOOLCHAIN=local/);
  const targets = checkOf(run.report, 'targets');
  assert.equal(targets.status, 'fail');
  assert.match(targets.summary, /requires go >= 1\.99/);
  assert.ok(run.ms < 30_000, `doctor took ${run.ms} ms`);
});

test('a go that hangs: doctor still ends, within its time bound, and says so', TIMEOUT, async () => {
  const dir = project();
  const bin = pathWithoutGo();
  const fakeGo = path.join(bin, 'go');
  writeFileSync(fakeGo, `#!/bin/sh\nexec ${which('sleep') ?? '/bin/sleep'} 1000\n`);
  chmodSync(fakeGo, 0o755);
  const run = await doctorJson(dir, { ...baseEnv(), PATH: bin });
  assert.equal(run.code, 1, show(run.report));
  const go = checkOf(run.report, 'go');
  assert.equal(go.status, 'fail');
  assert.match(go.summary, new RegExp(`^go at ${fakeGo} does not answer: go env -json did not answer within 10 s`));
  assert.ok(run.ms < 25_000, `doctor took ${run.ms} ms`);
  noStack(run);
});

test('a check that throws or overruns becomes that check failing, on one line', async () => {
  const context = new DoctorContext({}, baseEnv());
  const thrown = await runCheck({ id: 'container', timeoutMs: 1000, run: async () => { throw new TypeError('boom\n    at somewhere (x.js:1:2)'); } }, context);
  assert.equal(thrown.status, 'fail');
  assert.equal(thrown.id, 'container');
  assert.match(thrown.summary, /^the container check failed unexpectedly: boom/);
  assert.doesNotMatch(thrown.summary, /\n/);
  const hung = await runCheck({ id: 'inotify', timeoutMs: 50, run: () => new Promise(() => undefined) }, context);
  assert.equal(hung.status, 'fail');
  assert.equal(hung.summary, 'the inotify check did not finish within 0.1 s');
  assert.ok(hung.fix);
});

test('--cwd and --config are honoured', TIMEOUT, async () => {
  const dir = project({ ...moduleFiles(), 'conf/dev.json': JSON.stringify({ 'go.build.package': '..' }) });
  mkdirSync(path.join(dir, 'elsewhere'));
  const run = await doctorJson(path.join(dir, 'elsewhere'), baseEnv(), ['--cwd', dir, '--config', 'conf/dev.json']);
  assert.equal(run.code, 0, show(run.report));
  assert.match(checkOf(run.report, 'config').summary, new RegExp(`^${path.join(dir, 'conf', 'dev.json')} is valid`));
  assert.match(checkOf(run.report, 'targets').summary, new RegExp(`${MODULE}, main package`));
});

test('sizing a cache: every file counted and its bytes added up exactly; with a deadline, it stops there', async () => {
  const dir = tempDir('gowatch-doctor-walk-');
  cleanups.push(dir.cleanup);
  let expected = 0;
  for (let d = 0; d < 50; d++) {
    mkdirSync(path.join(dir.dir, `d${d}`));
    for (let f = 0; f < 400; f++) {
      const bytes = (d * 400 + f) % 97;
      writeFileSync(path.join(dir.dir, `d${d}`, `f${f}`), 'x'.repeat(bytes));
      expected += bytes;
    }
  }
  const whole = await treeTotals(dir.dir, { deadline: Date.now() + 60_000, sizes: true });
  assert.deepEqual(whole, { files: 20_000, dirs: 51, bytes: expected, cut: false });
  const started = performance.now();
  const cut = await treeTotals(dir.dir, { deadline: Date.now() + 1, sizes: true });
  assert.ok(performance.now() - started < 2000, `a walk past its deadline took ${Math.round(performance.now() - started)} ms`);
  assert.equal(cut.cut, true);
  assert.ok(cut.bytes < expected, `${cut.bytes} of ${expected} bytes`);
});
