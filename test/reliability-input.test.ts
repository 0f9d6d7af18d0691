import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { checkValue } from '../src/config/check-value.js';
import { resolveRunOptions } from '../src/config/options.js';
import { configFields, type ConfigKey, type Field } from '../src/config/schema.js';
import { goflagsProblem } from '../src/go/goflags.js';
import { GowatchError, watch, type GowatchEvent, type WatchOptions } from '../src/index.js';
import { behavingProject } from './support/behaving-project.js';
import { tempDir, writeTree } from './support/fixtures.js';
import { CLI, stopAllGowatch } from './support/gowatch-process.js';

const run = promisify(execFile);
const fixture = tempDir('gowatch-input-');
const cache = tempDir('gowatch-input-cache-');
after(async () => {
  await stopAllGowatch();
  fixture.cleanup();
  cache.cleanup();
});

/** A hang is a failure: every refusal must come well within this. */
const PROMPTLY_MS = 20_000;

const linuxOnly = { skip: process.platform !== 'linux' && 'Linux only (/proc, unshare)' };

/**
 * Root ignores permissions, so a permission-denied directory needs a user namespace: there
 * gowatch keeps root's uid for reading its own files but loses the power to override modes.
 */
const userNamespace = process.platform === 'linux' && spawnSync('unshare', ['-U', 'true']).status === 0;

/** A Go main module under the fixture directory, with a buddy.watch.json holding `config` when given. */
const project = (name: string, config?: Record<string, unknown> | string): string => {
  const dir = path.join(fixture.dir, name);
  writeTree(dir, { 'go.mod': `module example.com/${name}\n\ngo 1.22\n`, 'main.go': 'package main\n\nfunc main() { select {} }\n' });
  if (config !== undefined) writeFileSync(path.join(dir, 'buddy.watch.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
};

type Outcome = { code: number | null; stdout: string; stderr: string; events: GowatchEvent[] };

/** Runs the real CLI to its end; a run still going after PROMPTLY_MS is killed, and that fails the test. */
const cli = async (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Outcome> => {
  const result = await run(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', GOWATCH_CACHE_DIR: cache.dir, GOFLAGS: '', GOPROXY: 'off', ...env },
    timeout: PROMPTLY_MS,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr, killed: false }),
    (error: { code: number | null; killed?: boolean; stdout: string; stderr: string }) => ({ ...error, killed: error.killed ?? false }),
  );
  assert.ok(!result.killed, `gowatch ${args.join(' ')} did not end within ${PROMPTLY_MS} ms`);
  const events = result.stdout.split('\n').filter((line) => line.startsWith('{"event"')).map((line) => JSON.parse(line) as GowatchEvent);
  return { code: result.code, stdout: result.stdout, stderr: result.stderr, events };
};

/** `gowatch run --json` refused at once: status 2, one `error` event of `kind`, one clean line on stderr. */
const refusedRun = async (cwd: string, kind: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<string> => {
  const outcome = await cli(['run', '--json', ...args], cwd, env);
  assert.equal(outcome.code, 2, outcome.stderr);
  assert.equal(outcome.events.length, 1, outcome.stdout);
  const [event] = outcome.events;
  assert.ok(event?.event === 'error' && event.kind === kind, outcome.stdout);
  assert.equal(outcome.stderr.trim().split('\n').length, 1, `one line: ${outcome.stderr}`);
  assert.equal(outcome.stderr.trim(), `gowatch: ${event.message}`);
  return event.message;
};

const problemOf = (key: ConfigKey, value: unknown): string | undefined => {
  const checked = checkValue(configFields[key], value);
  if (checked.ok) return undefined;
  return checked.item ? `${checked.item.trim()}: ${checked.problem}` : checked.problem;
};

// ---- A cache directory that cannot be created ----

test('a cache directory that cannot be created stops gowatch run at once, in the words of doctor', linuxOnly, async () => {
  // mkdir under /proc answers ENOENT with its parent there: Node's recursive mkdir spun on it.
  const dir = project('cache-proc');
  const env = { GOWATCH_CACHE_DIR: '/proc/nope' };
  const message = await refusedRun(dir, 'cache', [], env);
  assert.match(message, /^cannot use gowatch's cache directory \/proc\/nope: cannot create a file in \/proc \(ENOENT\); make it writable, or set GOWATCH_CACHE_DIR/);

  const doctor = await cli(['doctor', '--json'], dir, env);
  const report = JSON.parse(doctor.stdout) as { checks: { id: string; status: string; summary: string; fix?: string }[] };
  const check = report.checks.find((c) => c.id === 'gowatch-cache')!;
  assert.equal(check.status, 'fail');
  assert.ok(message.includes(`${check.summary}; ${check.fix}`), `run says what doctor says: ${message} / ${check.summary}`);

  // Only reading it, the cache commands find nothing there and say so.
  const info = await cli(['cache', 'info'], dir, env);
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, /cache directory \/proc\/nope\n {2}empty/);
  const clean = await cli(['cache', 'clean'], dir, env);
  assert.equal(clean.code, 0, clean.stderr);
  assert.match(clean.stdout, /nothing cached for this project/);
});

test('a cache directory that cannot be created rejects the library\'s ready at once', linuxOnly, async () => {
  const dir = project('cache-proc-library');
  const watcher = await watch({ cwd: dir, config: false, env: { ...process.env, GOWATCH_CACHE_DIR: '/proc/nope' } });
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), PROMPTLY_MS);
  });
  const settled = await Promise.race([watcher.ready.then(() => 'resolved' as const, (error: unknown) => ({ error })), hung]);
  clearTimeout(timer);
  // A hung start is not closed: close() would wait for it.
  assert.notEqual(settled, 'hung', `ready did not settle within ${PROMPTLY_MS} ms`);
  await watcher.close();
  assert.ok(typeof settled === 'object', 'ready rejects');
  assert.ok(settled.error instanceof GowatchError && settled.error.kind === 'cache', String(settled.error));
  assert.match(settled.error.message, /\/proc\/nope: cannot create a file in \/proc \(ENOENT\)/);
});

