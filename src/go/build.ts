import { spawn, type ChildProcess } from 'node:child_process';
import { signalGroup, usesProcessGroups } from '../supervise/process-tree.js';
import type { BuildSlots } from './build-slots.js';
import { checkGoFound, type GoTarget } from './run-go.js';

export type BuildRequest = GoTarget & { readonly output: string };

export type BuildOutcome =
  | { readonly kind: 'ok'; readonly durationMs: number }
  | { readonly kind: 'fail'; readonly durationMs: number; readonly output: string }
  | { readonly kind: 'canceled' };

export type RunningBuild = {
  readonly done: Promise<BuildOutcome>;
  cancel(): Promise<void>;
  /** Frees the build slot: called once the build's end was said (a cancel frees it itself). */
  release(): void;
};

/** The most of a build's output kept in memory and said. */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** How go ended: its stdout and stderr as they came, less one final newline; `code` says why it could not run. */
type GoEnd = { readonly exitCode: number | null; readonly output: string; readonly code?: string | undefined };

/**
 * Node's own spawn, not execa: on the path of every edit, execa's setup and its wait for the end
 * cost more than what is needed here.
 */
const goEnded = (child: ChildProcess): Promise<GoEnd> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    // What is kept of a build's output (-gcflags=-m on a big tree prints without end); the build goes on.
    const keep = (chunk: Buffer) => {
      if (bytes < MAX_OUTPUT_BYTES) chunks.push(chunk.subarray(0, MAX_OUTPUT_BYTES - bytes));
      bytes += chunk.length;
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ exitCode: null, output: error.message, code: error.code }));
    child.once('close', (exitCode) => {
      const cut = bytes > MAX_OUTPUT_BYTES ? `\n… (go printed ${bytes} bytes; the first ${MAX_OUTPUT_BYTES} are kept)` : '';
      resolve({ exitCode, output: `${Buffer.concat(chunks).toString().replace(/\r?\n$/, '')}${cut}` });
    });
  });

/**
 * `go build -buildvcs=false -o OUT`, once a build slot is free: VCS stamping would relink on
 * every unrelated edit. The build runs in its own process group so a cancel kills the compiler
 * and linker too; a build canceled while it waits for a slot never starts. `onStart` is told
 * when go is about to run, so a build's start and duration leave its wait for a slot out; the
 * slot is held until `release`, so the next build's start is never said before this one's end.
 */
export const startBuild = (request: BuildRequest, slots: BuildSlots, onStart: () => void): RunningBuild => {
  const abort = new AbortController();
  let child: ChildProcess | undefined;
  let slot: (() => void) | undefined;
  const release = () => slot?.();
  const run = async (): Promise<BuildOutcome> => {
    slot = await slots.acquire(abort.signal);
    if (!slot) return { kind: 'canceled' };
    // Canceled as the slot came: go never starts.
    if (abort.signal.aborted) {
      release();
      return { kind: 'canceled' };
    }
    onStart();
    const started = Date.now();
    const args = ['build', '-buildvcs=false', '-o', request.output, ...request.buildFlags, request.pkg];
    const go = spawn('go', args, { cwd: request.cwd, env: request.env ?? process.env, detached: usesProcessGroups, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    child = go;
    // Where go shares gowatch's group (Windows), it ends with gowatch.
    const killWithGowatch = () => go.kill();
    if (!usesProcessGroups) process.once('exit', killWithGowatch);
    const result = await goEnded(go).finally(() => process.off('exit', killWithGowatch));
    checkGoFound(result, request.cwd);
    if (abort.signal.aborted) return { kind: 'canceled' };
    const durationMs = Date.now() - started;
    return result.exitCode === 0 ? { kind: 'ok', durationMs } : { kind: 'fail', durationMs, output: result.output };
  };
  const done = run();
  return {
    done,
    cancel: async () => {
      abort.abort();
      // The compiler and linker share go's group: one SIGKILL to the group ends them all.
      if (child?.pid !== undefined) await signalGroup(child.pid, 'SIGKILL');
      await done.catch(() => undefined);
      release();
    },
    release,
  };
};
