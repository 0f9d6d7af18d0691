import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { CONFIG_FILE_NAME } from '../src/config/load.js';
import { resolveRunOptions } from '../src/config/options.js';
import { STOP_SIGNALS } from '../src/config/signals.js';
import { isGowatchError } from '../src/errors.js';
import { CLI } from './support/gowatch-process.js';
import { tempDir, writeTree } from './support/fixtures.js';
import { seededRandom, testSeed } from './support/random.js';

/**
 * Generated and mutated buddy.watch.json files, each loaded: gowatch either accepts one or
 * refuses it with a short line naming the file, fast, and never with another kind of error.
 */

const run = promisify(execFile);
const fixture = tempDir('gowatch-fuzz-');
after(fixture.cleanup);

const seed = testSeed();
const random = seededRandom(seed);
const CASES = 500;
const CLI_SAMPLE = 25;
const LOAD_LIMIT_MS = 2000;
/** Characters a refusal may take besides the path of the file it names. */
const MESSAGE_LIMIT = 300;

type Rng = ReturnType<typeof seededRandom>;
type Special = 'fifo' | 'dev-zero' | 'dangling' | 'directory' | 'loop' | 'link-to-valid';
type Case = { readonly kind: string; readonly bytes?: Buffer; readonly special?: Special };

const chance = (rng: Rng, p: number) => rng.next() < p;

const STRINGS = ['', 'x', './cmd/api', './main.go', '../..', 'PORT', '8080', '**/*.go', '!vendor/**', '-tags', '-o', '-o=bin/x', 'SIGTERM', 'SIGKILL', 'SIGFOO', 'auto', '512MB', '1e400', 'on-failure', 'inherit'];
const NASTY = ['\u0000', '\u001b[31m', '\u001b]0;title\u0007', '\n', '\r\n', '\u202e', '\u009b', '\ud800', '=', '"', '\\', '😀', '[{', '..', '/abs'];
const NUMBERS = ['0', '-1', '1.5', '10', '60000', '60001', '1e12', '2147483648', '1e400', '-1e400', '9007199254740993', '1e-400', '0.0001', '3600000', '1048577'];

const randomString = (rng: Rng): string => {
  const parts: string[] = [];
  for (let i = rng.int(1, 4); i > 0; i--) parts.push(chance(rng, 0.3) ? rng.pick(NASTY) : rng.pick(STRINGS));
  if (chance(rng, 0.05)) parts.push('y'.repeat(rng.int(4000, 20_000)));
  return parts.join('');
};

/** JSON text of a random value: any type, any depth up to `depth`, numbers as written (1e400 included). */
const randomJson = (rng: Rng, depth: number): string => {
  const kind = depth <= 0 ? rng.int(0, 3) : rng.int(0, 5);
  if (kind === 0) return rng.pick(NUMBERS);
  if (kind === 1) return JSON.stringify(randomString(rng));
  if (kind === 2) return rng.pick(['true', 'false']);
  if (kind === 3) return 'null';
  const items = Array.from({ length: rng.int(0, 5) }, () => randomJson(rng, depth - 1));
  if (kind === 4) return `[${items.join(',')}]`;
  return `{${items.map((item) => `${JSON.stringify(randomString(rng))}:${item}`).join(',')}}`;
};

