import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { tempDir, writeTree } from './support/fixtures.js';
import { actionsOf } from '../src/hotkeys/keys.js';
import { CLI } from './support/gowatch-process.js';
import { openTmuxPane, shellQuote as quote } from './support/tmux-pane.js';

/**
 * The hotkeys of gowatch run, in a real terminal: gowatch runs in a tmux pane, keys are typed
 * with send-keys and the pane's screen is read back (capture-pane). After gowatch, the pane's
 * shell records the terminal's settings (stty -a) to show how gowatch left it.
 */
const TIMEOUT = { timeout: 180_000 };


/** Says its pid once started, then echoes each line of its stdin, and says when stdin ends; IGNORE_STOP: it does not stop when asked. */
const MAIN_GO = `package main

import (
	"bufio"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	if os.Getenv("IGNORE_STOP") == "1" {
		stops := make(chan os.Signal, 1)
		signal.Notify(stops, syscall.SIGTERM, syscall.SIGINT)
		go func() {
			for range stops {
				fmt.Println("stop signal ignored")
			}
		}()
	}
	fmt.Println("started pid", os.Getpid())
	go func() {
		lines := bufio.NewScanner(os.Stdin)
		for lines.Scan() {
			fmt.Println("got:", lines.Text())
		}
		fmt.Println("stdin closed")
	}()
	for {
		time.Sleep(time.Hour)
	}
}
`;

type Pane = {
  readonly dir: string;
  readonly until: (ok: (rows: string[]) => boolean, what: string) => Promise<string[]>;
  readonly keys: (...keys: string[]) => void;
  /** The pane's terminal settings once gowatch exited (stty -a), and its exit status. */
  readonly after: () => Promise<{ readonly status: string; readonly stty: string }>;
  readonly cursorShown: () => boolean;
};

const openPane = (t: TestContext, config: Record<string, unknown>): Pane | undefined => {
  const files = tempDir('gowatch-keys-');
  const dir = path.join(files.dir, 'project');
  writeTree(dir, { 'go.mod': 'module example.com/keys\n\ngo 1.22\n', 'main.go': MAIN_GO, 'buddy.watch.json': JSON.stringify(config) });
  const script = path.join(files.dir, 'pane.sh');
  const afterFile = path.join(files.dir, 'after');
  const cache = `GOWATCH_CACHE_DIR=${quote(process.env['GOWATCH_CACHE_DIR'] ?? '')}`;
  // The shell keeps on after gowatch (its trap keeps it through Ctrl-C) and writes down how the terminal was left.
  writeFileSync(
    script,
    `trap : INT\n${cache} ${quote(process.execPath)} ${quote(CLI)} run; status=$?; stty -a > ${quote(`${afterFile}.part`)}; echo "exited $status" >> ${quote(`${afterFile}.part`)}; mv ${quote(`${afterFile}.part`)} ${quote(afterFile)}; echo "gowatch exited $status"; exec sleep 600\n`,
  );
  const pane = openTmuxPane(t, { socketDir: files.dir, cwd: dir, script, width: 120, height: 30, testing: 'the hotkeys' });
  // After the pane's server is stopped: its socket is in there.
  t.after(files.cleanup);
  if (!pane) return undefined;
  const { tmux, until } = pane;
  return {
    dir,
    until,
    keys: (...keys) => void tmux('send-keys', '-t', 'gowatch', ...keys),
    after: async () => {
      await until(() => existsSync(afterFile), 'gowatch exit');
      const text = readFileSync(afterFile, 'utf8');
      return { status: /exited (\d+)/.exec(text)?.[1] ?? '', stty: text };
    },
    cursorShown: () => tmux('display-message', '-p', '-t', 'gowatch', '#{cursor_flag}').trim() === '1',
  };
};

const pids = (rows: readonly string[]) => rows.flatMap((row) => /started pid (\d+)/.exec(row)?.[1] ?? []);

/** Line mode, as a shell leaves its terminal for a program: echo on, lines, Ctrl-C a signal. */
const assertLineMode = (stty: string) => {
  for (const flag of ['icanon', 'echo', 'isig']) assert.match(stty, new RegExp(`(^|\\s)${flag}(\\s|$)`), `${flag} is off after gowatch:\n${stty}`);
};

