import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, renameSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { GowatchEvent } from '../src/events.js';
import { tempDir } from './support/fixtures.js';
import type { GowatchProcess } from './support/gowatch-process.js';
import { EDIT_LIFECYCLE, lifecycle } from './support/lifecycle.js';
import { waitForReply } from './support/net.js';
import {
  eventsUntilCheckpoint,
  names,
  shopAFile,
  shopBFile,
  shopDebugFile,
  shopGoMod,
  shopTestFile,
  startShop,
  type ShopRun,
} from './support/shop.js';

/**
 * Go-aware watching, end to end: real go toolchain, real files, real inotify, real processes.
 * gowatch runs `./cmd/api` of the example.com/shop module (see support/shop.ts); every case
 * asserts through the JSON events and the HTTP reply of the running program.
 */
const TIMEOUT = { timeout: 120_000 };

type Skip = Extract<GowatchEvent, { event: 'skip' }>;

/** The first skip of `file` from `from` on, which must be for `reason` (any other fails at once). */
const waitForSkip = async (gowatch: GowatchProcess, reason: Skip['reason'], file: string, from: number): Promise<Skip> => {
  const skip = (await gowatch.waitFor((e) => e.event === 'skip' && e.files.includes(file), from)) as Skip;
  assert.equal(skip.reason, reason, `skip reason of ${file}: ${JSON.stringify(gowatch.after(from))}`);
  return skip;
};

const waitForChange = (gowatch: GowatchProcess, file: string, from: number) =>
  gowatch.waitFor((e) => e.event === 'change' && e.files.includes(file), from);

/** Edits `rel`, then checks gowatch saw it, rebuilt with go build and serves `reply`. */
const expectRebuild = async (shop: ShopRun, rel: string, content: string, reply: string): Promise<GowatchEvent[]> => {
  const mark = shop.gowatch.mark();
  shop.write(rel, content);
  await waitForChange(shop.gowatch, rel, mark);
  await shop.gowatch.waitForEvent('build-start', mark);
  await waitForReply(shop.port, reply);
  await shop.gowatch.waitFor((e) => e.event === 'build-ok' && !e.cached, mark);
  return shop.gowatch.after(mark);
};

/** Edits `rel`, then checks gowatch skipped it for `reason`, built nothing and kept serving `reply`. */
const expectSkip = async (shop: ShopRun, rel: string, content: string, reason: Skip['reason'], reply: string) => {
  const mark = shop.gowatch.mark();
  shop.write(rel, content);
  await waitForSkip(shop.gowatch, reason, rel, mark);
  const events = await eventsUntilCheckpoint(shop.gowatch, shop.dir, shop.dir, mark);
  // A file the patterns leave out is no change; one they name that the build does not hold is.
  const told = events.some((e) => e.event === 'change' && e.files.includes(rel));
  assert.equal(told, reason === 'not-in-build' || reason === 'unchanged', `a change of ${rel} is told: ${JSON.stringify(events)}`);
  assert.ok(!names(events).includes('build-start'), `no build for ${rel}: ${JSON.stringify(events)}`);
  assert.ok(!names(events).includes('stop'), `the program keeps running: ${JSON.stringify(events)}`);
  await waitForReply(shop.port, reply);
};

test('(a) an edit of an imported package rebuilds and the new reply is served', TIMEOUT, async (t) => {
  const shop = await startShop(t);
  const events = await expectRebuild(shop, 'internal/a/a.go', shopAFile('a2'), 'a2|banner1');
  const change = events.find((e) => e.event === 'change');
  assert.deepEqual(change?.event === 'change' && change.files, ['internal/a/a.go']);
  assert.match(lifecycle(events), EDIT_LIFECYCLE, JSON.stringify(events));
  await shop.finish();
});

test('(b) an edit of a package the target does not import is skipped as not-in-build', TIMEOUT, async (t) => {
  const shop = await startShop(t);
  await expectSkip(shop, 'internal/b/b.go', shopBFile('b2'), 'not-in-build', 'a1|banner1');
  await shop.finish();
});

test('(c) an edit of a _test.go file of a closure package is skipped as excluded (by the default patterns)', TIMEOUT, async (t) => {
  const shop = await startShop(t);
  await expectSkip(shop, 'internal/a/a_test.go', shopTestFile('changed'), 'excluded', 'a1|banner1');
  await shop.finish();
});

