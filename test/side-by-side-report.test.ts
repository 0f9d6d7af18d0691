import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ToolId } from '../bench/peers/tool.js';
import type { Sample } from '../bench/scenarios/measure.js';
import { goals, markdown, type ScenarioId, type ScenarioResult, type SideBySideResult } from '../bench/side-by-side-report.js';

/** The bench's verdict is computed from its JSON: figures made here stand for a run. */
const samples = (figures: Partial<Record<ToolId, readonly number[]>>): ScenarioResult => ({
  samples: Object.entries(figures).flatMap(([tool, values]) => values.map((latencyMs, i): Sample => ({ tool: tool as ToolId, round: i + 1, latencyMs, builds: 1, restarts: 1 }))),
  failures: [],
});

const result = (scenarios: Partial<Record<ScenarioId, ScenarioResult>>, gowatchRssMB: readonly number[]): SideBySideResult => ({
  machine: { nproc: '2', cpu: 'test CPU', memory: '24 GiB', os: 'Linux', node: 'v20', go: 'go version go1.26.8 linux/amd64', date: '2026-12-07T00:00:00.000Z' },
  loadAverage: { start: '0.10', end: '0.20' },
  totalSeconds: 900,
  quick: false,
  seed: 1,
  settings: { helloRounds: 3, serviceRounds: 3, undoRounds: 1, serviceUndoRounds: 1, pocketbaseRounds: 3, pocketbaseUndoRounds: 1, warmRounds: 3, burstFiles: 500, probeIntervalMs: 5, pollIntervalMs: 100, quietMs: 300, settle: { minMs: 3000, quietMs: 1500 } },
  service: { packages: 302, packageFiles: 600, requirements: {} },
  pocketbase: { module: 'github.com/pocketbase/pocketbase', version: 'v0.36.8', binaryMB: 35 },
  tools: [
    { id: 'baseline', label: 'bare go build + restart (no watcher)', command: 'go build -o app .' },
    { id: 'gowatch', label: 'gowatch', command: 'gowatch run' },
    { id: 'air-delay1', label: 'air, delay = 1', command: 'air' },
  ],
  scenarios,
  footprint: {
    rssSeconds: 2,
    rss: { hello: [{ tool: 'gowatch', rssMB: gowatchRssMB, peakMB: 70 }, { tool: 'air-delay1', rssMB: [11, 11], peakMB: 11 }] },
    startup: { gowatchVersionMs: [300, 310, 290], nodeMs: [60, 61, 59] },
  },
});

const verdict = (r: SideBySideResult, start: string) => {
  const found = goals(r).filter((g) => g.text.startsWith(start));
  assert.equal(found.length, 1, `one goal starting "${start}": ${found.map((g) => g.text).join(' | ')}`);
  return found[0]!;
};

test("issue 20's goals: the bare rebuild's 0.9 and 0.8, the warm starts, the RSS and air with delay = 1 among the peers", () => {
  const r = result(
    {
      'hello-edit': samples({ baseline: [500, 500, 500], gowatch: [460, 460, 460], 'air-delay1': [520, 520, 520] }),
      'pocketbase-edit': samples({ baseline: [1300, 1300, 1300], gowatch: [1000, 1000, 1000], 'air-delay1': [990, 990, 990] }),
      'service-warm': samples({ baseline: [300, 300, 300], gowatch: [280, 280, 280] }),
      'pocketbase-warm': samples({ baseline: [220, 220, 220], gowatch: [250, 250, 250] }),
    },
    [55, 56, 57],
  );
  assert.equal(verdict(r, 'hello, edit → serve: gowatch at most 0.9').met, false);
  assert.equal(verdict(r, 'pocketbase, edit → serve: gowatch at most 0.8').met, true);
  const ahead = verdict(r, 'pocketbase, edit → serve: gowatch ahead');
  assert.equal(ahead.met, false);
  assert.match(ahead.detail, /air, delay = 1 990 ms/);
  assert.equal(verdict(r, 'hello, edit → serve: gowatch ahead').met, true);
  assert.equal(verdict(r, 'service, warm start').met, true);
  assert.equal(verdict(r, 'pocketbase, warm start').met, false);
  assert.equal(verdict(r, "hello: gowatch's own RSS").met, true);
  assert.equal(verdict(r, 'service, edit → serve: gowatch within').met, undefined);

  const heavy = result({}, [61, 62, 63]);
  assert.equal(verdict(heavy, "hello: gowatch's own RSS").met, false);
  assert.match(verdict(heavy, "hello: gowatch's own RSS").detail, /62 MB/);
});

test('the section has the pocketbase, warm start and footprint tables', () => {
  const text = markdown(
    result({ 'pocketbase-edit': samples({ baseline: [1300], gowatch: [1000] }), 'hello-warm': samples({ baseline: [200], gowatch: [150] }) }, [55]),
    'bench/results/edit-to-serve.svg',
  );
  assert.match(text, /### Edit → serve: pocketbase \(35 MB binary\)\n\n\| tool .*\n.*\n\| bare go build \+ restart \(no watcher\) \| 1 \| 1,300 \|/);
  assert.match(text, /### Warm start: nothing changed since the last run[\s\S]*hello:\n\n\| tool .*\n.*\n.*\n\| gowatch \| 1 \| 150 \| 150 \| 150 \| 0 \| 0\.75 \|/);
  assert.match(text, /\| gowatch \| 55 \(70\) \|/);
  assert.match(text, /`gowatch --version`: median 300 ms \(290 … 310\); `node -e 0`: median 60 ms \(59 … 61\); 3 rounds each/);
  assert.match(text, /github\.com\/pocketbase\/pocketbase v0\.36\.8/);
});
