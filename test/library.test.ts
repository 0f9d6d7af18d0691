import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { EventStream } from '../src/library/event-stream.js';
import { anyEventSchema, GowatchError, watch, type EventName, type GowatchEvent, type WatchOptions } from '../src/index.js';
import { httpMainGo, tempDir, writeTree } from './support/fixtures.js';
import { EDIT_LIFECYCLE, lifecycle } from './support/lifecycle.js';
import { freePort, waitForReply } from './support/net.js';
import { survivors } from './support/processes.js';

/** reply.go of a server whose answer shows what it was given: its environment and working directory. */
const replyGo = (word: string) => `package main

import "os"

func reply() string {
	wd, _ := os.Getwd()
	return ${JSON.stringify(word)} + " " + os.Getenv("LIBRARY_GREETING") + " " + wd
}
`;

const service = (name: string) => {
  const fixture = tempDir(`gowatch-library-${name}-`);
  writeTree(fixture.dir, {
    'go.mod': `module example.com/${name}\n\ngo 1.22\n`,
    'main.go': httpMainGo('fmt.Println("served"); fmt.Fprint(w, reply())'),
    'reply.go': replyGo('one'),
  });
  return fixture;
};

/** Reads events until one named `name`, recording each; leaving the loop leaves the rest for the next one. */
const until = async (events: AsyncIterable<GowatchEvent>, name: EventName, seen: GowatchEvent[]): Promise<GowatchEvent> => {
  for await (const event of events) {
    seen.push(event);
    if (event.event === name) return event;
  }
  throw new Error(`events ended before "${name}": ${seen.map((event) => event.event).join(', ')}`);
};

const drain = async (events: AsyncIterable<GowatchEvent>): Promise<GowatchEvent[]> => {
  const rest: GowatchEvent[] = [];
  for await (const event of events) rest.push(event);
  return rest;
};


test('watch() drives a real program from its options alone: events through the iterator and the emitter, an edit served, nothing left after close()', { timeout: 180_000 }, async () => {
  const fixture = service('drive');
  const cache = tempDir('gowatch-library-cache-');
  // The test process stands elsewhere, where a config gowatch would refuse lies, with another
  // greeting and another cache in its own environment: the watcher must use only what it is given.
  const elsewhere = tempDir('gowatch-library-elsewhere-');
  writeTree(elsewhere.dir, { 'buddy.watch.json': '{"go.watch.delay": "not from here"}' });
  const given = { ...process.env, GOWATCH_CACHE_DIR: cache.dir, LIBRARY_GREETING: 'from-options' };
  const saved = { cwd: process.cwd(), getCwd: process.cwd, env: { ...process.env } };
  const cwdCallers: string[] = [];
  process.chdir(elsewhere.dir);
  process.cwd = () => {
    cwdCallers.push(new Error().stack ?? '');
    return saved.getCwd.call(process);
  };
  process.env['LIBRARY_GREETING'] = 'from-process-env';
  process.env['GOWATCH_CACHE_DIR'] = path.join(elsewhere.dir, 'cache');
  try {
    const port = await freePort();
    const output: string[] = [];
    const watcher = await watch({
      cwd: fixture.dir,
      'go.run.args': ['-addr', `127.0.0.1:${port}`],
      'go.run.stdin': 'ignore',
      env: given,
      programOutput: (target, stream, line) => output.push(`${target} ${stream} ${line}`),
    });
    try {
      const emitted: GowatchEvent[] = [];
      const started: number[] = [];
      watcher.on('event', (event) => emitted.push(event)).on('start', (event) => started.push(event.pid));
      const iterated: GowatchEvent[] = [];
      const first = await until(watcher.events, 'start', iterated);
      await watcher.ready;
      await waitForReply(port, `one from-options ${fixture.dir}`);

      const mark = iterated.length;
      writeFileSync(path.join(fixture.dir, 'reply.go'), replyGo('two'));
      const second = await until(watcher.events, 'start', iterated);
      assert.match(lifecycle(iterated.slice(mark)), EDIT_LIFECYCLE, 'through the iterator');
      assert.match(lifecycle(emitted.slice(mark, emitted.indexOf(second) + 1)), EDIT_LIFECYCLE, 'through the emitter');
      assert.deepEqual(emitted.slice(0, iterated.length), iterated, 'the iterator and the emitter tell the same events');
      assert.deepEqual(started, [first, second].map((event) => event.event === 'start' && event.pid));
      await waitForReply(port, `two from-options ${fixture.dir}`);
      assert.ok(output.includes(`${first.event === 'start' && first.target} stdout served`), output.join('\n'));

      await watcher.close();
      assert.deepEqual(await survivors(started, 0), [], 'close() resolves once no program is left');
      const rest = await drain(watcher.events);
      assert.ok(rest.some((event) => event.event === 'stop' && event.pid === started[1]), 'the last stop is told before the events end');
      assert.deepEqual([...iterated, ...rest], emitted);
      for (const event of emitted) assert.ok(anyEventSchema.safeParse(event).success, JSON.stringify(event));
    } finally {
      await watcher.close();
    }
    assert.equal(readdirSync(path.join(cache.dir, 'projects')).length, 1, 'binaries go to the cache of the given environment');
    assert.equal(existsSync(path.join(elsewhere.dir, 'cache')), false, "nothing goes to the test process's own cache");
    const coreCallers = cwdCallers.filter((stack) => stack.includes(`${path.sep}dist${path.sep}src${path.sep}`));
    assert.deepEqual(coreCallers, [], 'gowatch never asks for process.cwd()');
  } finally {
    process.cwd = saved.getCwd;
    process.chdir(saved.cwd);
    for (const name of ['LIBRARY_GREETING', 'GOWATCH_CACHE_DIR']) {
      if (saved.env[name] === undefined) delete process.env[name];
      else process.env[name] = saved.env[name];
    }
    fixture.cleanup();
    elsewhere.cleanup();
    cache.cleanup();
  }
});

