import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { GowatchError } from '../errors.js';

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
      /** How a failed command ended, as execa words it: for a failure that printed nothing. */
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

/** `work`, or undefined once `ms` have passed. */
const within = async <T>(work: Promise<T>, ms: number): Promise<T | undefined> => {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * The one way gowatch runs a short go command (env, list, tool pprof) to its end; `go build`
 * runs in its own process group (build.ts). Never rejects: how go ended is in the result.
 */
export const runGoCommand = async (args: readonly string[], { cwd, env, signal, timeoutMs, maxBuffer = MAX_BUFFER }: GoRunOptions): Promise<GoRun> => {
  const child = execa('go', [...args], {
    cwd,
    env,
    extendEnv: env === undefined,
    reject: false,
    stdin: 'ignore',
    stripFinalNewline: false,
    maxBuffer,
    ...(signal ? { cancelSignal: signal, killSignal: 'SIGKILL' as const } : {}),
    ...(timeoutMs === undefined ? {} : { timeout: timeoutMs, forceKillAfterDelay: KILL_AFTER_MS }),
  });
  const result = timeoutMs === undefined ? await child : await within(child, timeoutMs + OUTPUT_GRACE_MS);
  if (result === undefined) return { started: true, timedOut: true, exitCode: undefined, stdout: '', stderr: '', message: 'timed out' };
  const missing = missingPart(result, cwd);
  if (missing) return { started: false, missing };
  return {
    started: true,
    timedOut: result.timedOut,
    exitCode: result.exitCode,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    message: result.message ?? '',
  };
};

/** gowatch cannot go on without go: the error says what is really missing. */
const goNotFound = (missing: GoMissing, cwd: string): GowatchError =>
  missing === 'directory'
    ? new GowatchError('go-missing', `cannot run go in ${cwd}: that directory does not exist (moved or deleted?)`)
    : new GowatchError(
        'go-missing',
        'gowatch needs the Go toolchain, but "go" was not found on PATH. Install Go (https://go.dev/dl) or add its bin directory to PATH.',
      );

/** A go command that could not start (execa's result) becomes the typed error saying what is missing. */
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
