import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { GowatchError } from '../src/errors.js';
import { ProfileStore, type ProfileMeta } from '../src/profile/store.js';
import { goroutineCount, parseTop, topEntries } from '../src/profile/top.js';
import { LEAK_TREND_DEFAULTS, LeakTrend, type LeakFinding } from '../src/profile/trend.js';
import { tempDir, writeTree } from './support/fixtures.js';
import { seededRandom, testSeed } from './support/random.js';

/**
 * What gowatch does with a profile once it has one: keeps it (ProfileStore), reads it and its
 * growth since a baseline (`go tool pprof -top`, the real one), and the leak trend over RSS
 * samples. The profiles are real: a small Go program, built once here, leaks in a function
 * this test names and writes its heap and goroutine profiles.
 */
const execFileAsync = promisify(execFile);
const TIMEOUT = { timeout: 180_000 };
const MB = 1024 * 1024;

/** The function the program leaks in, as pprof must name it. */
const LEAKER = 'hoardTestSessions';
/** Objects this large are allocated (and profiled, at MemProfileRate 1) at exactly their size. */
const OBJECT_BYTES = 64 * 1024;
const LEAKED_BEFORE_BASE = 3;
const LEAKED_AFTER_BASE = 150;
const PARKED_GOROUTINES = 37;

const LEAKY_MAIN = `package main

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
)

// Every allocation profiled, so the figures are exact.
func init() { runtime.MemProfileRate = 1 }

var sessions [][]byte

//go:noinline
func ${LEAKER}(n int) {
	for i := 0; i < n; i++ {
		sessions = append(sessions, make([]byte, ${OBJECT_BYTES}))
	}
}

func write(kind, file string) {
	f, err := os.Create(file)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.Lookup(kind).WriteTo(f, 0); err != nil {
		panic(err)
	}
}

func main() {
	dir := os.Args[1]
	sessions = make([][]byte, 0, 1<<16)
	park := make(chan struct{})
	for i := 0; i < ${PARKED_GOROUTINES}; i++ {
		go func() { <-park }()
	}
	${LEAKER}(${LEAKED_BEFORE_BASE})
	write("heap", filepath.Join(dir, "base.pb.gz"))
	${LEAKER}(${LEAKED_AFTER_BASE})
	write("heap", filepath.Join(dir, "heap.pb.gz"))
	write("goroutine", filepath.Join(dir, "goroutine.pb.gz"))
	_ = os.WriteFile(filepath.Join(dir, "goroutines"), []byte(strconv.Itoa(runtime.NumGoroutine())), 0o600)
}
`;

const work = tempDir('gowatch-profile-analysis-');
after(work.cleanup);
const profiles = path.join(work.dir, 'profiles');
const base = path.join(profiles, 'base.pb.gz');
const heap = path.join(profiles, 'heap.pb.gz');
const goroutines = path.join(profiles, 'goroutine.pb.gz');

before(async () => {
  const program = path.join(work.dir, 'leaky');
  writeTree(program, { 'go.mod': 'module example.com/leaky\n\ngo 1.22\n', 'main.go': LEAKY_MAIN });
  await execFileAsync('go', ['build', '-o', 'leaky', '.'], { cwd: program });
  mkdirSync(profiles);
  await execFileAsync(path.join(program, 'leaky'), [profiles]);
});

const rejectsWithProfileError = async (work: Promise<unknown>, pattern: RegExp): Promise<void> => {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof GowatchError, `a GowatchError: ${String(error)}`);
    assert.equal(error.kind, 'profile');
    assert.doesNotMatch(error.message, /\n/);
    assert.match(error.message, pattern);
    return true;
  });
};

// ---- reading profiles: go tool pprof -top ----

/**
 * The leaked bytes, to the byte but for the little the runtime may allocate itself while the
 * function runs (a GC it starts): far less than pprof's scaled units round off (kB, MB to two decimals).
 */
