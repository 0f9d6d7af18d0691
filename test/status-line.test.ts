import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { tempDir, writeTree } from './support/fixtures.js';
import { CLI } from './support/gowatch-process.js';
import { linksBegun, slowLinker } from './support/targets-project.js';
import { openTmuxPane, shellQuote as quote } from './support/tmux-pane.js';

/**
 * The status line, in a real terminal: gowatch runs in a tmux pane and the pane's screen is
 * read back (capture-pane). Outside CI a machine may lack tmux; CI (.ci/run) installs it.
 */
const TIMEOUT = { timeout: 180_000 };
const ROWS = 14;


/** A program that writes a numbered line of its version several times a second, until stopped; CRASH ends it with code 3 after its first line. */
const mainGo = (version: string, extra = '') => `package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	for i := 0; ; i++ {
		fmt.Println("line", i, "of ${version}")
		if os.Getenv("CRASH") == "1" {
			os.Exit(3)
		}
		time.Sleep(150 * time.Millisecond)${extra}
	}
}
`;

/** A program's line, behind its target's name when several run. */
const PROGRAM_LINE = /^(\w+ +│ )?line \d+ of v\d+$/;

type Pane = {
  readonly dir: string;
  readonly screen: () => string[];
  /** Resolves with the screen once `ok` holds for it. */
  readonly until: (ok: (rows: string[]) => boolean, what: string, timeoutMs?: number) => Promise<string[]>;
  readonly tmux: (...args: string[]) => string;
  /** Replaces a file of the project in one rename, as an editor's atomic save does: one change. */
  readonly edit: (rel: string, text: string) => void;
};

const openPane = (t: TestContext, config: Record<string, unknown>, env: Record<string, string> = {}, args: readonly string[] = [], extraFiles: Record<string, string> = {}): Pane | undefined => {
  const files = tempDir('gowatch-status-');
  const dir = path.join(files.dir, 'project');
  writeTree(dir, { 'go.mod': 'module example.com/status\n\ngo 1.22\n', 'main.go': mainGo('v1'), 'buddy.watch.json': JSON.stringify(config), ...extraFiles });
  const script = path.join(files.dir, 'pane.sh');
  const vars = Object.entries({ GOWATCH_CACHE_DIR: process.env['GOWATCH_CACHE_DIR'] ?? '', ...env }).map(([key, value]) => `${key}=${quote(value)}`);
  // The shell stays after gowatch to show how it left the terminal; Ctrl-C reaches it too,
  // and its trap keeps it (gowatch, started from it, has SIGINT as usual).
  writeFileSync(script, `trap : INT\n${vars.join(' ')} ${quote(process.execPath)} ${quote(CLI)} run${args.map((arg) => ` ${quote(arg)}`).join('')}; echo "gowatch exited $?"; exec sleep 600\n`);
  const pane = openTmuxPane(t, { socketDir: files.dir, cwd: dir, script, width: 100, height: ROWS, testing: 'the status line' });
  // After the pane's server is stopped: its socket is in there.
  t.after(files.cleanup);
  if (!pane) return undefined;
  const edit = (rel: string, text: string) => {
    const staged = path.join(files.dir, 'staged');
    writeFileSync(staged, text);
    renameSync(staged, path.join(dir, rel));
  };
  return { dir, ...pane, edit };
};

/** The status line is the bottom row of the pane. */
const statusRow = (rows: string[]) => rows.at(-1) ?? '';

/**
 * Every row above the status line is whole: a line of the program, one of gowatch's own, a
 * compiler message under a failed build, or blank (the cursor's row). A status line mixed into
 * the program's output, or the program's output cut by one, would fit none of these.
 */
const assertRowsWhole = (rows: string[]) => {
  for (const row of rows.slice(0, -1)) {
    const text = row.trimEnd();
    assert.ok(text === '' || PROGRAM_LINE.test(text) || /^\[gowatch\] /.test(text) || /^  [\w/]+\.go:\d+/.test(text), `a row that is not one whole line: ${JSON.stringify(text)}\n${rows.join('\n')}`);
  }
};

const statusRows = (rows: string[], pattern: RegExp) => rows.filter((row) => pattern.test(row));

