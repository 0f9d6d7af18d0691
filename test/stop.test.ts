import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { tempDir, writeTree } from './support/fixtures.js';
import { GowatchProcess, stopAllGowatch } from './support/gowatch-process.js';
import { survivors } from './support/processes.js';

const cache = tempDir('gowatch-cache-');
after(async () => {
  await stopAllGowatch();
  cache.cleanup();
});

/**
 * A program that starts a child in its own group and another that escapes with setsid, and
 * records the three pids; with IGNORE_TERM=1 it ignores SIGTERM like a stuck server.
 */
const program = (version: number) => `package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"
)

const version = ${version}

func main() {
	if os.Getenv("IGNORE_TERM") == "1" {
		signal.Ignore(syscall.SIGTERM)
	}
	child := exec.Command("sleep", "300")
	if err := child.Start(); err != nil {
		panic(err)
	}
	escaped := exec.Command("sleep", "301")
	escaped.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := escaped.Start(); err != nil {
		panic(err)
	}
	f, err := os.OpenFile(os.Getenv("PIDS_FILE"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		panic(err)
	}
	fmt.Fprintf(f, "%d %d %d %d\\n", version, os.Getpid(), child.Process.Pid, escaped.Process.Pid)
	f.Close()
	for {
		time.Sleep(time.Hour)
	}
}
`;

const start = async (name: string, config: Record<string, unknown> = {}, programEnv: Record<string, string> = {}) => {
  const fixture = tempDir(`gowatch-${name}-`);
  const pidsFile = path.join(fixture.dir, 'pids.txt');
  writeTree(fixture.dir, {
    'go.mod': `module example.com/${name}\n\ngo 1.22\n`,
    'main.go': program(1),
    'buddy.watch.json': JSON.stringify({ 'go.run.env': { PIDS_FILE: pidsFile, ...programEnv }, ...config }),
  });
  const gowatch = new GowatchProcess([], { cwd: fixture.dir, env: { GOWATCH_CACHE_DIR: cache.dir } });
  await gowatch.waitForEvent('start');
  const pids = async (version: number): Promise<number[]> => {
    for (;;) {
      const line = (existsSync(pidsFile) ? readFileSync(pidsFile, 'utf8') : '').split('\n').find((l) => l.startsWith(`${version} `));
      if (line) return line.split(' ').slice(1).map(Number);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { fixture, gowatch, pids, edit: (version: number) => writeFileSync(path.join(fixture.dir, 'main.go'), program(version)) };
};

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  test(`gowatch stopped by ${signal} exits ${code} and leaves no process behind`, async () => {
    const { fixture, gowatch, pids } = await start(`signal-${signal.toLowerCase()}`);
    const tree = await pids(1);
    assert.equal(tree.length, 3);
    const exit = await gowatch.stop(signal);
    assert.equal(exit.code, code, gowatch.stderr);
    assert.deepEqual(await survivors(tree, 2000), [], 'program, child and setsid child are all gone when gowatch exits');
    const stop = gowatch.events.find((e) => e.event === 'stop');
    assert.equal(stop?.event === 'stop' && stop.forced, false);
    fixture.cleanup();
  });
}

test('a program that ignores SIGTERM is killed after the stop timeout, with everything it started', async () => {
  const { fixture, gowatch: stubborn, pids, edit } = await start('ignore-term', { 'go.run.stopTimeout': 1000 }, { IGNORE_TERM: '1' });
  const first = await pids(1);
  const mark = stubborn.mark();
  edit(2);
  const stop = await stubborn.waitForEvent('stop', mark);
  assert.equal(stop.forced, true);
  assert.ok(stop.durationMs >= 1000, `stopped after ${stop.durationMs} ms`);
  await stubborn.waitForEvent('start', mark);
  assert.deepEqual(await survivors(first, 2000), [], 'the old tree is gone before the new program runs');
  const second = await pids(2);
  assert.equal((await stubborn.stop('SIGINT')).code, 130);
  assert.deepEqual(await survivors(second, 2000), []);
  fixture.cleanup();
});