const assertBytes = (actual: number, leaked: number): void => {
  assert.ok(actual >= leaked && actual < leaked + 1024, `${actual} bytes for ${leaked} leaked`);
};

test('the heap profile names the leaking function first, with its in-use bytes exactly', TIMEOUT, async () => {
  const entries = await topEntries({ file: heap, kind: 'heap', count: 5 });
  assert.ok(entries.length >= 1 && entries.length <= 5, JSON.stringify(entries));
  const [first] = entries;
  assert.equal(first?.function, `main.${LEAKER}`, JSON.stringify(entries));
  assertBytes(first.flat, (LEAKED_BEFORE_BASE + LEAKED_AFTER_BASE) * OBJECT_BYTES);
  assert.ok(first.flatPercent > 50 && first.flatPercent <= 100, JSON.stringify(first));
  assert.ok(first.cum >= first.flat);
  assert.ok(entries.some((e) => e.function === 'main.main' && e.flat < e.cum), 'main.main is there by its callee: cum, not flat');
});

test('against the baseline, the growth is named first; the other way round it is negative', TIMEOUT, async () => {
  const grown = await topEntries({ file: heap, base, kind: 'heap', count: 3 });
  assert.equal(grown[0]?.function, `main.${LEAKER}`, JSON.stringify(grown));
  assertBytes(grown[0].flat, LEAKED_AFTER_BASE * OBJECT_BYTES);

  const shrunk = await topEntries({ file: base, base: heap, kind: 'heap', count: 3 });
  assert.equal(shrunk[0]?.function, `main.${LEAKER}`, JSON.stringify(shrunk));
  assertBytes(-shrunk[0].flat, LEAKED_AFTER_BASE * OBJECT_BYTES);
  assert.ok(shrunk[0].cum < 0 && shrunk[0].flatPercent > 0, JSON.stringify(shrunk[0]));

  const same = await topEntries({ file: heap, base: heap, kind: 'heap', count: 3 });
  assert.deepEqual(same, [], 'a profile against itself has grown nowhere');
});

test('the goroutine profile counts the goroutines the program had, and where they wait', TIMEOUT, async () => {
  const counted = Number(readFileSync(path.join(profiles, 'goroutines'), 'utf8'));
  assert.ok(counted > PARKED_GOROUTINES, `runtime.NumGoroutine() said ${counted}`);
  assert.equal(await goroutineCount(goroutines), counted);
  const entries = await topEntries({ file: goroutines, kind: 'goroutine', count: 3 });
  assert.deepEqual(entries[0], { function: 'runtime.gopark', flat: PARKED_GOROUTINES, flatPercent: entries[0]?.flatPercent, cum: PARKED_GOROUTINES });
});

test("pprof's scaled units (kB, MB) read as the exact figures, within pprof's rounding", TIMEOUT, async () => {
  for (const [file, unit] of [
    [base, 'kB'],
    [heap, 'MB'],
  ] as const) {
    const exact = await topEntries({ file, kind: 'heap', count: 5 });
    const { stdout } = await execFileAsync('go', ['tool', 'pprof', '-top', '-nodecount=5', '-sample_index=inuse_space', file], { cwd: profiles });
    assert.ok(stdout.includes(`${unit} `), `pprof scaled the values to ${unit}: ${stdout}`);
    const scaled = parseTop(stdout);
    assert.equal(scaled.entries.length, exact.length);
    const rounded = (a: number, b: number) => Math.abs(a - b) <= Math.max(0.005 * Math.abs(b), 16);
    for (const [i, entry] of scaled.entries.entries()) {
      assert.equal(entry.function, exact[i]?.function);
      assert.ok(rounded(entry.flat, exact[i]!.flat) && rounded(entry.cum, exact[i]!.cum), `${JSON.stringify(entry)} ~ ${JSON.stringify(exact[i])}`);
    }
  }
});