test('a refused option names the option and the value, and nothing starts', async () => {
  const fixture = service('refused');
  const cache = tempDir('gowatch-library-cache-');
  const env = { ...process.env, GOWATCH_CACHE_DIR: cache.dir };
  const refused = (options: WatchOptions, message: string | RegExp) =>
    assert.rejects(watch(options), (error: unknown) => {
      assert.ok(error instanceof GowatchError, String(error));
      if (typeof message === 'string') assert.equal(error.message, message);
      else assert.match(error.message, message);
      return true;
    });
  try {
    await refused({ cwd: fixture.dir, env, 'go.watch.delay': 99999999 }, 'watch() option "go.watch.delay": expected at most 60000 milliseconds, got 99999999');
    await refused({ cwd: fixture.dir, env, 'go.watch.dealy': 10 } as WatchOptions, 'watch() option "go.watch.dealy" is unknown (did you mean "go.watch.delay"?)');
    await refused({ cwd: fixture.dir, env, 'go.run.args': '-v' as unknown as string[] }, 'watch() option "go.run.args": expected an array of strings, got "-v"');
    await refused({ cwd: fixture.dir, env, 'go.run.env': { PORT: 8080 as unknown as string } }, /^watch\(\) option "go\.run\.env" item PORT: expected .*, got 8080$/);
    await refused({ cwd: 'relative/dir', env }, /^watch\(\) option "cwd": expected an absolute directory path .*got "relative\/dir"$/);
    await refused({ cwd: fixture.dir, env: { PATH: 42 as unknown as string } }, 'watch() option "env": item PATH: expected a string, got 42');
    await refused({ cwd: fixture.dir, env, package: './cmd/api', targets: ['api'] }, 'watch() options "targets" and "package" each choose what runs; give one');

    // The config file is refused as the CLI refuses it, by file and key; a target name gets a did-you-mean.
    const config = path.join(fixture.dir, 'buddy.watch.json');
    writeFileSync(config, JSON.stringify({ 'go.run.restart': 'sometimes' }));
    await refused({ cwd: fixture.dir, env }, `${config}: "go.run.restart": expected "on-change", "on-failure" or "always", got "sometimes"`);
    writeFileSync(config, JSON.stringify({ targets: { api: { 'go.build.package': '.' }, worker: { 'go.build.package': '.' } } }));
    await refused(
      { cwd: fixture.dir, env, targets: ['wroker'] },
      `watch() option "targets": no target "wroker" in ${config} (did you mean "worker"?); its targets are api, worker`,
    );
    await refused({ cwd: fixture.dir, env, config: 'other.json' }, `${path.join(fixture.dir, 'other.json')}: does not exist (given with watch() option "config")`);

    assert.deepEqual(readdirSync(cache.dir), [], 'no build ran');
  } finally {
    fixture.cleanup();
    cache.cleanup();
  }
});

test('a start that fails rejects ready and ends the events with the same error; a watcher closed at once starts nothing', { timeout: 120_000 }, async () => {
  const fixture = service('no-go');
  const cache = tempDir('gowatch-library-cache-');
  const unused = tempDir('gowatch-library-cache-');
  const noGo = tempDir('gowatch-library-path-');
  try {
    // The environment given, not the test process's, decides where go is looked for.
    const watcher = await watch({ cwd: fixture.dir, config: false, env: { ...process.env, PATH: noGo.dir, GOWATCH_CACHE_DIR: cache.dir } });
    const failed = await watcher.ready.then(
      () => assert.fail('ready resolved without go'),
      (error: unknown) => error,
    );
    assert.ok(failed instanceof GowatchError && failed.kind === 'go-missing', String(failed));
    await assert.rejects(drain(watcher.events), (error) => error === failed);
    await watcher.close();

    const early = await watch({ cwd: fixture.dir, config: false, env: { ...process.env, GOWATCH_CACHE_DIR: unused.dir } });
    await early.close();
    await early.ready;
    assert.deepEqual(await drain(early.events), []);
    assert.deepEqual(readdirSync(unused.dir), [], 'nothing started');
  } finally {
    fixture.cleanup();
    cache.cleanup();
    unused.cleanup();
    noGo.cleanup();
  }
});

test('events nobody reads are bounded: the oldest are dropped and a warning says how many', async () => {
  const stream = new EventStream(3);
  for (let ts = 1; ts <= 5; ts++) stream.push({ event: 'warning', ts, message: `event ${ts}` });
  const read: GowatchEvent[] = [];
  for await (const event of stream) {
    read.push(event);
    if (read.length === 2) break;
  }
  stream.end();
  read.push(...(await drain(stream)));
  assert.deepEqual(
    read.map((event) => event.event === 'warning' && event.message),
    ['2 events were dropped unread: watcher.events keeps the latest 3 until they are read', 'event 3', 'event 4', 'event 5'],
  );
  for (const event of read) assert.ok(anyEventSchema.safeParse(event).success, JSON.stringify(event));
});
