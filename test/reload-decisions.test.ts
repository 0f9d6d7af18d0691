import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test, type TestContext } from 'node:test';
import { resolveRunOptions } from '../src/config/options.js';
import { startGowatch } from '../src/gowatch.js';
import type { GowatchEvent } from '../src/events.js';
import { tempDir, writeTree } from './support/fixtures.js';
import { scriptedProcesses } from './support/scripted-processes.js';

const cache = tempDir('gowatch-cache-');
after(cache.cleanup);

const mainGo = (text: string) => `package main\n\nimport "fmt"\n\nfunc main() { fmt.Println(${JSON.stringify(text)}) }\n`;

/**
 * The reload loop's decisions in-process: the real go toolchain, files and watcher, but the
 * program behind the scripted process boundary, so what gowatch decides to run is seen directly
 * (which binary, when) and a program's end is scripted. What users see of real programs is in
 * the real-process tests.
 */
const session = async (t: TestContext, name: string, config: Record<string, unknown> = {}, onEvent?: (event: GowatchEvent) => void) => {
  const fixture = tempDir(`gowatch-${name}-`);
  writeTree(fixture.dir, { 'go.mod': `module example.com/${name}\n\ngo 1.22\n`, 'main.go': mainGo('one'), 'buddy.watch.json': JSON.stringify(config) });
  const events: GowatchEvent[] = [];
  const processes = scriptedProcesses();
  const options = resolveRunOptions({}, fixture.dir, { ...process.env, GOWATCH_CACHE_DIR: cache.dir });
  const gowatch = await startGowatch(options, (event) => {
    events.push(event);
    onEvent?.(event);
  }, { processes: processes.boundary });
  // A failed assertion must not leave the watcher running: the test file would never end.
  t.after(async () => {
    await gowatch.close();
    fixture.cleanup();
  });
  const waitFor = async (predicate: (event: GowatchEvent) => boolean, from = 0) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const found = events.slice(from).find(predicate);
      if (found) return found;
      if (Date.now() > deadline) assert.fail(`not seen: ${JSON.stringify(events)}`);
      await sleep(10);
    }
  };
  const binaries = () => processes.programs.map((p) => p.spec.binary);
  const edit = (text: string) => writeFileSync(path.join(fixture.dir, 'main.go'), mainGo(text));
  return { events, processes, gowatch, waitFor, binaries, edit };
};

test('an edit runs a new binary; its undo runs the first one again from the cache without go build; a same-content save runs nothing', async (t) => {
  const s = await session(t, 'decisions');
  await s.waitFor((e) => e.event === 'start');
  const [first] = s.binaries();
  let mark = s.events.length;
  s.edit('two');
  await s.waitFor((e) => e.event === 'start', mark);
  const second = s.binaries()[1];
  assert.notEqual(second, first, 'a new key, a new binary');
  assert.ok(s.events.slice(mark).some((e) => e.event === 'build-ok' && !e.cached));

  mark = s.events.length;
  s.edit('one');
  await s.waitFor((e) => e.event === 'start', mark);
  assert.equal(s.binaries()[2], first, 'the undo runs the binary built first');
  assert.ok(s.events.slice(mark).some((e) => e.event === 'build-ok' && e.cached), `from the cache: ${JSON.stringify(s.events.slice(mark))}`);
  assert.ok(!s.events.slice(mark).some((e) => e.event === 'build-start'), `no go build: ${JSON.stringify(s.events.slice(mark))}`);

  mark = s.events.length;
  s.edit('one');
  const skip = await s.waitFor((e) => e.event === 'skip', mark);
  assert.ok(skip.event === 'skip' && skip.reason === 'unchanged');
  assert.equal(s.processes.programs.length, 3, 'nothing restarted');
  await s.gowatch.close();
  assert.ok(s.processes.programs.every((p) => !p.alive), 'close() stopped the program');
});

test('a crashed program with go.run.restart on-failure runs the same binary again, and an edit ends the streak', async (t) => {
  const s = await session(t, 'decisions-crash', { 'go.run.restart': 'on-failure' });
  await s.waitFor((e) => e.event === 'start');
  s.processes.programs[0]!.exit({ code: 1, signal: null });
  const restart = await s.waitFor((e) => e.event === 'restart');
  assert.ok(restart.event === 'restart' && restart.attempt === 1 && restart.delayMs === 500);
  await s.waitFor((e) => e.event === 'start', s.events.indexOf(restart));
  assert.equal(s.binaries()[1], s.binaries()[0], 'the same binary, no build');
  const mark = s.events.length;
  s.edit('fixed');
  await s.waitFor((e) => e.event === 'start', mark);
  s.processes.programs.at(-1)!.exit({ code: 1, signal: null });
  const next = await s.waitFor((e) => e.event === 'restart', mark);
  assert.ok(next.event === 'restart' && next.attempt === 1, 'the edit started a new streak');
  await s.gowatch.close();
});

test('a write made while a build ran, seen only after it ended: the binary is not taken for its key, and going back to that content builds again', async (t) => {
  // Polled every 1.5 s, so the write is reported well after the build. It lands the moment
  // gowatch says build-start, before go runs: the build of "two" reads "three".
  let writeDuringBuild: string | undefined;
  const s = await session(t, 'decisions-overtaken', { 'go.watch.poll': true, 'go.watch.pollInterval': 1500 }, (event) => {
    if (event.event !== 'build-start' || writeDuringBuild === undefined) return;
    s.edit(writeDuringBuild);
    writeDuringBuild = undefined;
  });
  await s.waitFor((e) => e.event === 'start');
  const says = (binary: string) => execFileSync(binary, { encoding: 'utf8' }).trim();
  writeDuringBuild = 'three';
  const mark = s.events.length;
  s.edit('two');
  await s.waitFor((e) => e.event === 'start', mark);
  assert.equal(writeDuringBuild, undefined, 'written during the build');
  assert.equal(says(s.binaries().at(-1)!), 'three', 'the build of "two" read "three"');
  // Back to "two" before or after the poll reports "three": either way "two" must end up running.
  s.edit('two');
  const deadline = Date.now() + 60_000;
  while (says(s.binaries().at(-1)!) !== 'two') {
    if (Date.now() > deadline) assert.fail(`"two" never ran: ${JSON.stringify(s.events.slice(mark))}`);
    await sleep(100);
  }
  assert.equal(s.processes.programs.filter((p) => p.alive).length, 1);
});
