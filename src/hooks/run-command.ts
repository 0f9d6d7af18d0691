import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../errors.js';
import type { Exit, StopOptions } from '../supervise/boundary.js';
import { startTimeOf, usesProcessGroups } from '../supervise/process-tree.js';
import { RUN_ID_VARIABLE } from '../supervise/run-id.js';
import { stopTree } from '../supervise/stop-tree.js';
import { BoundedOutput } from './bounded-output.js';
import type { HookCommand } from './hook-keys.js';

export type CommandRequest = {
  readonly command: HookCommand;
  readonly cwd: string;
  /** The command's whole environment. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Past this, the command's whole process tree is stopped, as a program's is. */
  readonly timeoutMs: number;
  readonly stop: StopOptions;
  /** Aborted: the command's tree is stopped and the command ends canceled. */
  readonly signal: AbortSignal;
  /** Warned of when part of a tree cannot be seen (no usable `ps` where it is the only process list). */
  readonly warn: (message: string) => void;
};

export type CommandOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'fail'; readonly code: number | null; readonly signal: string | null; readonly timedOut: boolean; readonly output: string }
  | { readonly kind: 'canceled' };

/** Output kept of one command (stdout and stderr as they interleave): a failure's end is what says why. */
const MAX_OUTPUT_BYTES = 256 * 1024;

/**
 * Once the command exited, how long its output may still be coming: a process it left in the
 * background holds the pipe open, and is not waited for.
 */
const OUTPUT_GRACE_MS = 200;

/**
 * The rest of a pipe a process left in the background still holds is read and dropped: closing
 * it would kill that process (SIGPIPE) at its next write. It keeps gowatch from nothing.
 */
const drain = (stream: NodeJS.ReadableStream & { unref?: () => void }) => {
  stream.removeAllListeners('data');
  stream.resume();
  stream.unref?.();
};

/** A spawn error as one line: a missing program is the usual one. */
const cannotRun = (command: HookCommand, error: NodeJS.ErrnoException): string =>
  error.code === 'ENOENT'
    ? `cannot run ${command[0]}: no such program (on PATH or at that path), or its working directory is gone`
    : `cannot run ${command[0]}: ${error.message}`;

/**
 * Runs one command to its end, with no shell: as the leader of its own process group, with a run
 * id of its own in its environment, so that a timeout or a cancel stops everything it started
 * (stop-tree.ts), wherever it moved. What it leaves running after it exits on its own is left
 * alone (a preStart may start a service). Never rejects.
 */
export const runCommand = async (request: CommandRequest): Promise<CommandOutcome> => {
  const { command, signal } = request;
  if (signal.aborted) return { kind: 'canceled' };
  const runId = randomUUID();
  const output = new BoundedOutput(MAX_OUTPUT_BYTES);
  const child = spawn(command[0]!, command.slice(1), {
    cwd: request.cwd,
    env: { ...request.env, [RUN_ID_VARIABLE]: runId },
    detached: usesProcessGroups,
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  const streamsEnded = Promise.all([child.stdout, child.stderr].map((stream) => once(stream, 'close').catch(() => undefined)));
  child.stdout.on('data', (chunk: Buffer) => output.add(chunk));
  child.stderr.on('data', (chunk: Buffer) => output.add(chunk));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, exitSignal) => resolve({ code, signal: exitSignal })));
  try {
    await once(child, 'spawn');
  } catch (error) {
    return { kind: 'fail', code: null, signal: null, timedOut: false, output: cannotRun(command, error as NodeJS.ErrnoException) };
  }

  const pid = child.pid!;
  const runSince = startTimeOf(process.pid);
  let stopping: 'timeout' | 'cancel' | undefined;
  let stopped: Promise<unknown> = Promise.resolve();
  const stop = (why: 'timeout' | 'cancel') => {
    if (stopping) return;
    stopping = why;
    stopped = stopTree({ pid, owned: true, runId, runSince, exited }, request.stop, request.warn).catch((error: unknown) =>
      request.warn(`could not stop ${command[0]} (${why}): ${errorMessage(error)}`),
    );
  };
  const timer = setTimeout(() => stop('timeout'), request.timeoutMs);
  const onAbort = () => stop('cancel');
  signal.addEventListener('abort', onAbort, { once: true });
  const exit = await exited;
  clearTimeout(timer);
  signal.removeEventListener('abort', onAbort);
  await stopped;
  const grace = new AbortController();
  await Promise.race([streamsEnded, sleep(OUTPUT_GRACE_MS, undefined, { signal: grace.signal }).catch(() => undefined)]);
  grace.abort();
  drain(child.stdout);
  drain(child.stderr);

  if (stopping === 'cancel') return { kind: 'canceled' };
  if (exit.code === 0 && stopping === undefined) return { kind: 'ok' };
  return { kind: 'fail', code: exit.code, signal: exit.signal, timedOut: stopping === 'timeout', output: output.text() };
};
