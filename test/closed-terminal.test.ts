import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test, type TestContext } from 'node:test';
import { behavingProject, MARKER } from './support/behaving-project.js';
import { tempDir } from './support/fixtures.js';
import { CLI } from './support/gowatch-process.js';
import { carryingEnv, survivors } from './support/processes.js';
import { which } from './support/which.js';

/**
 * gowatch in a real tmux pane, and the pane closed: the terminal is hung up under it. Outside
 * CI a machine may lack tmux; CI (.ci/run) installs it and must run these.
 */
const cache = tempDir('gowatch-cache-');
after(() => cache.cleanup());

const TIMEOUT = { timeout: 120_000 };

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** The contents of `file` once it exists, or undefined after `timeoutMs`. */
const whenWritten = async (file: string, timeoutMs: number): Promise<string | undefined> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      if (text.endsWith('\n')) return text;
    }
    await sleep(100);
  }
  return undefined;
};

const shells = [
  // As bash does with its jobs when its terminal goes.
  { how: 'passes SIGHUP on to gowatch, as an interactive shell does', trap: "trap 'kill -HUP $pid' HUP" },
  // No SIGHUP reaches gowatch: it has to notice the hung-up terminal itself.
  { how: 'ignores SIGHUP, so none reaches gowatch', trap: "trap '' HUP" },
];

for (const { how, trap } of shells) {
  test(`closing the tmux pane whose shell ${how}: gowatch stops its program and exits 129, without an abort`, TIMEOUT, async (t: TestContext) => {
    const tmux = which('tmux');
    if (!tmux && !process.env['CI']) {
      t.skip('tmux is not installed (apt-get install tmux); the closed terminal was not tested');
      return;
    }
    assert.ok(tmux, 'tmux is missing (Debian: apt-get install tmux)');
    const project = behavingProject('closed-pane', { cacheDir: cache.dir, programEnv: { SETSID_CHILD: '1' } });
    const files = tempDir('gowatch-tmux-');
    const socket = path.join(files.dir, 'socket');
    const status = path.join(files.dir, 'status');
    const stderr = path.join(files.dir, 'stderr');
    // The pane's shell outlives the hang-up to record gowatch's exit status. Its trap does not
    // reach gowatch's own disposition: Node resets an inherited SIG_IGN, and gowatch listens for
    // SIGHUP. gowatch's stdout is the pane's terminal, the descriptor Node resets at exit.
    const script = path.join(files.dir, 'pane.sh');
    writeFileSync(
      script,
      [
        trap,
        `GOWATCH_CACHE_DIR=${quote(cache.dir)} ${MARKER}=${quote(project.marker)} ${quote(process.execPath)} ${quote(CLI)} run --json 2>${quote(stderr)} &`,
        'pid=$!',
        // A trap interrupts wait: wait again for the real status.
        'wait $pid; code=$?',
        'while kill -0 $pid 2>/dev/null; do wait $pid; code=$?; done',
        `echo $code >${quote(status)}`,
        '',
      ].join('\n'),
    );
    const env = { ...process.env, TMUX: undefined };
    const tmuxDo = (...args: string[]) => spawnSync(tmux, ['-S', socket, '-f', '/dev/null', ...args], { env, encoding: 'utf8' });
    t.after(() => {
      tmuxDo('kill-server');
      for (const pid of carryingEnv(MARKER, project.marker)) process.kill(pid, 'SIGKILL');
      project.cleanup();
      files.cleanup();
    });

    const opened = tmuxDo('new-session', '-d', '-s', 'gowatch', '-c', project.dir, '-x', '100', '-y', '30', 'sh', script);
    assert.equal(opened.status, 0, opened.stderr);
    await project.served('v0');
    const tree = carryingEnv(MARKER, project.marker);
    assert.equal(tree.length, 3, 'gowatch, the program and its setsid child');

    const closed = tmuxDo('kill-pane', '-t', 'gowatch');
    assert.equal(closed.status, 0, closed.stderr);
    const code = await whenWritten(status, 60_000);
    const said = existsSync(stderr) ? readFileSync(stderr, 'utf8') : '';
    assert.doesNotMatch(said, /Assertion failed|Native stack trace|Segmentation fault/, 'Node did not abort');
    assert.equal(code?.trim(), '129', `gowatch's exit status, as the shell saw it; its stderr:\n${said}`);
    assert.deepEqual(await survivors(tree, 15_000), [], 'gowatch, the program and its setsid child are gone');
  });
}
