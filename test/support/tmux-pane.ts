import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { which } from './which.js';

/** `text` as one word for sh. */
export const shellQuote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

export type TmuxPane = {
  /** `tmux ARGS` against the pane's own server: its output. */
  readonly tmux: (...args: string[]) => string;
  /** The pane's rows now, a long line that the pane wraps read back as the one line it is. */
  readonly screen: () => string[];
  /** Resolves with the screen once `ok` holds for it. */
  readonly until: (ok: (rows: string[]) => boolean, what: string, timeoutMs?: number) => Promise<string[]>;
};

/**
 * A real terminal: `sh SCRIPT` in a detached tmux pane of `width` × `height`, on a tmux server of
 * its own (socket in `socketDir`), stopped after the test. Undefined, with the test skipped,
 * where tmux is missing outside CI (`.ci/run` installs it, and CI fails without it).
 */
export const openTmuxPane = (t: TestContext, options: { socketDir: string; cwd: string; script: string; width: number; height: number; testing: string }): TmuxPane | undefined => {
  const tmux = which('tmux');
  if (!tmux && !process.env['CI']) {
    t.skip(`tmux is not installed (apt-get install tmux); ${options.testing} was not tested`);
    return undefined;
  }
  assert.ok(tmux, 'tmux is missing (Debian: apt-get install tmux)');
  const socket = path.join(options.socketDir, 'socket');
  const run = (...args: string[]) => {
    const done = spawnSync(tmux, ['-S', socket, '-f', '/dev/null', ...args], { env: { ...process.env, TMUX: undefined, TERM: 'xterm-256color' }, encoding: 'utf8' });
    assert.equal(done.status, 0, `tmux ${args.join(' ')}: ${done.stderr}`);
    return done.stdout;
  };
  t.after(() => void spawnSync(tmux, ['-S', socket, 'kill-server']));
  run('new-session', '-d', '-s', 'gowatch', '-c', options.cwd, '-x', String(options.width), '-y', String(options.height), 'sh', options.script);
  const screen = () => run('capture-pane', '-p', '-J', '-t', 'gowatch').replace(/\n$/, '').split('\n');
  const until = async (ok: (rows: string[]) => boolean, what: string, timeoutMs = 90_000) => {
    const deadline = Date.now() + timeoutMs;
    let rows = screen();
    while (!ok(rows)) {
      if (Date.now() > deadline) assert.fail(`the pane never showed ${what}; it shows:\n${rows.join('\n')}`);
      await sleep(100);
      rows = screen();
    }
    return rows;
  };
  return { tmux: run, screen, until };
};
