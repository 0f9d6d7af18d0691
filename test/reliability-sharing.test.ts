import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { anyEventSchema, type GowatchEvent } from '../src/events.js';
import { replyFile, tempDir, writeTree } from './support/fixtures.js';
import { CLI, GowatchProcess, stopAllGowatch } from './support/gowatch-process.js';
import { freePort, get, waitForReply } from './support/net.js';
import { carryingEnv, markedSurvivors } from './support/processes.js';

const cache = tempDir('gowatch-cache-');
after(async () => {
  await stopAllGowatch();
  cache.cleanup();
});

const MARKER = 'GOWATCH_TEST_MARKER';

/**
 * One main package that answers "ROLE|reply()" on ADDR and appends a line to app.log (in the
 * project) on every request; it ignores SIGTERM, so gowatch's death signal leaves it running
 * (a leftover for the next run) and each stop needs the short stop timeout's SIGKILL.
 */
const sharedPackageProject = (name: string, targets: Record<string, { role: string; port: number }>) => {
  const fixture = tempDir(`gowatch-${name}-`);
  const marker = randomUUID();
  writeTree(fixture.dir, {
    'go.mod': `module example.com/${name}\n\ngo 1.22\n`,
    'main.go': `package main

import (
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signal.Ignore(syscall.SIGTERM)
	http.ListenAndServe(os.Getenv("ADDR"), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f, err := os.OpenFile("app.log", os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			f.WriteString("request\\n")
			f.Close()
		}
		fmt.Fprint(w, os.Getenv("ROLE")+"|"+reply())
	}))
}
`,
    'reply.go': replyFile('v1'),
    'buddy.watch.json': JSON.stringify({
      'go.run.stopTimeout': 200,
      targets: Object.fromEntries(
        Object.entries(targets).map(([target, { role, port }]) => [target, { 'go.run.env': { ROLE: role, ADDR: `127.0.0.1:${port}` } }]),
      ),
    }),
  });
  const env = { GOWATCH_CACHE_DIR: cache.dir, [MARKER]: marker };
  return {
    dir: fixture.dir,
    env,
    start: (args: string[] = []) => new GowatchProcess(args, { cwd: fixture.dir, env }),
    setReply: (reply: string) => writeFileSync(path.join(fixture.dir, 'reply.go'), replyFile(reply)),
    /** Every process the scenario started, gowatch included, that is still alive. */
    marked: () => carryingEnv(MARKER, marker),
    survivors: () => markedSurvivors(MARKER, marker),
    cleanup: fixture.cleanup,
  };
};

const errorsOf = (events: readonly GowatchEvent[]) => events.filter((e) => e.event === 'error');

test('two targets of one package, with one set of flags: each has its own binary and record, warm runs start, edits reach both, both leftovers are stopped', async (t) => {
  const ports = { a: await freePort(), b: await freePort() };
  const project = sharedPackageProject('shared', { a: { role: 'a', port: ports.a }, b: { role: 'b', port: ports.b } });
  t.after(project.cleanup);
  const bothServe = async (reply: string) => {
    await waitForReply(ports.a, `a|${reply}`);
    await waitForReply(ports.b, `b|${reply}`);
  };

  // A fresh cache: both targets build at once into their own directories (no ETXTBSY).
  let gowatch = project.start();
  await bothServe('v1');
  project.setReply('v2');
  await bothServe('v2');
  assert.deepEqual(errorsOf(gowatch.events), [], gowatch.stderr);
  assert.equal((await gowatch.stop()).code, 130);

  // Warm runs: each target takes its binary from its own cache and keeps its own index.
  for (let run = 0; run < 3; run++) {
    gowatch = project.start();
    await bothServe('v2');
    assert.deepEqual(errorsOf(gowatch.events), [], `warm run ${run}: ${gowatch.stderr}`);
    const reused = gowatch.events.filter((e) => e.event === 'build-ok' && e.cached).map((e) => 'target' in e && e.target);
    assert.deepEqual(reused.sort(), ['a', 'b'], `warm run ${run} reuses both binaries: ${JSON.stringify(gowatch.events)}`);
    assert.equal((await gowatch.stop()).code, 130);
  }

  // gowatch killed: both programs live on (they ignore the death signal), and the next run stops both.
  gowatch = project.start();
  await bothServe('v2');
  const pids = new Set(gowatch.events.flatMap((e) => (e.event === 'start' ? [e.pid] : [])));
  gowatch.child.kill('SIGKILL');
  await gowatch.exited;
  assert.equal(await get(ports.a), 'a|v2', 'program a outlived gowatch');
  assert.equal(await get(ports.b), 'b|v2', 'program b outlived gowatch');
  gowatch = project.start();
  const leftovers = await Promise.all(['a', 'b'].map((name) => gowatch.waitFor((e) => e.event === 'leftover' && e.target === name)));
  for (const leftover of leftovers) assert.ok(leftover.event === 'leftover' && leftover.pids.some((pid) => pids.has(pid)), JSON.stringify(leftover));
  await bothServe('v2');
  assert.deepEqual(errorsOf(gowatch.events), [], gowatch.stderr);
  assert.equal((await gowatch.stop()).code, 130);
  assert.deepEqual(await project.survivors(), [], 'nothing survives gowatch');
});