// ---- Build flags that leave no binary, or name files go cannot read ----

test('build flags that build no program are refused with the reason, wherever they are written', () => {
  assert.match(problemOf('go.build.flags', ['-n'])!, /^"-n" prints the commands without running them, so no binary is built$/);
  assert.match(problemOf('go.build.flags', ['-v', '--n=true'])!, /^"--n=true" prints the commands/);
  assert.match(problemOf('go.build.flags', ['-buildmode=c-archive'])!, /"-buildmode=c-archive" builds no executable/);
  assert.match(problemOf('go.build.flags', ['-buildmode', 'plugin'])!, /"-buildmode plugin" builds no executable/);
  assert.match(problemOf('go.build.flags', ['-h'])!, /"-h" asks go build for its usage/);
  assert.match(problemOf('go.build.flags', ['-C', '/'])!, /^"-C" is not allowed: go takes -C only as the first flag/);
  assert.match(problemOf('go.build.flags', ['-o', 'bin/app'])!, /^"-o" is not allowed: gowatch chooses the output path/);
  assert.match(problemOf('go.build.flags', ['-o=bin/x'])!, /"-o=bin\/x" is not allowed/);
  // A flag's value is not a flag, and these do build a program.
  for (const flags of [['-n=false'], ['-json'], ['-x', '-v'], ['-tags', '-n'], ['-ldflags', '-o x'], ['-buildmode=pie'], ['-buildmode', 'exe']]) {
    assert.equal(problemOf('go.build.flags', flags), undefined, flags.join(' '));
  }
});

test('go.build.flags -n is refused before anything runs, naming the flag and why', async () => {
  const dir = project('flag-n');
  const message = await refusedRun(dir, 'usage', ['--build-flag=-n']);
  assert.equal(message, '--build-flag: "-n" prints the commands without running them, so no binary is built');
  const fromFile = project('flag-n-file', { 'go.build.flags': ['-tags', 'dev', '-n'] });
  assert.match(await refusedRun(fromFile, 'config'), /buddy\.watch\.json: "go\.build\.flags": "-n" prints the commands/);
});