test('(d) an edit of a //go:embed asset rebuilds and the new content is served', TIMEOUT, async (t) => {
  const shop = await startShop(t);
  await expectRebuild(shop, 'internal/a/static/banner.txt', 'banner2\n', 'a1|banner2');
  await shop.finish();
});

test('(e) rewriting a closure file with identical bytes and touching it is skipped as unchanged', TIMEOUT, async (t) => {
  const shop = await startShop(t);
  const rel = 'internal/a/a.go';
  const mark = shop.gowatch.mark();
  shop.write(rel, readFileSync(shop.file(rel), 'utf8'));
  await waitForSkip(shop.gowatch, 'unchanged', rel, mark);
  // A touch (new mtime, same bytes) may or may not be reported; if it is, it is skipped too.
  const later = new Date(Date.now() + 60_000);
  utimesSync(shop.file(rel), later, later);
  const events = await eventsUntilCheckpoint(shop.gowatch, shop.dir, shop.dir, mark);
  assert.ok(!names(events).includes('build-start'), `no build: ${JSON.stringify(events)}`);
  assert.ok(!names(events).includes('stop'), `the program keeps running: ${JSON.stringify(events)}`);
  const skips = events.filter((e) => e.event === 'skip' && e.files.includes(rel));
  assert.ok(skips.every((e) => e.event === 'skip' && e.reason === 'unchanged'), JSON.stringify(skips));
  const changes = events.filter((e) => e.event === 'change' && e.files.includes(rel));
  assert.equal(skips.length, changes.length, `every change of ${rel} is skipped: ${JSON.stringify(events)}`);
  await waitForReply(shop.port, 'a1|banner1');
  await shop.finish();
});

test('(f) edit then undo: the undo reuses the cached binary without go build', TIMEOUT, async (t) => {
  const shop = await startShop(t);
  const rel = 'internal/a/a.go';
  const original = readFileSync(shop.file(rel), 'utf8');
  await expectRebuild(shop, rel, shopAFile('a2'), 'a2|banner1');

  const mark = shop.gowatch.mark();
  shop.write(rel, original);
  const cached = await shop.gowatch.waitForEvent('build-ok', mark);
  assert.ok(cached.cached, `the undo is served from the cache: ${JSON.stringify(shop.gowatch.after(mark))}`);
  await waitForReply(shop.port, 'a1|banner1');
  const between = shop.gowatch.events.slice(mark, shop.gowatch.events.indexOf(cached));
  assert.ok(!names(between).includes('build-start'), `no go build before the cached build-ok: ${JSON.stringify(between)}`);
  const events = await eventsUntilCheckpoint(shop.gowatch, shop.dir, shop.dir, mark);
  assert.ok(!names(events).includes('build-start'), `no go build at all: ${JSON.stringify(events)}`);
  await shop.finish();
});

test('(g) an edit of go.mod rebuilds', TIMEOUT, async (t) => {
  const shop = await startShop(t);
  const events = await expectRebuild(shop, 'go.mod', shopGoMod('\n// a comment changes no dependency, but go.mod shapes every build\n'), 'a1|banner1');
  assert.ok(names(events).includes('build-start'));
  const mark = shop.gowatch.mark();
  shop.write('go.mod', shopGoMod().replace('go 1.22', 'go 1.23'));
  await waitForChange(shop.gowatch, 'go.mod', mark);
  await shop.gowatch.waitForEvent('build-start', mark);
  await shop.gowatch.waitFor((e) => e.event === 'build-ok' && !e.cached, mark);
  await shop.gowatch.waitForEvent('start', mark);
  await waitForReply(shop.port, 'a1|banner1');
  await shop.finish();
});

test('(h) a new import grows the closure; the newly imported package then rebuilds on edit', TIMEOUT, async (t) => {
  const shop = await startShop(t);
  const first = shop.gowatch.events.find((e) => e.event === 'closure');
  assert.ok(first?.event === 'closure');

  const mark = shop.gowatch.mark();
  shop.write('internal/a/a.go', shopAFile('a1', true));
  const grown = await shop.gowatch.waitFor((e) => e.event === 'closure', mark);
  assert.ok(grown.event === 'closure' && grown.packages > first.packages, `closure grew: ${first.packages} → ${JSON.stringify(grown)}`);
  assert.ok(grown.edges > first.edges, 'one more import edge');
  await shop.gowatch.waitForEvent('build-start', mark);
  await waitForReply(shop.port, 'a1+b1|banner1');

  await expectRebuild(shop, 'internal/b/b.go', shopBFile('b2'), 'a1+b2|banner1');
  await shop.finish();
});