test('on a terminal, by default: h helps, r restarts from the cache, f builds with go, p says how to turn profiling on, c clears, q quits with 0 and the terminal in line mode; the program reads a closed stdin', TIMEOUT, async (t) => {
  const pane = openPane(t, {});
  if (!pane) return;
  let rows = await pane.until((rows) => pids(rows).length === 1 && rows.includes('stdin closed'), 'the program started with its stdin closed');
  const first = pids(rows)[0];

  pane.keys('h');
  await pane.until((rows) => rows.some((row) => row.startsWith('keys: r rebuild and restart')) && rows.some((row) => row.includes('"go.run.stdin": "inherit"')), 'the help');

  pane.keys('r');
  rows = await pane.until((rows) => pids(rows).length === 2, 'a restart');
  assert.notEqual(pids(rows)[1], first, 'a new process');
  assert.ok(rows.some((row) => /built \S+ from cache/.test(row)), `r runs the binary from the cache:\n${rows.join('\n')}`);

  pane.keys('f');
  rows = await pane.until((rows) => pids(rows).length === 3, 'a restart after a forced build');
  // The first build was go's too: f's is the second.
  assert.equal(rows.filter((row) => /built \S+ in \d+ ms/.test(row)).length, 2, `f builds with go, not from the cache:\n${rows.join('\n')}`);

  pane.keys('p');
  await pane.until((rows) => rows.some((row) => row.includes('profiling is off') && row.includes('"go.run.profile": "inject"')), 'how to turn profiling on');

  pane.keys('c');
  await pane.until((rows) => !rows.slice(0, -1).some((row) => /started pid|keys: r/.test(row)), 'the screen cleared');

  pane.keys('q');
  const { status, stty } = await pane.after();
  assert.equal(status, '0', 'q is a stop asked for: status 0');
  assertLineMode(stty);
  assert.ok(pane.cursorShown(), 'the cursor is shown');
});

test('Ctrl-C in raw mode still stops gowatch, with 130, a second one at once, and leaves the terminal in line mode', TIMEOUT, async (t) => {
  // A program that will not stop, and a stop timeout longer than the test waits: only a second Ctrl-C ends gowatch in time.
  const pane = openPane(t, { 'go.run.env': { IGNORE_STOP: '1' }, 'go.run.stopTimeout': 600_000 });
  if (!pane) return;
  await pane.until((rows) => pids(rows).length === 1, 'the program started');
  // The help comes once gowatch reads keys, so the terminal is raw by now.
  pane.keys('h');
  await pane.until((rows) => rows.some((row) => row.startsWith('keys: r rebuild')), 'the help');
  pane.keys('C-c');
  await pane.until((rows) => rows.includes('stop signal ignored'), 'the graceful stop begun');
  pane.keys('C-c');
  const { status, stty } = await pane.after();
  assert.equal(status, '130');
  assertLineMode(stty);
  assert.ok(pane.cursorShown(), 'the cursor is shown');
});

test('go.run.stdin "inherit": the program reads what is typed, r included, and gowatch reads no keys', TIMEOUT, async (t) => {
  const pane = openPane(t, { 'go.run.stdin': 'inherit' });
  if (!pane) return;
  await pane.until((rows) => pids(rows).length === 1, 'the program started');
  pane.keys('r', 'Enter');
  pane.keys('hello', 'Enter');
  const rows = await pane.until((rows) => rows.includes('got: hello'), 'the typed line read by the program');
  assert.ok(rows.includes('got: r'), `r went to the program:\n${rows.join('\n')}`);
  assert.equal(pids(rows).length, 1, 'r restarted nothing');
  pane.keys('C-c');
  const { status, stty } = await pane.after();
  assert.equal(status, '130');
  assertLineMode(stty);
});

test('keys as the terminal sends them: a paste is several, Caps Lock changes nothing, Ctrl-C is a key; an arrow or function key is none', () => {
  assert.deepEqual(actionsOf('rF\x03x'), ['rebuild', 'force', 'interrupt']);
  // Right arrow, F1, and Alt-c: their letters would otherwise clear the screen or take a profile.
  for (const sequence of ['\x1b[C', '\x1bOP', '\x1bc']) assert.deepEqual(actionsOf(sequence), [], JSON.stringify(sequence));
});

test('with go.run.profile on, p captures a heap profile of the running program and says where it is; h names the target', TIMEOUT, async (t) => {
  const pane = openPane(t, { 'go.run.profile': 'inject', 'go.run.profileBaseline': null });
  if (!pane) return;
  await pane.until((rows) => pids(rows).length === 1, 'the program started');
  pane.keys('h');
  await pane.until((rows) => rows.some((row) => row.trim() === 'p heap profile of .'), 'the help naming the profiled target');
  pane.keys('p');
  const rows = await pane.until((rows) => rows.some((row) => /profile: heap \/\S+/.test(row)), 'the heap profile said');
  const file = rows.map((row) => /profile: heap (\/\S+)/.exec(row)?.[1]).find((found) => found !== undefined)!;
  assert.ok(readFileSync(file).length > 0, `${file} holds the profile`);
  pane.keys('q');
  assert.equal((await pane.after()).status, '0');
});
