import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { EventInput } from '../src/events.js';
import { Profiler } from '../src/profile/profiler.js';
import { ProfileStore } from '../src/profile/store.js';
import type { RunningProgram } from '../src/supervise/boundary.js';
import { tempDir } from './support/fixtures.js';

/**
 * The profiler in-process, told of runs as the supervisor tells it. The program's
 * net/http/pprof is a real HTTP server in this process (go.run.profile as a URL) whose answers
 * are gzip bytes: nothing here reads them with pprof. Real captures are in profile-capture.test.ts.
 */
const profilerWith = async (baselineMs: number) => {
  const fixture = tempDir('gowatch-profiler-');
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(request.url ?? '');
    response.end(gzipSync('a profile'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const events: EventInput[] = [];
  const profiler = new Profiler({
    target: 'api',
    source: { kind: 'url', baseUrl: `http://127.0.0.1:${port}/debug/pprof/` },
    store: new ProfileStore(path.join(fixture.dir, 'profiles')),
    baselineMs,
    trend: {},
    sampleMs: 1000,
    captureBoundMs: 5000,
    cwd: fixture.dir,
    pprof: {},
    emit: (event) => void events.push(event),
  });
  const close = () => {
    server.close();
    fixture.cleanup();
  };
  return { profiler, requests, events, close };
};

const program = (pid: number): RunningProgram => ({ pid, startTime: pid, runId: 'run', exited: new Promise(() => undefined) });

test('a run that ends before its baseline is due takes none; the next run takes its own, named by its build key', async (t) => {
  const p = await profilerWith(150);
  t.after(p.close);
  const first = program(1);
  p.profiler.started(first, '/cache/bins/aaaaaaaa11112222');
  p.profiler.ended(first);
  // Started after the first ended, so the first's baseline would be due before this one's.
  const second = program(2);
  p.profiler.started(second, '/cache/bins/bbbbbbbb33334444');
  const deadline = Date.now() + 10_000;
  while (!p.events.some((e) => e.event === 'profile') && Date.now() < deadline) await sleep(10);
  const said = p.events.map((e) => e.event === 'profile' && [e.pid, e.trigger, e.key, Object.keys(e.files)]);
  assert.deepEqual(said, [[2, 'baseline', 'bbbbbbbb', ['heap']]]);
  assert.deepEqual(p.requests, ['/debug/pprof/heap?gc=1']);
  p.profiler.ended(second);
});

test('a profile asked for while nothing runs is refused in one line', async (t) => {
  const p = await profilerWith(60_000);
  t.after(p.close);
  await assert.rejects(p.profiler.request({ kind: 'heap' }), { name: 'GowatchError', message: 'nothing is running for api: there is no program to profile' });
  assert.deepEqual(p.requests, []);
});
