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

export type GoResult = { stdout: string; stderr: string; exitCode: number };

/**
 * A go command that could not start becomes a typed error saying what is really missing:
 * spawn reports ENOENT both for a missing "go" and for a missing working directory.
 */
export const checkGoFound = (result: object, cwd: string): void => {
  if ((result as { code?: string }).code !== 'ENOENT') return;
  if (!existsSync(cwd)) {
    throw new GowatchError('go-missing', `cannot run go in ${cwd}: that directory does not exist (moved or deleted?)`);
  }
  throw new GowatchError(
    'go-missing',
    'gowatch needs the Go toolchain, but "go" was not found on PATH. Install Go (https://go.dev/dl) or add its bin directory to PATH.',
  );
};

/**
 * Runs a short go subcommand (env, list) to completion; a missing toolchain becomes a typed
 * error. `signal` stops it (go waits forever on a FIFO it opens): the call then throws its reason.
 */
export const runGo = async (args: string[], cwd: string, env?: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<GoResult> => {
  // An environment given is the whole environment: what the caller left out stays out.
  const result = await execa('go', args, {
    cwd,
    env,
    extendEnv: env === undefined,
    reject: false,
    stripFinalNewline: false,
    maxBuffer: 1024 ** 3,
    ...(signal ? { cancelSignal: signal, killSignal: 'SIGKILL' as const } : {}),
  });
  signal?.throwIfAborted();
  checkGoFound(result, cwd);
  return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode ?? 1 };
};
