import { oneLine } from '../text/quote.js';
import { runGoCommand } from './run-go.js';
import { seconds } from '../text/duration.js';

/** How long one inspecting go command (go env) may take. */
export const GO_ENV_TIMEOUT_MS = 10_000;

export type GoOutcome =
  | { readonly ok: true; readonly stdout: string; readonly stderr: string }
  | {
      readonly ok: false;
      readonly reason: 'missing' | 'timeout' | 'failed';
      readonly message: string;
      /** What go printed on stderr when it ran and failed: callers that word the failure themselves. */
      readonly stderr?: string;
    };

/** Characters of go's own words a finding shows. */
const SHOWN = 400;

/** What doctor keeps of go's output: an inspecting command prints little, a runaway one is cut. */
const MAX_BUFFER = 64 * 1024 * 1024;

/**
 * Runs `go ARGS` in `cwd` with exactly `env` (nothing of doctor's own environment added), for
 * at most `timeoutMs`: a hung go is killed (SIGTERM, then SIGKILL) and reported, never waited on.
 */
export const runGoBounded = async (args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = GO_ENV_TIMEOUT_MS): Promise<GoOutcome> => {
  const what = `go ${args.join(' ')}`;
  const run = await runGoCommand(args, { cwd, env, timeoutMs, maxBuffer: MAX_BUFFER });
  if (!run.started) {
    return run.missing === 'go'
      ? { ok: false, reason: 'missing', message: 'go was not found on PATH' }
      : { ok: false, reason: 'failed', message: `cannot run go in ${cwd}: that directory does not exist` };
  }
  if (run.timedOut) return { ok: false, reason: 'timeout', message: `${what} did not answer within ${seconds(timeoutMs)}` };
  if (run.exitCode !== 0) {
    const words = oneLine(run.stderr || run.stdout || run.message, SHOWN);
    return {
      ok: false,
      reason: 'failed',
      message: `${what} failed${run.exitCode === undefined ? '' : ` (exit status ${run.exitCode})`}: ${words || 'no output'}`,
      stderr: run.stderr,
    };
  }
  return { ok: true, stdout: run.stdout, stderr: run.stderr };
};
