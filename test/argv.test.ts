import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitArgv } from '../src/cli/argv.js';

test('everything after -- belongs to the program, even gowatch-looking flags', async () => {
  assert.deepEqual(await splitArgv(['run', './cmd/api', '--json', '--', '-addr', ':8080', '--json']), {
    args: ['run', './cmd/api', '--json'],
    programArgs: ['-addr', ':8080', '--json'],
  });
  assert.deepEqual(await splitArgv(['run']), { args: ['run'], programArgs: undefined });
});

test('--poll=MS becomes a polling interval, and a bare --poll leaves the PACKAGE alone', async () => {
  assert.deepEqual((await splitArgv(['run', '--poll=300', './cmd/api'])).args, ['run', '--poll-interval', '300', './cmd/api']);
  assert.deepEqual((await splitArgv(['run', '--poll', './cmd/api'])).args, ['run', '--poll', './cmd/api']);
});
