import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { existsSync } from 'node:fs';
import { errorMessage, GowatchError } from '../errors.js';

/** What a go command needs to name one package the way the user's build does. */
export type GoTarget = {
  /** Where go commands run: the package directory for a relative package. */
  readonly cwd: string;
  /** What go build and go list are given. */
  readonly pkg: string;
  readonly buildFlags: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
};

export type GoRunOptions = {
  readonly cwd: string;
  /** The whole environment go gets (what the caller left out stays out); gowatch's own when not given. */
  readonly env?: NodeJS.ProcessEnv;
  /** Stops go at once (SIGKILL): go waits forever on a FIFO it opens. */
  readonly signal?: AbortSignal;
  /** Stops go after this long (SIGTERM, then SIGKILL), and never waits much longer for its output. */
  readonly timeoutMs?: number;
  /** Bytes of each output kept: go is stopped past them. */
  readonly maxBuffer?: number;
};

/** What stopped go from starting: spawn says ENOENT both for a missing "go" and for a missing working directory. */
export type GoMissing = 'go' | 'directory';

export type GoRun =
  | { readonly started: false; readonly missing: GoMissing }
  | {
      readonly started: true;
      /** Stopped at its time bound: what it printed is then incomplete, or empty. */
      readonly timedOut: boolean;
      /** Undefined when go did not exit by itself (killed, or its output was too large). */
      readonly exitCode: number | undefined;
      readonly stdout: string;
      readonly stderr: string;
      /** How a failed command ended, in words: for a failure that printed nothing. */
      readonly message: string;
    };

/** Output kept by default: `go list -json` of a large workspace is big, and is read whole. */
const MAX_BUFFER = 1024 ** 3;
/** How long a go stopped at its time bound gets to end after SIGTERM before SIGKILL. */
const KILL_AFTER_MS = 1000;
/** How long past its time bound a stopped go's output is waited for (a grandchild may hold the pipe open). */
const OUTPUT_GRACE_MS = 3000;

const missingPart = (result: object, cwd: string): GoMissing | undefined => {
  if ((result as { code?: string }).code !== 'ENOENT') return undefined;
  return existsSync(cwd) ? 'go' : 'directory';
};

/** How go ended, for a failure that printed nothing. */
const endedIn = (args: readonly string[], end: { timedOut: boolean; overflow: boolean; exitCode: number | null; signal: NodeJS.Signals | null }, timeoutMs: number | undefined, maxBuffer: number): string => {
  const command = `go ${args.join(' ')}`;
  if (end.timedOut) return `${command} timed out after ${timeoutMs} ms`;
  if (end.overflow) return `${command} printed more than ${maxBuffer} bytes`;
  if (end.signal !== null) return `${command} was killed with ${end.signal}`;
  return end.exitCode === 0 ? '' : `${command} failed with exit code ${end.exitCode}`;
};

/**
 * The one way gowatch runs a short go command (env, list, tool pprof) to its end; `go build`
 * runs in its own process group (build.ts). Never rejects: how go ended is in the result.
 * Node's own spawn: execa's many modules would be loaded by every command for this alone.
 */
export const runGoCommand = (args: readonly string[], { cwd, env, signal, timeoutMs, maxBuffer = MAX_BUFFER }: GoRunOptions): Promise<GoRun> =>
  new Promise((resolve) => {
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn('go', [...args], { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (error) {
      // Arguments or an environment spawn refuses (a NUL byte): go never ran.
      resolve({ started: true, timedOut: false, exitCode: undefined, stdout: '', stderr: '', message: errorMessage(error) });
      return;
    }
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    let timedOut = false;
    let overflow = false;
    const settle = (run: GoRun) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
      resolve(run);
    };
    /** SIGTERM, then SIGKILL if go is still there. */
    const stop = () => {
      child.kill('SIGTERM');
      timers.push(setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), KILL_AFTER_MS));
    };
    const abort = () => child.kill('SIGKILL');
    if (signal?.aborted) abort();
    else signal?.addEventListener('abort', abort, { once: true });
    const output = (stream: NodeJS.ReadableStream) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        if (overflow) return;
        bytes += chunk.length;
        if (bytes > maxBuffer) {
          overflow = true;
          stop();
          return;
        }
        chunks.push(chunk);
      });
      return () => Buffer.concat(chunks).toString();
    };
    const stdout = output(child.stdout);
    const stderr = output(child.stderr);
    if (timeoutMs !== undefined) {
      timers.push(
        setTimeout(() => {
          timedOut = true;
          stop();
        }, timeoutMs),
        // A grandchild may hold the pipes open after go is gone: its output is then given up on.
        setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          settle({ started: true, timedOut: true, exitCode: undefined, stdout: '', stderr: '', message: 'timed out' });
        }, timeoutMs + OUTPUT_GRACE_MS),
      );
    }
    child.on('error', (error: NodeJS.ErrnoException) => {
      // Only a failure to start ends the run here; a failed kill leaves go to end by itself.
      if (child.pid !== undefined) return;
      const missing = missingPart(error, cwd);
      settle(missing ? { started: false, missing } : { started: true, timedOut: false, exitCode: undefined, stdout: '', stderr: '', message: error.message });
    });
    child.on('close', (exitCode, exitSignal) => {
      const end = { timedOut, overflow, exitCode, signal: exitSignal };
      settle({
        started: true,
        timedOut,
        exitCode: exitCode === null || overflow ? undefined : exitCode,
        stdout: stdout(),
        stderr: stderr(),
        message: endedIn(args, end, timeoutMs, maxBuffer),
      });
    });
  });

/** gowatch cannot go on without go: the error says what is really missing. */
const goNotFound = (missing: GoMissing, cwd: string): GowatchError =>
  missing === 'directory'
    ? new GowatchError('go-missing', `cannot run go in ${cwd}: that directory does not exist (moved or deleted?)`)
    : new GowatchError(
        'go-missing',
        'gowatch needs the Go toolchain, but "go" was not found on PATH. Install Go (https://go.dev/dl) or add its bin directory to PATH.',
      );

/** A go command that could not start (its spawn error, with its code) becomes the typed error saying what is missing. */
export const checkGoFound = (result: object, cwd: string): void => {
  const missing = missingPart(result, cwd);
  if (missing) throw goNotFound(missing, cwd);
};

export type GoResult = { stdout: string; stderr: string; exitCode: number };

/**
 * Runs a short go subcommand (env, list) to completion; a missing toolchain becomes a typed
 * error. `signal` stops it (go waits forever on a FIFO it opens): the call then throws its reason.
 */
export const runGo = async (args: string[], cwd: string, env?: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<GoResult> => {
  const run = await runGoCommand(args, { cwd, ...(env ? { env } : {}), ...(signal ? { signal } : {}) });
  signal?.throwIfAborted();
  if (!run.started) throw goNotFound(run.missing, cwd);
  return { stdout: run.stdout, stderr: run.stderr, exitCode: run.exitCode ?? 1 };
};