test('a file that is no profile, a missing base, no go on PATH and a go over time are one-line profile errors', TIMEOUT, async () => {
  const notes = path.join(work.dir, 'notes.txt');
  writeFileSync(notes, 'not a profile\n');
  await rejectsWithProfileError(topEntries({ file: notes, kind: 'heap', count: 5 }), /^go tool pprof could not read a profile: .*notes\.txt: parsing profile: unrecognized profile format$/);

  const gone = path.join(work.dir, 'gone.pb.gz');
  await rejectsWithProfileError(topEntries({ file: heap, base: gone, kind: 'heap', count: 5 }), /gone\.pb\.gz: .*no such file or directory/);

  const noGo = path.join(work.dir, 'empty-bin');
  mkdirSync(noGo, { recursive: true });
  await rejectsWithProfileError(topEntries({ file: heap, kind: 'heap', count: 5, env: { PATH: noGo } }), /heap\.pb\.gz: go tool pprof needs the Go toolchain, and "go" was not found on PATH$/);

  // No real go answers within a millisecond: the bound is what stops it.
  await rejectsWithProfileError(topEntries({ file: heap, kind: 'heap', count: 5, timeoutMs: 1 }), /^go tool pprof did not read .*heap\.pb\.gz within 0 s$/);
});

// ---- keeping profiles: ProfileStore ----

const T0 = Date.UTC(2026, 11, 7, 4, 48, 36, 123);
const meta = (trigger: ProfileMeta['trigger'], kind: ProfileMeta['kind'], second: number): ProfileMeta => ({
  trigger,
  kind,
  key: '1a2b3c4d5e6f7a8b9c0d',
  at: new Date(T0 + second * 1000),
});

/** Saves one memory trip (heap and goroutine, one capture) at `second`. */
const saveTrip = async (store: ProfileStore, second: number): Promise<string[]> => [
  await store.save(readFileSync(heap), meta('memory', 'heap', second)),
  await store.save(readFileSync(goroutines), meta('memory', 'goroutine', second)),
];

const mode = (file: string): number => statSync(file).mode & 0o777;

test('profiles are saved by time, trigger, kind and short build key, for the user only, and listed newest first', TIMEOUT, async () => {
  const dir = path.join(work.dir, 'store-names', 'target-api');
  const store = new ProfileStore(dir);
  const baseline = await store.save(readFileSync(base), meta('baseline', 'heap', 0));
  const [tripHeap, tripGoroutines] = await saveTrip(store, 95);

  assert.equal(path.basename(baseline), '2026-12-07T04-48-36.123Z-baseline-heap-1a2b3c4d.pb.gz');
  assert.equal(path.basename(tripHeap!), '2026-12-07T04-50-11.123Z-memory-heap-1a2b3c4d.pb.gz');
  assert.equal(path.dirname(tripGoroutines!), dir);
  assert.deepEqual(readFileSync(tripHeap!), readFileSync(heap));
  assert.equal(mode(dir), 0o700);
  for (const file of [baseline, tripHeap!, tripGoroutines!]) assert.equal(mode(file), 0o600, file);
  assert.deepEqual(readdirSync(dir).filter((name) => name.includes('partial')), []);

  const captures = await store.list();
  assert.deepEqual(
    captures.map((c) => ({ at: c.at.getTime(), trigger: c.trigger, key: c.key, kinds: c.files.map((f) => f.kind).sort() })),
    [
      { at: T0 + 95_000, trigger: 'memory', key: '1a2b3c4d', kinds: ['goroutine', 'heap'] },
      { at: T0, trigger: 'baseline', key: '1a2b3c4d', kinds: ['heap'] },
    ],
  );
  assert.equal(captures[1]?.files[0]?.bytes, statSync(base).size);

  // Go tool pprof reads what was kept, and the diff of the two names the leak.
  assert.equal((await topEntries({ file: tripHeap!, base: baseline, kind: 'heap', count: 1 }))[0]?.function, `main.${LEAKER}`);
});