/** Values each key accepts, so that mutations start from configs that load. */
const VALID: Record<string, (rng: Rng) => unknown> = {
  'go.watch.patterns': (rng) => ['**/*.go', 'go.mod', '!**/*_test.go', 'config/*.{yaml,json}', '!vendor/**'].slice(0, rng.int(1, 5)),
  'go.watch.delay': (rng) => rng.int(0, 60_000),
  'go.watch.poll': (rng) => rng.pick(['auto', true, false]),
  'go.watch.pollInterval': (rng) => rng.int(10, 60_000),
  'go.build.package': (rng) => rng.pick(['.', 'example.com/fuzz']),
  'go.build.flags': (rng) => rng.pick([[], ['-tags', 'dev'], ['-trimpath']]),
  'go.run.args': (rng) => ['-addr', `:${rng.int(1, 65_535)}`].slice(0, rng.int(0, 2)),
  'go.run.env': (rng) => (chance(rng, 0.5) ? {} : { PORT: String(rng.int(1, 65_535)), MODE: 'dev' }),
  'go.run.envFile': (rng) => rng.pick(['.env', ['.env', '.env.local'], []]),
  'go.run.stopSignal': (rng) => rng.pick(STOP_SIGNALS),
  'go.run.stopTimeout': (rng) => rng.int(0, 3_600_000),
  'go.run.restart': (rng) => rng.pick(['on-change', 'on-failure', 'always']),
  'go.run.maxRestarts': (rng) => rng.int(0, 1000),
  'go.run.memoryLimit': (rng) => rng.pick([null, '512MB', '1.5GB', '800MiB']),
  'go.run.stdin': (rng) => rng.pick(['keys', 'inherit', 'ignore']),
  'go.run.profile': (rng) => rng.pick(['off', 'inject', 'http://127.0.0.1:6060/debug/pprof/', 'http://[::1]:6060/debug/pprof']),
  'go.run.profileBaseline': (rng) => rng.pick([null, 1, 10, 3600]),
  'go.run.profileKeep': (rng) => rng.int(1, 1000),
  'go.run.profileAllowRemote': (rng) => rng.pick([true, false]),
  'go.cache.binaries': (rng) => rng.int(1, 1000),
  'go.cache.maxMB': (rng) => rng.pick([1, 1024, 1.5, 1_048_576]),
};
const KEYS = Object.keys(VALID);
const SAFE_FLAGS = new Set(['', '-tags dev', '-trimpath']);

const validText = (rng: Rng): string => {
  const config = Object.fromEntries(KEYS.filter(() => chance(rng, 0.5)).map((key) => [key, VALID[key]!(rng)]));
  return JSON.stringify(config, null, rng.pick([0, 2, '\t']));
};

/** Keys and values of any type: a valid value half the time, unknown and misspelt keys too. */
const randomConfig = (rng: Rng): string => {
  const entries = KEYS.filter(() => chance(rng, 0.3)).map(
    (key) => `${JSON.stringify(key)}: ${chance(rng, 0.5) ? JSON.stringify(VALID[key]!(rng)) : randomJson(rng, rng.int(0, 4))}`,
  );
  if (chance(rng, 0.15)) entries.push(`${JSON.stringify(rng.pick(['go.watch.dealy', 'go.run.foo', 'foo', `go.watch.delay${rng.pick(NASTY)}`]))}: 1`);
  return `{${entries.join(', ')}}`;
};

const deepText = (rng: Rng): string => {
  // Past a few thousand levels, recursive code overflows the stack.
  const depth = chance(rng, 0.5) ? rng.int(1, 64) : rng.int(64, 20_000);
  const [open, close] = chance(rng, 0.5) ? ['[', ']'] : ['{"a":', '}'];
  const inString = chance(rng, 0.3) ? `"${'['.repeat(depth)}", ` : '';
  return `{"go.run.args": [${inString}${open.repeat(depth)}1${close.repeat(depth)}]}`;
};

const bigText = (rng: Rng): string => {
  const count = rng.int(1, 300_000);
  const shape = rng.int(0, 3);
  if (shape === 0) return JSON.stringify({ 'go.watch.patterns': Array.from({ length: count }, (_, i) => `src/d${i}/**/*.go`) });
  if (shape === 1) return JSON.stringify({ 'go.run.args': ['z'.repeat(count * 10)] });
  if (shape === 2) return `${' '.repeat(count * 10)}{}`;
  return JSON.stringify({ 'go.run.env': Object.fromEntries(Array.from({ length: Math.min(count, 20_000) }, (_, i) => [`V${i}`, 'v'])) });
};

const encoded = (rng: Rng): Buffer => {
  const text = validText(rng);
  const choice = rng.int(0, 4);
  if (choice === 0) return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  if (choice === 1) return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
  if (choice === 2) return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
  const bytes = Buffer.from(text);
  const at = rng.int(0, bytes.length);
  const bad = rng.pick([[0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]]);
  return Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]);
};

const withControls = (rng: Rng): Buffer => {
  const bytes = [...Buffer.from(validText(rng))];
  for (let i = rng.int(1, 5); i > 0; i--) bytes.splice(rng.int(0, bytes.length), 0, rng.pick([0x00, 0x07, 0x08, 0x0b, 0x1b, 0x7f]));
  return Buffer.from(bytes);
};

