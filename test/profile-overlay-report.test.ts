import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ToolId } from '../bench/peers/tool.js';
import { goal, markdown, type ProfileOverlayResult, type ProjectResult } from '../bench/profile-overlay-report.js';
import type { Sample } from '../bench/scenarios/measure.js';

/** The bench's verdict is computed from its JSON: figures made here stand for a run. */
const sample = (tool: ToolId, round: number, latencyMs: number | null): Sample => ({
  tool,
  round,
  latencyMs,
  builds: 1,
  restarts: latencyMs === null ? 0 : 1,
  gowatch: { buildStart: 10, buildDone: latencyMs === null ? 10 : latencyMs - 20, builds: 1, canceled: 0, skips: 0 },
});

const project = (off: readonly (number | null)[], inject: readonly (number | null)[], extra: Partial<ProjectResult> = {}): ProjectResult => ({
  project: 'hello',
  rounds: off.length,
  samples: [...off.map((ms, i) => sample('gowatch', i + 1, ms)), ...inject.map((ms, i) => sample('gowatch-inject', i + 1, ms))],
  failures: [],
  variants: [
    { tool: 'gowatch', firstServeMs: 1200, binaryBytes: 8 * 1024 ** 2 },
    { tool: 'gowatch-inject', firstServeMs: 1300, binaryBytes: 8 * 1024 ** 2 + 400 * 1024 },
  ],
  profileCheck: { ok: true, detail: 'a heap profile of 720 bytes' },
  ...extra,
});

const result = (projects: readonly ProjectResult[]): ProfileOverlayResult => ({
  machine: { nproc: '2', cpu: 'test CPU', memory: '24 GiB', os: 'Linux', node: 'v20', go: 'go version go1.26.8 linux/amd64', date: '2026-12-07T00:00:00.000Z' },
  loadAverage: { start: '0.10', end: '0.20' },
  totalSeconds: 300,
  quick: false,
  seed: 1,
  settings: { probeIntervalMs: 5, quietMs: 300, goalRatio: 1.03 },
  tools: [
    { id: 'gowatch', label: 'gowatch, go.run.profile "off"', command: 'gowatch run', config: 'buddy.watch.json: {"go.run.profile":"off"}' },
    { id: 'gowatch-inject', label: 'gowatch, go.run.profile "inject"', command: 'gowatch run', config: 'buddy.watch.json: {"go.run.profile":"inject"}' },
  ],
  projects,
});

test('the goal is the ratio of medians: met within 3 %, MISSED beyond, said plainly in the section', () => {
  const within = project([500, 600, 700], [510, 612, 900]);
  const beyond = project([500, 600, 700], [400, 620, 720]);
  const r = result([within, { ...beyond, project: 'service' }]);
  assert.equal(goal(r, within).met, true);
  assert.equal(goal(r, within).ratio, 612 / 600);
  assert.equal(goal(r, beyond).met, false);
  const section = markdown(r);
  assert.match(section, /- \*\*met\*\*: hello: the overlay costs at most 3 % .* 612 ms with the overlay against 600 ms without: 1\.020 ×/);
  assert.match(section, /- \*\*MISSED\*\*: service: .* 620 ms with the overlay against 600 ms without: 1\.033 ×/);
  assert.match(section, /\| gowatch, go\.run\.profile "inject" \| 3 \| 612 \| 510 … 900 \| 1\.020 \|/);
  assert.match(section, /The overlay's binary: \+400 KB \(\+4\.9 %\)/);
  assert.match(section, /Measured 2026-12-07T00:00:00\.000Z on 2 cores/);
});

test('a lost edit or an overlay that served no profile misses the goal whatever the medians', () => {
  const lost = project([500, 600, 700], [500, 600, null]);
  const unserved = project([500, 600, 700], [500, 600, 700], { profileCheck: { ok: false, detail: 'nothing is running for hello' } });
  const r = result([lost, unserved]);
  assert.equal(goal(r, lost).met, false);
  assert.match(goal(r, lost).detail, /1 edit lost/);
  assert.equal(goal(r, unserved).met, false);
  assert.match(goal(r, unserved).detail, /served no profile \(nothing is running for hello\)/);
});

test('a variant without a served edit leaves the goal not measured', () => {
  const none = project([500, 600], [null, null]);
  const r = result([none]);
  assert.equal(goal(r, none).met, undefined);
  assert.match(markdown(r), /- not measured: hello:/);
});
