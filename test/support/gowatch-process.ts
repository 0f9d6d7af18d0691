import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { anyEventSchema, type GowatchEvent } from '../../src/events.js';
import './own-cache.js';

export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

type Predicate = (event: GowatchEvent) => boolean;

const running = new Set<GowatchProcess>();

/** For `after()` hooks: a failed assertion must not leave a gowatch (and its program) running. */
export const stopAllGowatch = async (): Promise<void> => {
  await Promise.all([...running].map((gowatch) => gowatch.stop('SIGINT')));
};

/**
 * A real `gowatch run --json` child process. Every stdout line must be a valid event of the
 * public contract (the schemas in src/events.ts): anything else fails the test.
 */
export class GowatchProcess {
  readonly events: GowatchEvent[] = [];
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr = '';
  readonly #waiters = new Set<() => void>();
  readonly #invalid: string[] = [];
  readonly #group: boolean;

  /**
   * `wrap` runs gowatch through another command (e.g. unshare); it must exec gowatch in place.
   * `command` replaces `node CLI run --json` (e.g. `npm run dev`, whose script runs gowatch;
   * `args` follow it); `group` starts it in a process group of its own, which `stop` signals
   * as a whole, as a terminal's Ctrl-C does.
   */
  constructor(
    args: string[],
    options: { cwd: string; env?: NodeJS.ProcessEnv; wrap?: string[]; stdin?: 'pipe' | 'ignore'; command?: readonly string[]; group?: boolean },
  ) {
    const argv = [...(options.command ?? [process.execPath, CLI, 'run', '--json']), ...args];
    const [command, ...rest] = [...(options.wrap ?? []), ...argv];
    this.#group = options.group ?? false;
    this.child = spawn(command!, rest, {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
      detached: this.#group,
    });
    running.add(this);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        running.delete(this);
        resolve({ code, signal });
      }),
    );
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const parsed = anyEventSchema.safeParse(safeJson(line));
      if (parsed.success) this.events.push(parsed.data as GowatchEvent);
      else this.#invalid.push(line);
      this.#notify();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    void this.exited.then(() => this.#notify());
  }

  /** Lines on stdout that were not valid events (the contract says there are none). */
  get invalidLines(): readonly string[] {
    return this.#invalid;
  }

  /** The index the next event will have: pass it to waitFor to look only at what follows. */
  mark(): number {
    return this.events.length;
  }

  after(mark: number): GowatchEvent[] {
    return this.events.slice(mark);
  }

  #notify() {
    for (const waiter of this.#waiters) waiter();
  }

  /** The first event from `from` on that satisfies `predicate`. */
  async waitFor(predicate: Predicate, from = 0, timeoutMs = 90_000): Promise<GowatchEvent> {
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.slice(from).find(predicate);
        if (found) {
          cleanup();
          resolve(found);
        } else if (this.child.exitCode !== null || this.child.signalCode !== null || Date.now() > deadline) {
          cleanup();
          reject(new Error(`event not seen (${this.child.exitCode !== null ? 'gowatch exited' : 'timeout'}); events:\n${this.events.map((e) => JSON.stringify(e)).join('\n')}\nstderr:\n${this.stderr}`));
        }
      };
      const timer = setInterval(check, 200);
      const cleanup = () => {
        clearInterval(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  waitForEvent<K extends GowatchEvent['event']>(name: K, from = 0, timeoutMs?: number) {
    return this.waitFor((e) => e.event === name, from, timeoutMs) as Promise<Extract<GowatchEvent, { event: K }>>;
  }

  /** Sends `signal` and waits for gowatch to exit. */
  async stop(signal: NodeJS.Signals = 'SIGINT') {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      if (!this.#group) this.child.kill(signal);
      else {
        try {
          process.kill(-this.child.pid!, signal);
        } catch {
          // The whole group is gone already.
        }
      }
    }
    return this.exited;
  }
}

const safeJson = (line: string): unknown => {
  try {
    return JSON.parse(line);
  } catch {
    return line;
  }
};
