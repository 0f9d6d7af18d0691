import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { CONFIG_FILE_NAME, loadConfig } from '../src/config/load.js';
import { defaultConfig } from '../src/config/schema.js';
import { CLI } from './support/gowatch-process.js';
import { tempDir, writeTree } from './support/fixtures.js';

const run = promisify(execFile);
const fixture = tempDir();
after(fixture.cleanup);

/** A hang is a failure: every refusal must come well within this. */
const REFUSAL_TIMEOUT_MS = 10_000;

/** A Go main module named `name`; its buddy.watch.json is for the caller to create. */
const project = (name: string): { dir: string; file: string } => {
  const dir = path.join(fixture.dir, name);
  writeTree(dir, { 'go.mod': 'module example.com/x\n\ngo 1.22\n', 'main.go': 'package main\n\nfunc main() {}\n' });
  return { dir, file: path.join(dir, CONFIG_FILE_NAME) };
};

/** Runs `gowatch run` in `dir`; it must refuse, with one clean line on stderr, before building anything. */
const refuseIn = async (dir: string, extraArgs: string[] = []) => {
  const started = Date.now();
  const result = await run(process.execPath, [CLI, 'run', ...extraArgs], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', GOPROXY: 'off', GOFLAGS: '' },
    timeout: REFUSAL_TIMEOUT_MS,
  }).then(
    () => assert.fail('gowatch accepted a broken config'),
    (error: { code: number | null; killed?: boolean; stderr: string; stdout: string }) => error,
  );
  assert.ok(!result.killed, `gowatch did not exit within ${REFUSAL_TIMEOUT_MS} ms`);
  assert.equal(result.code, 2, result.stderr);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(result.stderr.trim().split('\n').length, 1, `one line: ${result.stderr}`);
  assert.doesNotMatch(result.stderr.trimEnd(), /[\p{Cc}\p{Cf}\p{Cs}]/u, `no raw control characters: ${JSON.stringify(result.stderr)}`);
  assert.ok(Date.now() - started < REFUSAL_TIMEOUT_MS);
  return result.stderr;
};

/** Runs `gowatch run` against a config file holding `text`; it must refuse before building anything. */
const refuse = async (name: string, text: string | Buffer, extraArgs: string[] = []) => {
  const { dir, file } = project(name);
  writeFileSync(file, text);
  return { dir, file, message: await refuseIn(dir, extraArgs) };
};

/** A refusal naming the file and the key, with what was expected. */
const refuseKey = async (name: string, text: string, key: string, expected: RegExp) => {
  const { file, message } = await refuse(name, text);
  assert.ok(message.startsWith(`gowatch: ${file}: "${key}"`), message);
  assert.match(message, expected);
  return message;
};

test('malformed JSON names the file and the position', async () => {
  const { file, message } = await refuse('malformed', '{\n  "go.watch.delay": 10,\n  oops\n}');
  assert.ok(message.includes(file), message);
  assert.match(message, /not valid JSON at line 3, column 3/);
});

test('a wrong type names the key, what was expected and what was given', async () => {
  const { file, message } = await refuse('wrong-type', '{"go.watch.delay": "fast"}');
  assert.ok(message.includes(file));
  assert.match(message, /"go\.watch\.delay": expected a whole number of milliseconds \(0 or more\), got "fast"/);
});

test('an unknown key gets a did-you-mean', async () => {
  const { message } = await refuse('unknown-key', '{"go.watch.dealy": 10}');
  assert.match(message, /unknown key "go\.watch\.dealy" \(did you mean "go\.watch\.delay"\?\)/);
});

test('a bad glob names the key and the glob', async () => {
  const { message } = await refuse('bad-glob', '{"go.watch.patterns": ["**/*.go", "src/[a-z.go"]}');
  assert.match(message, /"go\.watch\.patterns" item 1: "src\/\[a-z\.go" is not a valid glob/);
});

test('an unknown signal gets a did-you-mean', async () => {
  const { message } = await refuse('bad-signal', '{"go.run.stopSignal": "SIGTREM"}');
  assert.match(message, /"go\.run\.stopSignal": unknown signal "SIGTREM" \(did you mean "SIGTERM"\?\)/);
});