test('a directory that was open to others is closed; a name taken is never written over', TIMEOUT, async () => {
  const dir = path.join(work.dir, 'store-open');
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const store = new ProfileStore(dir);
  const first = await store.save(readFileSync(heap), meta('request', 'heap', 0));
  assert.equal(mode(dir), 0o700);
  const second = await store.save(readFileSync(base), meta('request', 'heap', 0));
  assert.notEqual(second, first);
  assert.deepEqual(readFileSync(first), readFileSync(heap));
  assert.deepEqual(readFileSync(second), readFileSync(base));
});

test('the newest captures are kept, a memory trip counting once; files not the store’s are left alone', TIMEOUT, async () => {
  const dir = path.join(work.dir, 'store-keep');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'README.txt'), 'mine\n');
  const store = new ProfileStore(dir, { keep: 3 });
  const trips: string[][] = [];
  for (let second = 0; second < 5; second++) trips.push(await saveTrip(store, second * 60));

  const kept = await store.list();
  assert.deepEqual(
    kept.map((c) => c.files.length),
    [2, 2, 2],
    'three captures of two files each',
  );
  assert.deepEqual(
    kept.map((c) => c.at.getTime()),
    [T0 + 240_000, T0 + 180_000, T0 + 120_000],
  );
  for (const file of [...trips[0]!, ...trips[1]!]) assert.ok(!existsSync(file), `${file} pruned`);
  for (const file of trips.slice(2).flat()) assert.ok(existsSync(file), `${file} kept`);
  assert.ok(existsSync(path.join(dir, 'README.txt')));
});

test("the run's baseline is never pruned while protected, and counts towards the limit", TIMEOUT, async () => {
  const store = new ProfileStore(path.join(work.dir, 'store-protect'), { keep: 2 });
  const baseline = await store.save(readFileSync(base), meta('baseline', 'heap', 0));
  store.protect(baseline);
  const trips: string[][] = [];
  for (let second = 1; second <= 3; second++) trips.push(await saveTrip(store, second * 60));
  assert.deepEqual(
    (await store.list()).map((c) => c.trigger),
    ['memory', 'baseline'],
  );
  assert.ok(existsSync(baseline));
  assert.ok(trips.slice(0, 2).flat().every((file) => !existsSync(file)));

  store.unprotect(baseline);
  await saveTrip(store, 240);
  assert.ok(!existsSync(baseline), 'the baseline of an ended run is pruned like any capture');
  assert.deepEqual(
    (await store.list()).map((c) => c.at.getTime()),
    [T0 + 240_000, T0 + 180_000],
  );
});

test('the bytes bound prunes the oldest captures, but never the one just saved', TIMEOUT, async () => {
  const tripBytes = statSync(heap).size + statSync(goroutines).size;
  const store = new ProfileStore(path.join(work.dir, 'store-bytes'), { keep: 100, maxBytes: Math.floor(tripBytes * 2.5) });
  for (let second = 0; second < 4; second++) await saveTrip(store, second * 60);
  assert.deepEqual(
    (await store.list()).map((c) => c.at.getTime()),
    [T0 + 180_000, T0 + 120_000],
  );

  const tiny = new ProfileStore(path.join(work.dir, 'store-tiny'), { maxBytes: 1 });
  await saveTrip(tiny, 0);
  const [newest] = await saveTrip(tiny, 60);
  const left = await tiny.list();
  assert.equal(left.length, 1);
  assert.ok(left[0]?.files.some((f) => f.path === newest));
});

test('a store that cannot be created says where and why in one line', TIMEOUT, async () => {
  const file = path.join(work.dir, 'a-file');
  writeFileSync(file, '');
  const store = new ProfileStore(path.join(file, 'profiles'));
  await rejectsWithProfileError(store.save(readFileSync(heap), meta('request', 'heap', 0)), /^cannot save the heap profile in .*a-file\/profiles: ENOTDIR/);
  assert.deepEqual(await new ProfileStore(path.join(work.dir, 'never-made')).list(), []);
});

// ---- the leak trend ----

type Series = (second: number, noise: () => number) => number;