/** Truncations, byte flips, insertions and deletions of a config that loads. */
const mutated = (rng: Rng): Buffer => {
  const bytes = [...Buffer.from(validText(rng))];
  for (let i = rng.int(1, 4); i > 0; i--) {
    const at = rng.int(0, Math.max(0, bytes.length - 1));
    const op = rng.int(0, 3);
    if (op === 0) bytes.length = at;
    else if (op === 1 && bytes.length > 0) bytes[at] = bytes[at]! ^ (1 << rng.int(0, 7));
    else if (op === 2) bytes.splice(at, 0, rng.int(0, 255));
    else bytes.splice(at, 1);
  }
  return Buffer.from(bytes);
};

const generate = (rng: Rng): Case => {
  const roll = rng.next();
  if (roll < 0.35) return { kind: 'random', bytes: Buffer.from(randomConfig(rng)) };
  if (roll < 0.45) return { kind: 'valid', bytes: Buffer.from(validText(rng)) };
  if (roll < 0.5) return { kind: 'deep', bytes: Buffer.from(deepText(rng)) };
  if (roll < 0.56) return { kind: 'big', bytes: Buffer.from(bigText(rng)) };
  if (roll < 0.64) return { kind: 'encoding', bytes: encoded(rng) };
  if (roll < 0.69) return { kind: 'controls', bytes: withControls(rng) };
  if (roll < 0.95) return { kind: 'mutated', bytes: mutated(rng) };
  return { kind: 'special', special: rng.pick<Special>(['fifo', 'dev-zero', 'dangling', 'directory', 'loop', 'link-to-valid']) };
};

/** Writes the case's project: a Go main module whose buddy.watch.json is the case. */
const materialise = async (index: number, item: Case): Promise<{ dir: string; file: string }> => {
  const dir = path.join(fixture.dir, `case-${index}`);
  writeTree(dir, { 'go.mod': 'module example.com/fuzz\n\ngo 1.22\n', 'main.go': 'package main\n\nfunc main() {}\n' });
  const file = path.join(dir, CONFIG_FILE_NAME);
  if (item.bytes) writeFileSync(file, item.bytes);
  else if (item.special === 'fifo') await run('mkfifo', [file]);
  else if (item.special === 'dev-zero') symlinkSync('/dev/zero', file);
  else if (item.special === 'dangling') symlinkSync('missing.json', file);
  else if (item.special === 'directory') mkdirSync(file);
  else if (item.special === 'loop') symlinkSync(CONFIG_FILE_NAME, file);
  else {
    writeFileSync(path.join(dir, 'real.json'), '{"go.watch.delay": 1}');
    symlinkSync('real.json', file);
  }
  return { dir, file };
};

type Outcome = { readonly accepted: true; readonly safeForGo: boolean } | { readonly accepted: false; readonly message: string };

/** Loads in-process; returns the outcome, or a description of what is wrong with it. */
const load = (dir: string, file: string): Outcome | string => {
  const started = performance.now();
  let outcome: Outcome;
  try {
    const options = resolveRunOptions({}, dir);
    const [target] = options.targets;
    const safeForGo = SAFE_FLAGS.has(target!.target.buildFlags.join(' ')) && ['.', 'example.com/fuzz'].includes(target!.target.name);
    outcome = { accepted: true, safeForGo };
  } catch (error) {
    if (!isGowatchError(error)) return `threw a ${(error as Error)?.name}: ${(error as Error)?.stack ?? String(error)}`;
    const { message } = error;
    if (error.exitCode !== 2) return `exit code ${error.exitCode}: ${message}`;
    if (!message.startsWith(`${file}: `)) return `does not start with the file: ${JSON.stringify(message)}`;
    if (/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u.test(message)) return `raw control characters: ${JSON.stringify(message)}`;
    if (message.length - file.length > MESSAGE_LIMIT) return `${message.length} characters: ${message}`;
    outcome = { accepted: false, message };
  }
  const elapsed = performance.now() - started;
  return elapsed > LOAD_LIMIT_MS ? `took ${elapsed.toFixed(0)} ms` : outcome;
};

