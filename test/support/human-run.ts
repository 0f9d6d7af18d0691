import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI } from './gowatch-process.js';

/** Figures that vary from run to run. */
export const normalized = (text: string): string => text.replace(/\b\d+ ms\b/g, 'N ms').replace(/\bpid \d+\b/g, 'pid N');

/**
 * `gowatch run` for people, its stderr and the program's output in one file outside the
 * project (in `outputDir`), so the order on a terminal is the order asserted.
 */
export class HumanRun {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly #file: string;
  #read = 0;

  constructor(t: TestContext, options: { cwd: string; cache: string; outputDir: string; args: readonly string[] }) {
    this.#file = path.join(options.outputDir, 'output.txt');
    const fd = openSync(this.#file, 'a');
    this.child = spawn(process.execPath, [CLI, 'run', ...options.args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', GOWATCH_CACHE_DIR: options.cache, GOWATCH_POLL: '', CHOKIDAR_USEPOLLING: '' },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    t.after(async () => {
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGINT');
      await this.exited;
    });
  }

  /** Everything written so far, figures normalized. */
  get text(): string {
    return normalized(readFileSync(this.#file, 'utf8'));
  }

  /** What was written since the last call, up to and including the first `until`, figures normalized. */
  async next(until: string, timeoutMs = 90_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.text.slice(this.#read);
      const at = text.indexOf(until);
      if (at >= 0) {
        this.#read += at + until.length;
        return text.slice(0, at + until.length);
      }
      if (Date.now() > deadline || this.child.exitCode !== null) throw new Error(`never said ${JSON.stringify(until)}; output:\n${this.text}`);
      await sleep(50);
    }
  }

  /** What was written since the last call, once it holds every one of `lines`, each whole, figures normalized. */
  async nextAll(lines: readonly string[], timeoutMs = 90_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.text.slice(this.#read);
      const ends = lines.map((line) => text.indexOf(`${line}\n`));
      if (ends.every((at) => at >= 0)) {
        const end = Math.max(...ends.map((at, i) => at + lines[i]!.length + 1));
        this.#read += end;
        return text.slice(0, end);
      }
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`never said ${JSON.stringify(lines.filter((_, i) => ends[i]! < 0))}; output:\n${this.text}`);
      }
      await sleep(50);
    }
  }

  async stop(): Promise<number | null> {
    this.child.kill('SIGINT');
    return this.exited;
  }
}