test('GOFLAGS=-n is refused too, naming GOFLAGS, by gowatch run and by doctor', async () => {
  const dir = project('goflags-n');
  const message = await refusedRun(dir, 'config', [], { GOFLAGS: '-mod=mod -n' });
  assert.match(message, /^GOFLAGS="-mod=mod -n": "-n" prints the commands without running them, so no binary is built/);
  // A field quoted whole is one flag, as go splits GOFLAGS: "-n" inside -ldflags is no flag of go build.
  assert.equal(goflagsProblem(`'-ldflags=-s -n' -n=false -mod=mod`), undefined);
  assert.match(goflagsProblem('-trimpath -buildmode=c-shared')!, /^GOFLAGS="-trimpath -buildmode=c-shared": "-buildmode=c-shared" builds no executable/);
  const doctor = await cli(['doctor', '--json'], dir, { GOFLAGS: '-mod=mod -n' });
  const report = JSON.parse(doctor.stdout) as { checks: { id: string; status: string; summary: string }[] };
  const check = report.checks.find((c) => c.id === 'goflags')!;
  assert.equal(check.status, 'fail');
  assert.match(check.summary, /"-n" prints the commands .* \(from the environment\)$/);
});

test('a file named by -modfile, -overlay or -pgo that go cannot read is blamed on the flags, not the package', async () => {
  const dir = project('flag-files', { 'go.build.flags': ['-modfile=go.dev.mod'] });
  assert.equal(
    await refusedRun(dir, 'config'),
    `${path.join(dir, 'buddy.watch.json')}: "go.build.flags": "-modfile=go.dev.mod": ${path.join(dir, 'go.dev.mod')} does not exist`,
  );
  const flags = (buildFlag: string[]) => {
    try {
      resolveRunOptions({ buildFlag }, dir, {});
      return undefined;
    } catch (error) {
      assert.ok(error instanceof GowatchError, String(error));
      return error.message;
    }
  };
  assert.equal(flags(['-overlay=/nonexistent/overlay.json']), '--build-flag: "-overlay=/nonexistent/overlay.json": /nonexistent/overlay.json does not exist');
  assert.equal(flags(['-pgo', 'cpu.pprof']), `--build-flag: "-pgo cpu.pprof": ${path.join(dir, 'cpu.pprof')} does not exist`);
  assert.equal(flags(['-modfile=go.sum']), '--build-flag: "-modfile=go.sum": go needs a file name ending in ".mod"');
  assert.equal(flags(['-overlay=.']), `--build-flag: "-overlay=.": ${dir} is a directory, not a file`);
  writeFileSync(path.join(dir, 'go.dev.mod'), 'module example.com/flag-files\n\ngo 1.22\n');
  assert.equal(flags(['-modfile=go.dev.mod', '-pgo=off']), undefined, 'files that are there pass');

  // Relative to where go runs: a target's package directory.
  const targets = project('flag-files-targets', {
    targets: { api: { 'go.build.package': './cmd/api', 'go.build.flags': ['-pgo=api.pprof'] } },
  });
  writeTree(targets, { 'cmd/api/main.go': 'package main\n\nfunc main() {}\n' });
  assert.throws(
    () => resolveRunOptions({}, targets, {}),
    (error: Error) => error.message === `${path.join(targets, 'buddy.watch.json')}: "targets" item api: "go.build.flags": "-pgo=api.pprof": ${path.join(targets, 'cmd/api/api.pprof')} does not exist`,
  );
  writeFileSync(path.join(targets, 'cmd/api/api.pprof'), '');
  assert.doesNotThrow(() => resolveRunOptions({}, targets, {}));
});

// ---- Values every other key refuses ----

test('a NUL in a go.watch.patterns entry is refused like a NUL anywhere else', async () => {
  assert.match(problemOf('go.watch.patterns', ['**/*.go', 'a\0b'])!, /^item 1: "a\\u0000b" contains a NUL character \(\\u0000\), which no file name can contain$/);
  const dir = project('pattern-nul', '{"go.watch.patterns": ["**/*.go", "x\\u0000.go"]}');
  assert.match(await refusedRun(dir, 'config'), /"go\.watch\.patterns" item 1: "x\\u0000\.go" contains a NUL character/);
});

