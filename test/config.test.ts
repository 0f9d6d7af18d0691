import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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

/** Runs `gowatch run` against a config file holding `text`; it must refuse before building anything. */
const refuse = async (name: string, text: string, extraArgs: string[] = []) => {
  const dir = path.join(fixture.dir, name);
  writeTree(dir, { [CONFIG_FILE_NAME]: text, 'go.mod': 'module example.com/x\n\ngo 1.22\n', 'main.go': 'package main\n\nfunc main() {}\n' });
  const result = await run(process.execPath, [CLI, 'run', ...extraArgs], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } }).then(
    () => assert.fail('gowatch accepted a broken config'),
    (error: { code: number; stderr: string; stdout: string }) => error,
  );
  assert.equal(result.code, 2, result.stderr);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(result.stderr.trim().split('\n').length, 1, `one line: ${result.stderr}`);
  return { file: path.join(dir, CONFIG_FILE_NAME), message: result.stderr };
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

test('a missing package directory is named with its key', async () => {
  const { message } = await refuse('no-package', '{"go.build.package": "./cmd/nope"}');
  assert.match(message, /"go\.build\.package": package directory .*cmd\/nope does not exist/);
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
  const files = readdirSync(templates).filter((name) => name.endsWith('.json'));
  assert.ok(files.length > 0);
  for (const name of files) {
    const loaded = loadConfig(fixture.dir, new URL(name, templates).pathname);
    assert.equal(loaded.config['go.watch.delay'], defaultConfig()['go.watch.delay'], name);
  }
});