const describeCase = (index: number, item: Case) =>
  `case ${index} (${item.kind}${item.special ? ` ${item.special}` : ''}, ${item.bytes?.length ?? 0} bytes: ${JSON.stringify(item.bytes?.subarray(0, 120).toString('latin1') ?? '')}), seed ${seed} (GOWATCH_TEST_SEED=${seed} replays it)`;

const cases: { index: number; item: Case; dir: string; file: string; outcome: Outcome }[] = [];

test(`${CASES} generated configs load in-process: accepted, or refused in one short line naming the file`, { timeout: 120_000 }, async (t) => {
  t.diagnostic(`seed ${seed} (GOWATCH_TEST_SEED replays it)`);
  const failures: string[] = [];
  const rssBefore = process.memoryUsage().rss;
  for (let index = 0; index < CASES; index++) {
    const item = generate(random);
    const { dir, file } = await materialise(index, item);
    const outcome = load(dir, file);
    if (typeof outcome === 'string') failures.push(`${describeCase(index, item)}: ${outcome}`);
    else cases.push({ index, item, dir, file, outcome });
  }
  const growthMB = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  assert.deepEqual(failures, [], `seed ${seed}`);
  assert.ok(growthMB < 200, `rss grew by ${growthMB.toFixed(0)} MB over ${CASES} loads (seed ${seed})`);
  const refusals = cases.flatMap((c) => (c.outcome.accepted ? [] : [c.outcome.message.length - c.file.length]));
  t.diagnostic(`${cases.length - refusals.length} accepted, ${refusals.length} refused, the longest in ${Math.max(...refusals)} characters besides the path`);
  assert.ok(refusals.length > 0 && refusals.length < cases.length, `both accepted and refused configs were generated (seed ${seed})`);
});

/** The sample the CLI runs: one of each non-regular file, then evenly spread cases go can be trusted with. */
const cliSample = () => {
  const specials = [...new Map(cases.filter((c) => c.item.special).map((c) => [c.item.special, c])).values()];
  const rest = cases.filter((c) => !c.item.special && (!c.outcome.accepted || c.outcome.safeForGo));
  const step = Math.max(1, Math.floor(rest.length / Math.max(1, CLI_SAMPLE - specials.length)));
  return [...specials, ...rest.filter((_, i) => i % step === 0)].slice(0, CLI_SAMPLE);
};

test(`a sample of ${CLI_SAMPLE} through the CLI: the same verdict, one line, within 10 s`, { timeout: 240_000 }, async () => {
  const sample = cliSample();
  assert.ok(sample.length > 0, 'the in-process test ran first');
  const failures: string[] = [];
  const check = async ({ index, item, dir, file, outcome }: (typeof sample)[number]) => {
    const result = await run(process.execPath, [CLI, 'inspect', '--json'], {
      cwd: dir,
      timeout: 10_000,
      maxBuffer: 64 * 2 ** 20,
      env: { ...process.env, NO_COLOR: '1', GOPROXY: 'off', GOFLAGS: '', GOTOOLCHAIN: 'local' },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr, killed: false }),
      (error: { code: number | null; stdout: string; stderr: string; killed?: boolean }) => ({ ...error, killed: error.killed ?? false }),
    );
    const problem = (() => {
      if (result.killed) return 'did not exit within 10 s';
      if (!outcome.accepted) {
        return result.code === 2 && result.stderr === `gowatch: ${outcome.message}\n`
          ? undefined
          : `expected the in-process refusal, got code ${result.code}: ${result.stderr}`;
      }
      if (result.code === 0) return JSON.parse(result.stdout) ? undefined : 'no JSON on stdout';
      // Accepted configs may still name something go cannot list: one line, naming the file and the key.
      const lines = result.stderr.trimEnd().split('\n');
      return result.code === 2 && lines.length === 1 && lines[0]!.startsWith(`gowatch: ${file}: "go.build.package"`)
        ? undefined
        : `an accepted config failed with code ${result.code}: ${result.stderr}`;
    })();
    if (problem) failures.push(`${describeCase(index, item)}: ${problem}`);
  };
  // A few at a time: each runs go list when the config is accepted.
  for (let i = 0; i < sample.length; i += 4) await Promise.all(sample.slice(i, i + 4).map(check));
  assert.deepEqual(failures, [], `seed ${seed}`);
});