test('nested values are checked too', async () => {
  const { message } = await refuse('bad-env', '{"go.run.env": {"PORT": 8080}}');
  assert.match(message, /"go\.run\.env" item PORT: expected an object of string values/);
});

test('-o among the build flags is refused: gowatch owns the output path', async () => {
  const { message } = await refuse('output-flag', '{"go.build.flags": ["-o", "bin/app"]}');
  assert.match(message, /"go\.build\.flags": "-o" is not allowed/);
});

test('a missing package directory is named with its key, as go words it, with the main package there is', async () => {
  const { dir, file, message } = await refuse('no-package', '{"go.build.package": "./cmd/nope"}');
  assert.equal(message, `gowatch: ${file}: "go.build.package": stat ${path.join(dir, 'cmd', 'nope')}: directory not found; did you mean .?\n`);
});

test('bad flags name the flag and the value', async () => {
  const { message } = await refuse('bad-flag', '{}', ['--delay', 'soon']);
  assert.match(message, /--delay: expected a whole number of milliseconds \(0 or more\), got "soon"/);
  const signal = await refuse('bad-flag-signal', '{}', ['--stop-signal', 'SIGTERN']);
  assert.match(signal.message, /--stop-signal: unknown signal "SIGTERN" \(did you mean "SIGTERM"\?\)/);
});

test('a valid file is read over the defaults, and the nearest file is found from a subdirectory', () => {
  const dir = path.join(fixture.dir, 'valid');
  writeTree(dir, { 'sub/dir/.keep': '' });
  writeFileSync(path.join(dir, CONFIG_FILE_NAME), JSON.stringify({ $schema: './x.json', 'go.watch.delay': 5, 'go.run.env': { A: 'b' } }));
  const loaded = loadConfig(path.join(dir, 'sub/dir'));
  assert.equal(loaded.file, path.join(dir, CONFIG_FILE_NAME));
  assert.equal(loaded.root, dir);
  assert.deepEqual(loaded.config, { ...defaultConfig(), 'go.watch.delay': 5, 'go.run.env': { A: 'b' } });
});

test('the templates gowatch ships are valid configs', async () => {
  const { readdirSync } = await import('node:fs');
  const templates = new URL('../../templates/', import.meta.url);
  const files = readdirSync(templates).map((name) => `${name}/buddy.watch.json`);
  assert.ok(files.length > 0);
  for (const name of files) {
    const loaded = loadConfig(fixture.dir, new URL(name, templates).pathname);
    assert.equal(loaded.config['go.watch.delay'], defaultConfig()['go.watch.delay'], name);
  }
});

test('deep nesting is refused before parsing, without a stack overflow', async () => {
  const { file, message } = await refuse('deep', `{"go.run.args": ${'['.repeat(5000)}${']'.repeat(5000)}}`);
  assert.ok(message.includes(file), message);
  assert.match(message, /more than 32 levels deep \(at line 1, column \d+\)/);
});

test('brackets inside strings do not count as nesting', () => {
  const { dir, file } = project('deep-in-string');
  writeFileSync(file, JSON.stringify({ 'go.run.args': ['['.repeat(100), '{'.repeat(100)] }));
  assert.deepEqual(loadConfig(dir).config['go.run.args'], ['['.repeat(100), '{'.repeat(100)]);
});

test('a FIFO is refused without opening it (opening would block)', async () => {
  const { dir, file } = project('fifo');
  await run('mkfifo', [file]);
  const message = await refuseIn(dir);
  assert.ok(message.includes(`${file}: is a FIFO (named pipe), not a regular file`), message);
});

test('a symbolic link to /dev/zero is refused, not read', async () => {
  const { dir, file } = project('dev-zero');
  symlinkSync('/dev/zero', file);
  const message = await refuseIn(dir);
  assert.ok(message.includes(`${file}: is a character device, not a regular file`), message);
});

test('a dangling symbolic link is refused, not ignored', async () => {
  const { dir, file } = project('dangling');
  symlinkSync('gone.json', file);
  const message = await refuseIn(dir);
  assert.ok(message.includes(`${file}: is a symbolic link to gone.json, which does not exist`), message);
});

