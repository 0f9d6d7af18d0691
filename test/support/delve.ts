import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

/** The Delve the tests run: a fixed version, so that its API answers as these tests expect. */
export const DLV_MODULE = 'github.com/go-delve/delve/cmd/dlv';
export const DLV_VERSION = 'v1.27.2';

/** Long enough for a first install on a cold module cache (download and build). */
const INSTALL_TIMEOUT_MS = 5 * 60_000;

/**
 * The directory holding dlv at DLV_VERSION, installed once with `go install` into the system's
 * temporary directory and kept there between runs (a directory per version, so an upgrade
 * installs again). Each install goes into a directory of its own first and its binary is then
 * renamed into place, so two test processes installing at once never see half a file.
 * `{ skip }` says why it could not be installed (no network, no module proxy).
 */
export const installDelve = async (): Promise<{ readonly dir: string } | { readonly skip: string }> => {
  const dir = path.join(tmpdir(), `gowatch-test-dlv-${DLV_VERSION}`);
  const dlv = path.join(dir, 'dlv');
  if (existsSync(dlv)) return { dir };
  mkdirSync(dir, { recursive: true });
  const staging = mkdtempSync(path.join(dir, 'install-'));
  try {
    await promisify(execFile)('go', ['install', `${DLV_MODULE}@${DLV_VERSION}`], { env: { ...process.env, GOBIN: staging }, timeout: INSTALL_TIMEOUT_MS });
    renameSync(path.join(staging, 'dlv'), dlv);
    return { dir };
  } catch (error) {
    const words = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n').at(-1);
    return { skip: `go install ${DLV_MODULE}@${DLV_VERSION} failed (${words}): the debug mode was not tested` };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
};

/** What Delve's JSON-RPC answers: the parts these tests read. */
export type DelveState = {
  readonly Running?: boolean;
  readonly currentThread?: { readonly file?: string; readonly function?: { readonly name?: string } };
};

type Reply = { readonly id: number; readonly result?: Record<string, unknown> | null; readonly error?: string | null };

/**
 * A client of Delve's JSON-RPC API (version 2): one JSON object per line over TCP, as an
 * editor's debug adapter speaks to `dlv --headless`.
 */
export class DelveClient {
  readonly #socket: Socket;
  readonly #pending = new Map<number, (reply: Reply) => void>();
  #id = 0;

  private constructor(socket: Socket) {
    this.#socket = socket;
    createInterface({ input: socket }).on('line', (line) => {
      const reply = JSON.parse(line) as Reply;
      this.#pending.get(reply.id)?.(reply);
      this.#pending.delete(reply.id);
    });
    socket.on('close', () => {
      for (const answer of this.#pending.values()) answer({ id: 0, error: 'connection closed' });
      this.#pending.clear();
    });
  }

  /** Connects to Delve on 127.0.0.1:`port`, trying again while nothing listens there yet (Delve starts after gowatch's `start`). */
  static async connect(port: number, timeoutMs = 60_000): Promise<DelveClient> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const attempt = connect(port, '127.0.0.1');
          attempt.once('error', reject);
          attempt.once('connect', () => resolve(attempt));
        });
        return new DelveClient(socket);
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`nothing listened on 127.0.0.1:${port}: ${(error as Error).message}`);
        await sleep(100);
      }
    }
  }

  async call(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.#id += 1;
    const id = this.#id;
    const reply = await new Promise<Reply>((resolve) => {
      this.#pending.set(id, resolve);
      this.#socket.write(`${JSON.stringify({ method: `RPCServer.${method}`, params: [params], id })}\n`);
    });
    if (reply.error) throw new Error(`${method}: ${reply.error}`);
    return reply.result ?? {};
  }

  /** Stops the program (it runs: gowatch starts Delve with --continue), as an editor does before it sets breakpoints. */
  async halt(): Promise<void> {
    await this.call('Command', { name: 'halt' });
  }

  /** A breakpoint at the start of the function, by its name as Delve knows it ("main.handle", "example.com/lib.Reply"). */
  async breakAt(functionName: string): Promise<number> {
    const result = await this.call('CreateBreakpoint', { Breakpoint: { functionName } });
    return (result['Breakpoint'] as { id: number }).id;
  }

  async clear(id: number): Promise<void> {
    await this.call('ClearBreakpoint', { Id: id });
  }

  /** Lets the program run; answers once it stops again (a breakpoint hit), with where. */
  async continue(): Promise<DelveState> {
    return (await this.call('Command', { name: 'continue' }))['State'] as DelveState;
  }

  /** Lets the program run without waiting for it to stop again. */
  resume(): void {
    void this.continue().catch(() => undefined);
  }

  close(): void {
    this.#socket.destroy();
  }
}
