import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, test } from 'node:test';
import { runGoBounded } from '../src/go/run-go-bounded.js';
import { runGo, runGoCommand } from '../src/go/run-go.js';
import { tempDir } from './support/fixtures.js';
import { which } from './support/which.js';

/**
 * The one go runner (src/go/run-go.ts) and its two voices: the pipeline's, which throws a typed
 * error, and doctor's, which words a finding. The real go where it can answer; a go that hangs
 * cannot be had on demand, so a script named go stands for it, as in doctor's tests.
 */

const cleanups: (() => void)[] = [];
after(() => cleanups.forEach((cleanup) => cleanup()));

const scratch = (): string => {
  const made = tempDir('gowatch-run-go-');
  cleanups.push(made.cleanup);
  return made.dir;
};

/** A PATH whose `go` is a shell script. */
const fakeGo = (script: string): string => {
  const bin = scratch();
  writeFileSync(path.join(bin, 'go'), `#!${which('sh') ?? '/bin/sh'}\n${script}\n`);
  chmodSync(path.join(bin, 'go'), 0o755);
  return bin;
};

test('the real go answers, in the environment given and nothing else', async () => {
  const dir = scratch();
  const env = { PATH: process.env['PATH'], HOME: dir, GOFLAGS: '-mod=mod' };
  const run = await runGoCommand(['env', 'GOFLAGS'], { cwd: dir, env });
  assert.deepEqual(run.started && [run.exitCode, run.stdout, run.timedOut], [0, '-mod=mod\n', false]);
  const result = await runGo(['env', 'GOFLAGS'], dir, env);
  assert.equal(result.stdout, '-mod=mod\n');
});

test('a working directory that is gone is named as such, not taken for a missing go', async () => {
  const gone = path.join(scratch(), 'moved');
  assert.deepEqual(await runGoCommand(['env'], { cwd: gone }), { started: false, missing: 'directory' });
  await assert.rejects(runGo(['env'], gone), { kind: 'go-missing', message: `cannot run go in ${gone}: that directory does not exist (moved or deleted?)` });
  assert.deepEqual(await runGoBounded(['env'], gone, process.env), { ok: false, reason: 'failed', message: `cannot run go in ${gone}: that directory does not exist` });
});

test('no go on PATH: one line saying so, in either voice', async () => {
  const dir = scratch();
  const env = { PATH: scratch() };
  await assert.rejects(runGo(['env'], dir, env), { kind: 'go-missing', message: /^gowatch needs the Go toolchain, but "go" was not found on PATH\./ });
  assert.deepEqual(await runGoBounded(['env'], dir, env), { ok: false, reason: 'missing', message: 'go was not found on PATH' });
});

test('a go that fails says what it printed, cut to one line', async () => {
  const bin = fakeGo('echo "go: first line" >&2\necho "  second line" >&2\nexit 3');
  const outcome = await runGoBounded(['env', '-json'], scratch(), { PATH: bin });
  assert.deepEqual(outcome, { ok: false, reason: 'failed', message: 'go env -json failed (exit status 3): go: first line second line', stderr: 'go: first line\n  second line\n' });
});

test('a go that outlives its bound is stopped, and its output is not waited on though a child of it holds the pipe', async (t) => {
  const dir = scratch();
  const pidFile = path.join(dir, 'grandchild.pid');
  // The background sleep keeps go's stdout open after go itself is killed.
  const bin = fakeGo(`sleep 600 &\necho $! > ${pidFile}\nexec sleep 600`);
  t.after(() => process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL'));
  const started = performance.now();
  const outcome = await runGoBounded(['env', '-json'], dir, { PATH: `${bin}:${path.dirname(which('sleep') ?? '/bin/sleep')}` }, 500);
  const took = performance.now() - started;
  assert.deepEqual(outcome, { ok: false, reason: 'timeout', message: 'go env -json did not answer within 0.5 s' });
  assert.ok(took < 30_000, `waited ${Math.round(took)} ms`);
});

test('an abort stops go at once and the call throws its reason', async () => {
  const bin = fakeGo('exec sleep 600');
  const abort = new AbortController();
  const running = runGo(['list', './...'], scratch(), { PATH: `${bin}:${path.dirname(which('sleep') ?? '/bin/sleep')}` }, abort.signal);
  abort.abort(new Error('the batch moved on'));
  await assert.rejects(running, /the batch moved on/);
});