test('a symbolic link to a regular file is followed', () => {
  const { dir, file } = project('link-to-file');
  writeFileSync(path.join(dir, 'real.json'), '{"go.watch.delay": 7}');
  symlinkSync('real.json', file);
  assert.equal(loadConfig(dir).config['go.watch.delay'], 7);
});

test('a directory named buddy.watch.json is refused', async () => {
  const { dir, file } = project('directory');
  mkdirSync(file);
  const message = await refuseIn(dir);
  assert.ok(message.includes(`${file}: is a directory, not a regular file`), message);
});

test('a config over 1 MiB is refused by its size', async () => {
  const { file, message } = await refuse('oversized', `{"go.run.args": [${'"x",'.repeat(600_000)}"x"]}`);
  assert.ok(message.includes(`${file}: is 2400022 bytes; a config over 1 MiB`), message);
});

test('UTF-16 and invalid UTF-8 are refused by name; a UTF-8 BOM is fine', async () => {
  const utf16 = await refuse('utf16', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"go.watch.delay": 5}', 'utf16le')]));
  assert.ok(utf16.message.includes(`${utf16.file}: is UTF-16 text; save it as UTF-8`), utf16.message);
  const latin1 = await refuse('latin1', Buffer.from('{"go.run.args": ["caf\xe9"]}', 'latin1'));
  assert.ok(latin1.message.includes(`${latin1.file}: is not valid UTF-8 (first bad byte at line 1, column 22)`), latin1.message);
  const { dir, file } = project('utf8-bom');
  writeFileSync(file, '\ufeff{"go.watch.delay": 6}');
  assert.equal(loadConfig(dir).config['go.watch.delay'], 6);
});

test('a number too large for JSON is reported as such, not as null', async () => {
  const message = await refuseKey('huge-number', '{"go.watch.delay": 1e400}', 'go.watch.delay', /got a number too large/);
  assert.doesNotMatch(message, /null/);
});

test('numbers are bounded to what timers honour', async () => {
  await refuseKey('huge-poll', '{"go.watch.pollInterval": 1e12}', 'go.watch.pollInterval', /expected at most 60000 milliseconds, got 1000000000000/);
  await refuseKey('huge-delay', '{"go.watch.delay": 2147483648}', 'go.watch.delay', /expected at most 60000 milliseconds, got 2147483648/);
  await refuseKey('huge-stop', '{"go.run.stopTimeout": 3600001}', 'go.run.stopTimeout', /expected at most 3600000 milliseconds/);
  await refuseKey('fast-poll', '{"go.watch.pollInterval": 9}', 'go.watch.pollInterval', /expected a whole number of milliseconds \(10 or more\), got 9/);
  await refuseKey('many-binaries', '{"go.cache.binaries": 1001}', 'go.cache.binaries', /expected at most 1000 binaries/);
  await refuseKey('huge-cache', '{"go.cache.maxMB": 1e7}', 'go.cache.maxMB', /expected at most 1048576 megabytes/);
  await refuseKey('huge-memory', '{"go.run.memoryLimit": "999999TB"}', 'go.run.memoryLimit', /from "1MB" to "1TiB"/);
});

test('the flags share the bounds and messages of their keys', async () => {
  const delay = await refuse('flag-delay', '{}', ['--delay', '60001']);
  assert.match(delay.message, /gowatch: --delay: expected at most 60000 milliseconds, got 60001$/m);
  const interval = await refuse('flag-interval', '{}', ['--poll-interval', '5']);
  assert.match(interval.message, /--poll-interval: expected a whole number of milliseconds \(10 or more\), got 5/);
  const timeout = await refuse('flag-timeout', '{}', ['--stop-timeout', '1e3']);
  assert.match(timeout.message, /--stop-timeout: expected a whole number of milliseconds \(0 or more\), got "1e3"/);
});