/** Feeds one sample a second for `minutes`; every finding, with the second it came at. */
const feed = (trend: LeakTrend, minutes: number, series: Series, seed: number, startSecond = 0): { second: number; finding: LeakFinding }[] => {
  const random = seededRandom(seed);
  const noise = () => random.next() * 2 - 1;
  const findings: { second: number; finding: LeakFinding }[] = [];
  for (let second = startSecond; second < startSecond + minutes * 60; second++) {
    const finding = trend.add(second * 1000, series(second, noise));
    if (finding) findings.push({ second, finding });
  }
  return findings;
};

const WINDOW_S = LEAK_TREND_DEFAULTS.windowMs / 1000;

test('a steady leak under noise is said once, with its rate, after a full window; again after reset', (t) => {
  const seed = testSeed();
  t.diagnostic(`seed ${seed} (GOWATCH_TEST_SEED replays it)`);
  const trend = new LeakTrend();
  const leakFrom =
    (startSecond: number): Series =>
    (s, noise) =>
      120 * MB + ((s - startSecond) / 60) * 20 * MB + noise() * 3 * MB;
  const findings = feed(trend, 30, leakFrom(0), seed);
  assert.equal(findings.length, 1, JSON.stringify(findings));
  const [{ second, finding }] = findings as [{ second: number; finding: LeakFinding }];
  assert.ok(second >= WINDOW_S && second <= WINDOW_S + 5, `said at second ${second}, when the first window was full`);
  assert.ok(Math.abs(finding.bytesPerMinute - 20 * MB) < 2 * MB, JSON.stringify(finding));
  assert.ok(finding.windowMs >= LEAK_TREND_DEFAULTS.windowMs);
  assert.ok(Math.abs(finding.toBytes - finding.fromBytes - (finding.windowMs / 60_000) * 20 * MB) < 4 * MB, JSON.stringify(finding));

  trend.reset();
  const again = feed(trend, 10, leakFrom(3600), seed + 1, 3600);
  assert.equal(again.length, 1, 'a new run is judged afresh');
  assert.ok(again[0]!.second >= 3600 + WINDOW_S);
});

test('flat memory, a GC saw-tooth, a one-off step and leaks under either floor are not a leak', (t) => {
  const seed = testSeed();
  t.diagnostic(`seed ${seed} (GOWATCH_TEST_SEED replays it)`);
  const cases: Record<string, Series> = {
    'flat with noise': (_, noise) => 200 * MB + noise() * 5 * MB,
    'saw-tooth: 50 MB up over 20 s, then back down': (s, noise) => 150 * MB + ((s % 20) / 20) * 50 * MB + noise() * MB,
    'one step up': (s, noise) => (s < 600 ? 100 * MB : 300 * MB) + noise() * 2 * MB,
    'slow leak under the absolute floor': (s, noise) => 60 * MB + (s / 60) * 2 * MB + noise() * 0.2 * MB,
    'leak under the relative floor of a large program': (s, noise) => 4096 * MB + (s / 60) * 40 * MB + noise() * MB,
  };
  for (const [name, series] of Object.entries(cases)) {
    assert.deepEqual(feed(new LeakTrend(), 30, series, seed), [], name);
  }
});

test('too few samples in a window (a stalled sampler) judge nothing; out-of-order samples are ignored', () => {
  const trend = new LeakTrend();
  const sparse = [];
  for (let second = 0; second <= 600; second += 60) sparse.push(trend.add(second * 1000, 100 * MB + second * MB));
  assert.deepEqual(
    sparse.filter((f) => f !== undefined),
    [],
    'four samples a window are fewer than the minimum',
  );
  const dense = new LeakTrend({ minSamples: 3 });
  const findings = [];
  for (let second = 0; second <= 600; second += 60) {
    findings.push(dense.add(second * 1000, 100 * MB + second * MB));
    assert.equal(dense.add(second * 1000 - 30_000, 1), undefined);
  }
  assert.equal(findings.filter((f) => f !== undefined).length, 1, 'with a minimum the sampler meets, the same series is a leak');
});