test('go.run.env "__proto__" is refused, not dropped; env names with "=", empty or NUL are refused by the library as by the file', async () => {
  const dir = project('env-proto', '{"go.run.env": {"PORT": "8080", "__proto__": "x"}}');
  assert.match(await refusedRun(dir, 'config'), /"go\.run\.env" item __proto__: "__proto__" cannot be passed on: JavaScript objects treat this name specially/);
  const refusal = (options: Record<string, unknown>) =>
    watch({ cwd: dir, config: false, ...options } as WatchOptions).then(
      async (watcher) => {
        await watcher.close();
        return assert.fail(`accepted ${JSON.stringify(options)}`);
      },
      (error: unknown) => {
        assert.ok(error instanceof GowatchError && error.kind === 'usage', String(error));
        return error.message;
      },
    );
  assert.match(await refusal({ 'go.run.env': JSON.parse('{"__proto__": "x"}') }), /^watch\(\) option "go\.run\.env" item __proto__: "__proto__" cannot be passed on/);
  assert.equal(await refusal({ env: { 'A=B': '1' } }), 'watch() option "env": item "A=B": "A=B" contains "=", which ends a variable name');
  assert.equal(await refusal({ env: { '': '1' } }), 'watch() option "env": item "": an empty variable name is not allowed');
  assert.match(await refusal({ env: { 'A\0B': '1' } }), /^watch\(\) option "env": item "A\\u0000B": "A\\u0000B" contains a NUL character/);
  assert.match(await refusal({ env: JSON.parse('{"__proto__": "x"}') }), /^watch\(\) option "env": item __proto__: "__proto__" cannot be passed on/);
  assert.equal(await refusal({ 'go.run.env': { 'A=B': '1' } }), 'watch() option "go.run.env" item "A=B": "A=B" contains "=", which ends a variable name');
});

test('NaN and infinities are not "too large": every numeric key says it expected a finite number', async () => {
  const numeric = (Object.keys(configFields) as ConfigKey[]).filter((key) => typeof configFields[key].default === 'number');
  assert.ok(numeric.length >= 6, numeric.join(', '));
  for (const key of numeric) {
    const unit = (configFields[key] as Field).unit!;
    assert.equal(problemOf(key, Number.NaN), `expected a finite number of ${unit}, got NaN`, key);
    assert.equal(problemOf(key, Number.POSITIVE_INFINITY), `expected a finite number of ${unit}, got a number too large`, key);
    assert.equal(problemOf(key, Number.NEGATIVE_INFINITY), `expected a finite number of ${unit}, got a number too far below zero`, key);
    assert.match(problemOf(key, -1)!, /^expected .*\(\d+ or more\), got -1$/, key);
  }
  const dir = project('delay-nan');
  await assert.rejects(watch({ cwd: dir, config: false, 'go.watch.delay': Number.NaN }), {
    message: 'watch() option "go.watch.delay": expected a finite number of milliseconds, got NaN',
  });
  const flag = await cli(['run', '--delay', 'NaN'], dir);
  assert.equal(flag.code, 2);
  assert.equal(flag.stderr, 'gowatch: --delay: expected a whole number of milliseconds (0 or more), got "NaN"\n');
});

// ---- A crash is said on the --json stream first ----

/**
 * Makes the real gowatch crash from outside, without a hook in gowatch: Node loads this module
 * first (NODE_OPTIONS=--import), and on SIGUSR2 it throws, or rejects a promise nobody handles,
 * inside gowatch's own event loop, as a bug of gowatch would.
 */
const crashModule = (): string => {
  const file = path.join(fixture.dir, 'crash-on-sigusr2.mjs');
  writeFileSync(
    file,
    `process.on('SIGUSR2', () => {
  if (process.env.CRASH_AS === 'rejection') void Promise.reject(new Error('injected rejection'));
  else throw new Error('injected crash');
});
`,
  );
  return file;
};