test('a second gowatch on a running target is refused with the first one\'s pid; the record of the live program is kept', async (t) => {
  const port = await freePort();
  const project = sharedPackageProject('twice', { api: { role: 'api', port } });
  t.after(project.cleanup);
  const first = project.start();
  await waitForReply(port, 'api|v1');
  const program = first.events.find((e) => e.event === 'start');

  const second = project.start();
  const refused = await second.waitForEvent('error');
  assert.equal(refused.kind, 'busy');
  assert.match(refused.message, new RegExp(`target "api" is already run by another gowatch \\(pid ${first.child.pid}\\)`));
  assert.equal((await second.exited).code, 1);
  assert.equal(second.events.some((e) => e.event === 'start' || e.event === 'build-start'), false, 'the second gowatch started nothing');

  // The first gowatch dies without stopping its program: the record it wrote still names it.
  first.child.kill('SIGKILL');
  await first.exited;
  assert.equal(await get(port), 'api|v1', 'the program outlived its gowatch');
  const third = project.start();
  const leftover = await third.waitForEvent('leftover');
  assert.ok(program?.event === 'start' && leftover.pids.includes(program.pid), JSON.stringify(leftover));
  await waitForReply(port, 'api|v1');
  assert.equal((await third.stop()).code, 130);
  assert.deepEqual(await project.survivors(), [], 'nothing survives gowatch');
});

/** The events a gowatch wrote into a file, as parsed so far (a line may still be half written). */
const eventsIn = (file: string): GowatchEvent[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line) => {
          try {
            const parsed = anyEventSchema.safeParse(JSON.parse(line));
            return parsed.success ? [parsed.data as GowatchEvent] : [];
          } catch {
            return [];
          }
        })
    : [];

const waitUntil = async (check: () => boolean, what: string, timeoutMs = 90_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(50);
  }
};

test('gowatch\'s own output sent into the project, and a log its program writes, are no change: no feedback loop, each said at most once', async (t) => {
  const port = await freePort();
  const project = sharedPackageProject('output', { api: { role: 'api', port } });
  t.after(project.cleanup);
  const eventsFile = path.join(project.dir, 'events.jsonl');
  const logFile = path.join(project.dir, 'gowatch.log');
  const stdout = openSync(eventsFile, 'w');
  const stderr = openSync(logFile, 'w');
  // As `gowatch run --json > events.jsonl 2> gowatch.log` typed in the project.
  const child = spawn(process.execPath, [CLI, 'run', '--json', '--verbose'], {
    cwd: project.dir,
    env: { ...process.env, NO_COLOR: '1', ...project.env },
    stdio: ['ignore', stdout, stderr],
  });
  closeSync(stdout);
  closeSync(stderr);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(() => child.kill('SIGKILL'));
  const events = () => eventsIn(eventsFile);

  await waitForReply(port, 'api|v1');
  // The program's own log: the first write is said once (no pattern names it), the others not at all.
  await waitUntil(() => events().some((e) => e.event === 'skip' && e.files.includes('app.log')), 'app.log said once');
  for (let request = 0; request < 10; request++) assert.equal(await get(port), 'api|v1');
  // A checkpoint: an edit is built and served, so every batch before it was handled.
  project.setReply('v2');
  await waitForReply(port, 'api|v2');
  await waitUntil(() => events().filter((e) => e.event === 'start').length === 2, 'the second start is written');

  const seen = events();
  const ownFiles = ['events.jsonl', 'gowatch.log'];
  assert.deepEqual(
    seen.filter((e) => (e.event === 'change' || e.event === 'skip') && e.files.some((file) => ownFiles.includes(file))),
    [],
    'gowatch never tells of the files its own output goes to',
  );
  assert.equal(seen.filter((e) => e.event === 'skip' && e.files.includes('app.log')).length, 1, 'app.log is said skipped once');
  assert.deepEqual(
    seen.filter((e) => e.event === 'change' && !e.files.includes('reply.go')),
    [],
    'a batch of only files no pattern names is no change',
  );
  child.kill('SIGINT');
  assert.equal(await exited, 130);
  assert.deepEqual(await project.survivors(), [], 'nothing survives gowatch');
});