test('--poll=MS is reported as --poll', async () => {
  const { message } = await refuse('poll-abc', '{}', ['--poll=abc']);
  assert.match(message, /^gowatch: --poll: expected a whole number of milliseconds \(10 or more\), got "abc"$/m);
  assert.doesNotMatch(message, /--poll-interval/);
});

test('NUL characters, which no process can receive, are refused where they are', async () => {
  const nul = /contains a NUL character \(\\u0000\), which no process can receive/;
  await refuseKey('nul-env-key', '{"go.run.env": {"A\\u0000B": "1"}}', 'go.run.env', nul);
  await refuseKey('nul-env-value', '{"go.run.env": {"A": "1\\u00002"}}', 'go.run.env', nul);
  await refuseKey('nul-args', '{"go.run.args": ["ok", "b\\u0000"]}', 'go.run.args', /item 1: "b\\u0000" contains a NUL/);
  await refuseKey('nul-flags', '{"go.build.flags": ["-tags\\u0000x"]}', 'go.build.flags', nul);
  await refuseKey('nul-package', '{"go.build.package": "./a\\u0000"}', 'go.build.package', nul);
  await refuseKey('equals-env-key', '{"go.run.env": {"A=B": "1"}}', 'go.run.env', /"A=B" contains "=", which ends a variable name/);
});

test('SIGKILL and SIGSTOP are refused as stop signals, with why', async () => {
  await refuseKey('sigkill', '{"go.run.stopSignal": "SIGKILL"}', 'go.run.stopSignal', /SIGKILL cannot be caught, so the program could never stop gracefully/);
  await refuseKey('sigstop', '{"go.run.stopSignal": "SIGSTOP"}', 'go.run.stopSignal', /SIGSTOP cannot be caught/);
  const flag = await refuse('sigkill-flag', '{}', ['--stop-signal', 'SIGKILL']);
  assert.match(flag.message, /--stop-signal: SIGKILL cannot be caught/);
});

test('signal suggestions come only from signals that stop programs', async () => {
  const message = await refuseKey('sigfoo', '{"go.run.stopSignal": "SIGFOO"}', 'go.run.stopSignal', /unknown signal "SIGFOO"; expected one of SIGTERM, SIGINT/);
  assert.doesNotMatch(message, /did you mean/);
  await refuseKey('term', '{"go.run.stopSignal": "term"}', 'go.run.stopSignal', /unknown signal "term" \(did you mean "SIGTERM"\?\)/);
  await refuseKey('sigsegv', '{"go.run.stopSignal": "SIGSEGV"}', 'go.run.stopSignal', /SIGSEGV is not a signal programs stop on/);
});

test('escape sequences and newlines in keys and values are shown escaped, long text cut', async () => {
  const key = await refuse('ansi-key', '{"go.watch.dealy\\u001b[31m\\nred": 1}');
  assert.ok(key.message.includes(`${key.file}: unknown key "go.watch.dealy\\u001b[31m\\nred"`), key.message);
  const value = await refuseKey('ansi-value', `{"go.watch.delay": "\\u001b]0;title\\u0007${'x'.repeat(100_000)}"}`, 'go.watch.delay', /got "\\u001b\]0;title\\u0007x+…"$/m);
  assert.ok(value.length < 300, value);
  const long = await refuse('long-key', `{"${'k'.repeat(100_000)}": 1}`);
  assert.ok(long.message.length < 300, long.message);
});

test('a JSON syntax error quotes the source escaped, on one line', async () => {
  const { file, message } = await refuse('syntax-excerpt', '{"go.watch.delay": 5,\n  "x": [\u001b}');
  assert.ok(message.includes(`${file}: is not valid JSON at line 2, column 9: unexpected "\\u001b"`), message);
});

test('a package go cannot list names the file and the key, on one line', async () => {
  const { file, message } = await refuse('unlistable', '{"go.build.package": "example.com/x/nope"}');
  assert.equal(message, `gowatch: ${file}: "go.build.package": no required module provides package example.com/x/nope; to add it: go get example.com/x/nope; did you mean .?\n`);
  await refuseKey('flag-like-package', '{"go.build.package": "-toolexec=x"}', 'go.build.package', /starts with "-", so go would read it as a flag/);
});