test('the status line says running, building with its seconds, ready in, failed at file:line; survives a resize; Ctrl-C leaves no trace and the cursor shown', TIMEOUT, async (t) => {
  const linker = tempDir('gowatch-status-linker-');
  t.after(() => linker.cleanup());
  const pane = openPane(t, { 'go.build.flags': ['-toolexec', slowLinker(linker.dir, 3)] });
  if (!pane) return;

  let rows = await pane.until((rows) => /^running since \d\d:\d\d:\d\d · ready in \d+ ms/.test(statusRow(rows)) && rows.some((row) => row.startsWith('line 3 of v1')), 'the program running under the status line');
  assertRowsWhole(rows);

  pane.edit('main.go', mainGo('v2'));
  await linksBegun(linker.dir, 2);
  // Redrawn as the build goes on: its seconds count while the program keeps writing above.
  rows = await pane.until((rows) => /^building… [12] s/.test(statusRow(rows)), 'the building line counting seconds');
  assertRowsWhole(rows);
  rows = await pane.until((rows) => /^running since/.test(statusRow(rows)) && rows.some((row) => row.startsWith('line 2 of v2')), 'the new program running');
  const ready = Number(/ready in (\d+) ms/.exec(statusRow(rows))?.[1]);
  // From the save to the start: the link alone was held for 3 s.
  assert.ok(ready >= 3000, `ready in ${ready} ms counts from the change: ${statusRow(rows)}`);
  assertRowsWhole(rows);

  pane.edit('main.go', mainGo('v3', '\n\t\tundefinedName()'));
  rows = await pane.until((rows) => statusRow(rows).startsWith('build failed at main.go:16, the previous program keeps running'), 'the failed build with its file:line');
  assertRowsWhole(rows);

  const height = () => Number(pane.tmux('display-message', '-p', '-t', 'gowatch', '#{pane_height}'));
  pane.tmux('resize-window', '-t', 'gowatch', '-x', '60', '-y', String(ROWS - 4));
  rows = await pane.until((rows) => height() === ROWS - 4 && /^build failed at main\.go:16, the previous .*…$/.test(statusRow(rows)) && statusRow(rows).length < 60, 'the status line cut to the narrower pane');
  pane.tmux('resize-window', '-t', 'gowatch', '-x', '100', '-y', String(ROWS + 6));
  rows = await pane.until(
    (rows) => height() === ROWS + 6 && statusRow(rows).trimEnd() === 'build failed at main.go:16, the previous program keeps running' && rows.slice(-4, -1).some((row) => PROGRAM_LINE.test(row)),
    'the status line whole again in the taller pane, the program writing above it',
  );
  assert.equal(statusRows(rows, /build failed at/).length, 1, `one status line after the resizes:\n${rows.join('\n')}`);
  assert.match(statusRow(rows), /^build failed at main\.go:16/);

  pane.tmux('send-keys', '-t', 'gowatch', 'C-c');
  rows = await pane.until((rows) => rows.some((row) => row.includes('gowatch exited 130')), 'gowatch exiting on Ctrl-C');
  assert.deepEqual(statusRows(rows, /build failed at|running since|building…/), [], `no status line left:\n${rows.join('\n')}`);
  assert.equal(pane.tmux('display-message', '-p', '-t', 'gowatch', '#{cursor_flag}').trim(), '1', 'the cursor is shown');
  const after = pane.tmux('capture-pane', '-p', '-J', '-t', 'gowatch', '-S', '-', '-E', '-');
  assert.doesNotMatch(after, /running since|building…|restarting in/, 'no fragment of the status line anywhere, history included');
});

test('a crashing program under on-failure: the status line counts down its back-off', TIMEOUT, async (t) => {
  const pane = openPane(t, { 'go.run.restart': 'on-failure' }, { CRASH: '1' });
  if (!pane) return;
  const rows = await pane.until((rows) => /^crashed \(restart \d+\); restarting in \d+ s$/.test(statusRow(rows).trimEnd()), 'the back-off');
  assertRowsWhole(rows);
});

test('TERM=dumb: no status line, plain lines as on a pipe', TIMEOUT, async (t) => {
  const pane = openPane(t, {}, { TERM: 'dumb' });
  if (!pane) return;
  const rows = await pane.until((rows) => rows.some((row) => row.startsWith('line 3 of v1')), 'the program running');
  assert.deepEqual(statusRows(rows, /running since|ready in/), [], `no status line:\n${rows.join('\n')}`);
});