test('(i) --build-flag -tags debug puts a build-tagged file into the build', TIMEOUT, async (t) => {
  await t.test('with the tag, an edit of extra_debug.go rebuilds', async (t) => {
    const shop = await startShop(t, { args: ['./cmd/api', '--build-flag=-tags', '--build-flag=debug'], firstReply: 'a1+debug1|banner1' });
    await expectRebuild(shop, 'internal/a/extra_debug.go', shopDebugFile('+debug2'), 'a1+debug2|banner1');
    await shop.finish();
  });
  await t.test('without the tag, an edit of extra_debug.go is skipped as not-in-build', async (t) => {
    const shop = await startShop(t);
    await expectSkip(shop, 'internal/a/extra_debug.go', shopDebugFile('+debug2'), 'not-in-build', 'a1|banner1');
    await shop.finish();
  });
});

test('(j) a module under $GOPATH/src behaves the same', TIMEOUT, async (t) => {
  const gopath = tempDir('gowatch-gopath-');
  t.after(gopath.cleanup);
  const dir = path.join(gopath.dir, 'src', 'example.com', 'shop');
  mkdirSync(dir, { recursive: true });
  const shop = await startShop(t, { dir, env: { GOPATH: gopath.dir } });
  await expectSkip(shop, 'internal/b/b.go', shopBFile('b2'), 'not-in-build', 'a1|banner1');
  await expectRebuild(shop, 'internal/a/a.go', shopAFile('a2'), 'a2|banner1');
  await shop.finish();
});

test('(k) moving an imported package out of the tree rebuilds (and fails); moving it back is seen again', TIMEOUT, async (t) => {
  const shop = await startShop(t);
  const away = tempDir('gowatch-moved-');
  t.after(away.cleanup);
  // One rename of the directory: inotify reports the directory alone, not the files it held.
  let mark = shop.gowatch.mark();
  renameSync(shop.file('internal/a'), path.join(away.dir, 'a'));
  await shop.gowatch.waitForEvent('build-start', mark);
  const failed = await shop.gowatch.waitForEvent('build-fail', mark);
  assert.match(failed.output, /internal\/a/, 'go build names the missing package');
  await waitForReply(shop.port, 'a1|banner1');

  // Back in place: the package is found again; the running binary already matches it.
  mark = shop.gowatch.mark();
  renameSync(path.join(away.dir, 'a'), shop.file('internal/a'));
  await waitForSkip(shop.gowatch, 'unchanged', 'internal/a/a.go', mark);
  // And it is part of the closure again: an edit of it rebuilds.
  await expectRebuild(shop, 'internal/a/a.go', shopAFile('a3'), 'a3|banner1');
  await shop.finish();
});

test('(l) creating a go.work rebuilds, with the workspace in the build key', TIMEOUT, async (t) => {
  const shop = await startShop(t);
  const mark = shop.gowatch.mark();
  shop.write('go.work', 'go 1.22\n\nuse .\n');
  await waitForChange(shop.gowatch, 'go.work', mark);
  const closure = await shop.gowatch.waitForEvent('closure', mark);
  assert.ok(closure.files > 0);
  await shop.gowatch.waitForEvent('build-start', mark);
  await shop.gowatch.waitFor((e) => e.event === 'build-ok' && !e.cached, mark);
  await waitForReply(shop.port, 'a1|banner1');
  await shop.finish();
});

test('(m) a go.mod created inside an imported package splits it off: gowatch rebuilds and reports the failure', TIMEOUT, async (t) => {
  const shop = await startShop(t);
  const mark = shop.gowatch.mark();
  shop.write('internal/a/go.mod', 'module example.com/split\n\ngo 1.22\n');
  await waitForChange(shop.gowatch, 'internal/a/go.mod', mark);
  await shop.gowatch.waitForEvent('build-start', mark);
  await shop.gowatch.waitForEvent('build-fail', mark);
  await waitForReply(shop.port, 'a1|banner1');
  await shop.finish();
});
