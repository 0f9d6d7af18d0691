import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { generatedFiles } from '../scripts/generated-files.js';
import { anyEventSchema, eventNames, eventSchemas } from '../src/events.js';
import { humanReporter } from '../src/report/human-reporter.js';
import { jsonReporter } from '../src/report/json-reporter.js';
import type { GowatchEvent } from '../src/events.js';

test('buddy.watch.schema.json and docs/events.md are generated from the current code', () => {
  for (const file of generatedFiles()) {
    assert.equal(readFileSync(file.path, 'utf8'), file.content, `${file.path} is stale: run npm run generate`);
  }
});

test('docs/events.md documents every event and every field', () => {
  const docs = readFileSync(generatedFiles().find((f) => f.path.endsWith('events.md'))!.path, 'utf8');
  for (const name of eventNames) {
    assert.ok(docs.includes(`## \`${name}\``), name);
    for (const field of Object.keys(eventSchemas[name].shape)) {
      if (field !== 'event' && field !== 'ts') assert.ok(docs.includes(`| \`${field}\` |`), `${name}.${field}`);
    }
  }
});

const samples: GowatchEvent[] = [
  { event: 'watching', ts: 1, backend: 'polling', reason: 'GOWATCH_POLL=1', root: '/w' },
  { event: 'change', ts: 1, target: '.', files: ['a.go'] },
  { event: 'skip', ts: 1, target: '.', reason: 'excluded', files: ['b_test.go'] },
  { event: 'closure', ts: 1, target: '.', packages: 2, edges: 1, files: 9, durationMs: 3, warm: true },
  { event: 'build-start', ts: 1, target: '.', id: 1 },
  { event: 'build-ok', ts: 1, target: '.', id: 1, durationMs: 300, cached: false },
  { event: 'build-fail', ts: 1, target: '.', id: 2, durationMs: 90, diagnostics: [{ file: 'a.go', line: 3, column: 9, message: 'undefined: x' }], output: '# m\n./a.go:3:9: undefined: x' },
  { event: 'build-canceled', ts: 1, target: '.', id: 3 },
  {
    event: 'hook-fail', ts: 1, target: '.', durationMs: 40, output: 'migration 7 failed\n', running: true,
    hook: { key: 'go.run.preStart', command: ['go', 'run', './cmd/migrate'], code: 1, signal: null, timedOut: false },
  },
  { event: 'starting', ts: 1, target: '.' },
  { event: 'start', ts: 1, target: '.', pid: 10 },
  { event: 'debug', ts: 1, target: '.', listen: '127.0.0.1:2345', dlv: '/home/me/go/bin/dlv' },
  { event: 'exit', ts: 1, target: '.', pid: 10, code: 3, signal: null, restarts: false },
  { event: 'stop', ts: 1, target: '.', pid: 10, durationMs: 12, forced: true },
  { event: 'restart', ts: 1, target: '.', reason: 'crash', attempt: 1, delayMs: 500 },
  { event: 'restart-limit', ts: 1, target: '.', restarts: 5 },
  { event: 'memory', ts: 1, target: '.', pid: 10, rssBytes: 2_000_000_000, limitBytes: 1_500_000_000 },
  {
    event: 'profile', ts: 1, target: '.', pid: 10, trigger: 'memory', key: '389eba19', files: { heap: '/p/heap.pb.gz', goroutine: '/p/goroutine.pb.gz' },
    base: '/p/baseline.pb.gz', rssBytes: 128_000_000, limitBytes: 100_000_000, growth: [{ function: 'main.leakyHandler', bytes: 117_000_000 }], goroutines: 6,
  },
  { event: 'leftover', ts: 1, target: '.', pids: [7, 8], binary: '/cache/bins/k', forced: false },
  { event: 'warning', ts: 1, message: 'cannot read /w/secret (permission denied): changes below it are not seen' },
  { event: 'error', ts: 1, target: '.', kind: 'go-list', message: 'boom' },
];

test('the JSON reporter writes exactly one schema-valid line per event', () => {
  assert.deepEqual(samples.map((e) => e.event).sort(), [...eventNames].sort(), 'a sample for each event');
  const lines: string[] = [];
  const sink = jsonReporter((text) => lines.push(text));
  for (const event of samples) sink(event);
  assert.equal(lines.length, samples.length);
  for (const [index, line] of lines.entries()) {
    assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'));
    assert.deepEqual(anyEventSchema.parse(JSON.parse(line)), samples[index]);
  }
});