for (const crash of ['exception', 'rejection'] as const) {
  test(`an uncaught ${crash} during a run puts an internal error event on the --json stream, last, and stops the program`, { timeout: 180_000 }, async () => {
    const project = behavingProject(`crash-${crash}`, { cacheDir: cache.dir, env: { NODE_OPTIONS: `--import=${pathToFileURL(crashModule()).href}`, CRASH_AS: crash } });
    try {
      const gowatch = project.start();
      const started = await gowatch.waitForEvent('start');
      gowatch.child.kill('SIGUSR2');
      const { code } = await gowatch.exited;
      assert.equal(code, 1, gowatch.stderr);
      const last = gowatch.events.at(-1);
      const said = crash === 'exception' ? 'injected crash' : 'injected rejection';
      assert.ok(last?.event === 'error' && last.kind === 'internal' && last.message === said, JSON.stringify(gowatch.events.slice(-3)));
      assert.deepEqual(gowatch.invalidLines, []);
      assert.match(gowatch.stderr, new RegExp(`gowatch: internal error, please report it:\\nError: ${said}\\n\\s+at `), 'the stack, for the bug report');
      assert.deepEqual(await project.survivors(), [], `program ${started.pid} and its tree are gone`);
    } finally {
      project.cleanup();
    }
  });
}

test('a command that fails unexpectedly says so on the --json stream before the stack', { skip: !userNamespace && 'unshare -U is not available here' }, async () => {
  // An existing crash: cache info does not expect a project cache it cannot read.
  const own = tempDir('gowatch-input-cache-');
  try {
    const targets = path.join(own.dir, 'projects', '0123456789abcdef', 'targets');
    mkdirSync(path.join(targets, 'x'), { recursive: true });
    writeFileSync(path.join(own.dir, 'projects', '0123456789abcdef', 'gowatch-project.json'), '{"root": "/elsewhere"}\n');
    chmodSync(targets, 0);
    const dir = project('crash-command');
    const result = await run('unshare', ['-U', '--', process.execPath, CLI, 'cache', 'info', '--json'], {
      cwd: dir,
      env: { ...process.env, GOWATCH_CACHE_DIR: own.dir },
      timeout: PROMPTLY_MS,
    }).then(
      () => assert.fail('cache info read what it cannot read'),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    chmodSync(targets, 0o755);
    assert.equal(result.code, 1, result.stderr);
    const event = JSON.parse(result.stdout.trim()) as GowatchEvent;
    assert.ok(event.event === 'error' && event.kind === 'internal' && /EACCES/.test(event.message), result.stdout);
    assert.match(result.stderr, /^gowatch: internal error, please report it:\nError: EACCES/);
  } finally {
    own.cleanup();
  }
});

// ---- A directory that becomes unreadable after start ----

for (const poll of [false, true]) {
  test(`a watched directory that becomes unreadable after start is said once (${poll ? 'polling' : 'native events'})`, { skip: !userNamespace && 'unshare -U is not available here', timeout: 180_000 }, async () => {
    const project = behavingProject(`unreadable-${poll ? 'poll' : 'native'}`, {
      cacheDir: cache.dir,
      wrap: ['unshare', '-U', '--'],
      config: { 'go.watch.poll': poll, 'go.watch.pollInterval': 50 },
      // A package the program does not import: watched (an import may need it), outside the build.
      files: { 'internal/spare/spare.go': 'package spare\n' },
    });
    const spare = path.join(project.dir, 'internal/spare');
    try {
      const gowatch = project.start();
      await project.served('v0');
      assert.deepEqual(gowatch.events.filter((e) => e.event === 'warning'), [], 'nothing unreadable at start');
      chmodSync(spare, 0);
      const saidAt = gowatch.mark();
      const warning = await gowatch.waitFor((e) => e.event === 'warning' && e.message.includes(spare));
      assert.equal(warning.event === 'warning' && warning.message, `cannot read ${spare} (permission denied): changes below it are not seen`);
      // Sweeps and events go on meanwhile (an edit elsewhere is seen and served), and the warning is not said again.
      project.setVersion('v1');
      await project.served('v1');
      chmodSync(spare, 0o755);
      project.setVersion('v2');
      await project.served('v2');
      const warnings = gowatch.events.filter((e) => e.event === 'warning' && e.message.includes(spare));
      assert.equal(warnings.length, 1, JSON.stringify(gowatch.after(saidAt)));
      assert.deepEqual(gowatch.invalidLines, []);
      await gowatch.stop('SIGINT');
    } finally {
      chmodSync(spare, 0o755);
      project.cleanup();
    }
  });
}