test('--quiet: no routine lines, the status line says the state; a failed build is said', TIMEOUT, async (t) => {
  const pane = openPane(t, {}, {}, ['--quiet']);
  if (!pane) return;
  let rows = await pane.until((rows) => /^running since/.test(statusRow(rows)) && rows.some((row) => row.startsWith('line 3 of v1')), 'the program running');
  assert.deepEqual(rows.filter((row) => row.startsWith('[gowatch]')), [], `no routine line:\n${rows.join('\n')}`);
  pane.edit('main.go', mainGo('v2', '\n\t\tundefinedName()'));
  rows = await pane.until((rows) => statusRow(rows).startsWith('build failed at main.go:16'), 'the failed build');
  assert.deepEqual(
    rows.filter((row) => row.startsWith('[gowatch]') || row.startsWith('  main.go')),
    ['[gowatch] build failed in ' + /build failed in (\d+ ms)/.exec(rows.join('\n'))?.[1] + '; the previous program keeps running', '  main.go:16:3: undefined: undefinedName'],
    `the failure and nothing else:\n${rows.join('\n')}`,
  );
  assertRowsWhole(rows);
});

test('go.run.clearScreen: a build starts on a cleared screen, under the same status line', TIMEOUT, async (t) => {
  const pane = openPane(t, { 'go.run.clearScreen': true });
  if (!pane) return;
  await pane.until((rows) => /^running since/.test(statusRow(rows)) && rows.some((row) => row.startsWith('line 3 of v1')), 'the program running');
  pane.edit('main.go', mainGo('v2'));
  const rows = await pane.until((rows) => /^running since/.test(statusRow(rows)) && rows.some((row) => row.startsWith('line 1 of v2')), 'the new program running');
  // The screen was cleared when the build started: what the save caused begins at the top.
  assert.equal(rows[0], '[gowatch] building .…', `the first row:\n${rows.join('\n')}`);
  assert.deepEqual(rows.filter((row) => /\[gowatch\] (watching|changed)/.test(row)), [], 'lines from before the build are gone');
  assertRowsWhole(rows);
});

test('several targets: one summary line, each target with its state', TIMEOUT, async (t) => {
  const config = { targets: { api: { 'go.build.package': './cmd/api' }, worker: { 'go.build.package': './cmd/worker' } } };
  const pane = openPane(t, config, {}, [], { 'cmd/api/main.go': mainGo('v1'), 'cmd/worker/main.go': mainGo('v1') });
  if (!pane) return;
  const summary = /^api: running since \d\d:\d\d:\d\d · ready in \d+ ms {2}│ {2}worker: running since \d\d:\d\d:\d\d · ready in \d+ ms$/;
  let rows = await pane.until((rows) => summary.test(statusRow(rows).trimEnd()) && rows.some((row) => /^worker +│ line 3 of v1/.test(row)), 'both running');
  assertRowsWhole(rows);
  pane.edit('cmd/worker/main.go', mainGo('v2', '\n\t\tundefinedName()'));
  rows = await pane.until((rows) => /^api: running since .* {2}│ {2}worker: build failed at cmd\/worker\/main\.go:16/.test(statusRow(rows)), 'the worker failed, the api running');
  assert.equal(statusRows(rows, /worker: /).length, 1, 'one status line');
});

test('colours on a terminal, none with NO_COLOR or FORCE_COLOR=0; the status line either way', TIMEOUT, async (t) => {
  const envs: Record<string, string>[] = [{}, { NO_COLOR: '1' }, { FORCE_COLOR: '0' }];
  for (const env of envs) {
    const pane = openPane(t, {}, env);
    if (!pane) return;
    await pane.until((rows) => /^running since/.test(statusRow(rows)), `the status line (${JSON.stringify(env)})`);
    const painted = pane.tmux('capture-pane', '-p', '-e', '-t', 'gowatch');
    // capture-pane -e keeps the colours as escape sequences.
    assert.equal(/\x1b\[[0-9;]*m/.test(painted), Object.keys(env).length === 0, `colours with ${JSON.stringify(env)}:\n${JSON.stringify(painted)}`);
  }
});
