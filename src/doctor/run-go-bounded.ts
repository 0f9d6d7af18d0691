import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { oneLine } from '../config/quote.js';
import { bounded, seconds, TimedOut } from './bounded.js';

/** How long one inspecting go command (go env) may take. */
export const GO_ENV_TIMEOUT_MS = 10_000;

export type GoOutcome =
  | { readonly ok: true; readonly stdout: string; readonly stderr: string }
  | { readonly ok: false; readonly reason: 'missing' | 'timeout' | 'failed'; readonly message: string };

/** Characters of go's own words a finding shows. */
const SHOWN = 400;

/**
 * Runs `go ARGS` in `cwd` with exactly `env` (nothing of doctor's own environment added), for
 * at most `timeoutMs`: a hung go is killed (SIGTERM, then SIGKILL) and reported, never waited on.
 */
export const runGoBounded = async (args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = GO_ENV_TIMEOUT_MS): Promise<GoOutcome> => {
  const what = `go ${args.join(' ')}`;
  try {
    const child = execa('go', [...args], {
      cwd,
      env,
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      timeout: timeoutMs,
      forceKillAfterDelay: 1000,
      maxBuffer: 64 * 1024 * 1024,
    });
    // The outer bound also covers a killed go whose output pipe a grandchild still holds.
    const result = await bounded(child, timeoutMs + 3000, what);
    if ((result as { code?: string }).code === 'ENOENT') {
      return existsSync(cwd)
        ? { ok: false, reason: 'missing', message: 'go was not found on PATH' }
        : { ok: false, reason: 'failed', message: `cannot run go in ${cwd}: that directory does not exist` };
    }
    if (result.timedOut) return { ok: false, reason: 'timeout', message: `${what} did not answer within ${seconds(timeoutMs)}` };
    if (result.exitCode !== 0) {
      const words = oneLine(String(result.stderr || result.stdout || result.message || ''), SHOWN);
      return { ok: false, reason: 'failed', message: `${what} failed${result.exitCode === undefined ? '' : ` (exit status ${result.exitCode})`}: ${words || 'no output'}` };
    }
    return { ok: true, stdout: String(result.stdout), stderr: String(result.stderr) };
  } catch (error) {
    if (error instanceof TimedOut) return { ok: false, reason: 'timeout', message: `${what} did not answer within ${seconds(timeoutMs)}` };
    throw error;
  }
};