test('the human reporter says ignored files apart from the "changed" line: each with --verbose, else the first with a hint', () => {
  const said = (verbose: boolean) => {
    let out = '';
    const sink = humanReporter({ write: (text) => (out += text), color: false, verbose });
    sink({ event: 'change', ts: 1, target: '.', files: ['a.go', '.a.go.swp'] });
    sink({ event: 'skip', ts: 1, target: '.', reason: 'not-watched', files: ['.a.go.swp'] });
    sink({ event: 'build-start', ts: 1, target: '.', id: 1 });
    sink({ event: 'change', ts: 1, target: '.', files: ['dist/x.js'] });
    sink({ event: 'skip', ts: 1, target: '.', reason: 'not-watched', files: ['dist/x.js'] });
    sink({ event: 'build-ok', ts: 1, target: '.', id: 1, durationMs: 5, cached: false });
    return out;
  };
  const ignored = 'not part of the build, and no pattern names it';
  assert.equal(
    said(false),
    `[gowatch] changed a.go\n[gowatch] .a.go.swp changed: ${ignored} (ignored edits are shown with --verbose)\n[gowatch] building .…\n[gowatch] built . in 5 ms\n`,
  );
  assert.equal(
    said(true),
    `[gowatch] changed a.go\n[gowatch] .a.go.swp changed: ${ignored} (not-watched)\n[gowatch] building .…\n[gowatch] dist/x.js changed: ${ignored} (not-watched)\n[gowatch] built . in 5 ms\n`,
  );
});

test('the human reporter prints clickable diagnostics and no colour when colour is off', () => {
  let out = '';
  const sink = humanReporter({ write: (text) => (out += text), color: false });
  for (const event of samples) sink(event);
  assert.match(out, /^ {2}a\.go:3:9: undefined: x$/m);
  assert.match(out, /killed after 12 ms/);
  assert.doesNotMatch(out, /\u001b\[/);
  assert.match(out, /changed a\.go\n/);
  let colored = '';
  humanReporter({ write: (text) => (colored += text), color: true })(samples[5]!);
  assert.match(colored, /\u001b\[/);
});

test('the human reporter tells a crash loop once, with its count', () => {
  let out = '';
  const sink = humanReporter({ write: (text) => (out += text), color: false });
  sink({ event: 'starting', ts: 1, target: 'api' });
  sink({ event: 'start', ts: 1, target: 'api', pid: 10 });
  for (let attempt = 1; attempt <= 3; attempt++) {
    sink({ event: 'exit', ts: 1, target: 'api', pid: 9 + attempt, code: 1, signal: null, restarts: true });
    sink({ event: 'restart', ts: 1, target: 'api', reason: 'crash', attempt, delayMs: 250 * 2 ** attempt });
    sink({ event: 'starting', ts: 1, target: 'api' });
    sink({ event: 'start', ts: 1, target: 'api', pid: 10 + attempt });
  }
  sink({ event: 'exit', ts: 1, target: 'api', pid: 13, code: 1, signal: null, restarts: true });
  sink({ event: 'restart-limit', ts: 1, target: 'api', restarts: 3 });
  assert.equal(out.match(/program exited/g)?.length, 1, out);
  assert.equal(out.match(/restarting api/g)?.length, 1, out);
  assert.match(out, /api ended 4 times in a row; waiting for the next change/);
  assert.equal(out.match(/^\[gowatch\] starting api$/gm)?.length, 2, 'the first start and the first restart');
});

test('the human reporter says a capture with what grew most since the baseline; the baseline only with --verbose, unless it failed', () => {
  const said = (event: GowatchEvent, verbose = false) => {
    let out = '';
    humanReporter({ write: (text) => (out += text), color: false, verbose })(event);
    return out;
  };
  const memory = samples.find((e) => e.event === 'profile')!;
  assert.equal(
    said(memory),
    [
      '[gowatch] profiles before the restart: heap /p/heap.pb.gz, goroutine /p/goroutine.pb.gz (6 goroutines)',
      '[gowatch] grew most since the baseline:',
      '    +117 MB  main.leakyHandler',
      '[gowatch] the whole difference: go tool pprof -top -base /p/baseline.pb.gz /p/heap.pb.gz',
      '',
    ].join('\n'),
  );
  const baseline: GowatchEvent = { event: 'profile', ts: 1, target: 'api', pid: 10, trigger: 'baseline', key: 'k', files: { heap: '/p/b.pb.gz' } };
  assert.equal(said(baseline), '');
  assert.equal(said(baseline, true), '[gowatch] baseline heap profile: heap /p/b.pb.gz\n');
  assert.equal(
    said({ ...baseline, files: {}, error: 'connection refused' }),
    '[gowatch] no baseline heap profile: connection refused\n',
  );
  const trend: GowatchEvent = {
    event: 'profile', ts: 1, target: 'api', pid: 10, trigger: 'trend', key: 'k', files: { heap: '/p/t.pb.gz' }, base: '/p/b.pb.gz', rssBytes: 90e6,
    trend: { bytesPerMinute: 12_400_000, windowMs: 180_000 }, growth: [{ function: 'main.cache', bytes: 30_000_000 }, { function: 'bytes.growSlice', bytes: 900_000 }],
  };
  assert.equal(
    said(trend),
    [
      "[gowatch] api's memory grows steadily: +12 MB a minute over the last 180 s",
      '[gowatch] heap profile of the growth: heap /p/t.pb.gz',
      '[gowatch] grew most since the baseline:',
      '     +30 MB  main.cache',
      '    +900 KB  bytes.growSlice',
      '[gowatch] the whole difference: go tool pprof -top -base /p/b.pb.gz /p/t.pb.gz',
      '',
    ].join('\n'),
  );
});
