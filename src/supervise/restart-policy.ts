import type { Exit } from './boundary.js';

export type RestartMode = 'on-change' | 'on-failure' | 'always';

export type RestartPolicy = {
  readonly mode: RestartMode;
  /** Restarts in a row before giving up until the next change. */
  readonly maxRestarts: number;
  /** The back-off starts here and doubles per restart in a row, up to `maxBackoffMs`. */
  readonly firstBackoffMs: number;
  readonly maxBackoffMs: number;
  /** A program that ran this long was healthy: its next exit starts a new streak. */
  readonly healthyRunMs: number;
};

export const restartPolicy = (mode: RestartMode, maxRestarts: number): RestartPolicy => ({
  mode,
  maxRestarts,
  firstBackoffMs: 500,
  maxBackoffMs: 30_000,
  healthyRunMs: 10_000,
});

export type ExitReason = 'exit' | 'crash';

/** Why a program that ended on its own is started again, or undefined when it waits for a change. */
export const restartReason = (mode: RestartMode, exit: Exit): ExitReason | undefined => {
  const crashed = exit.code !== 0;
  if (mode === 'always') return crashed ? 'crash' : 'exit';
  if (mode === 'on-failure' && crashed) return 'crash';
  return undefined;
};

/** The pause before restart number `attempt` (1-based) of a streak. */
export const backoffMs = (attempt: number, policy: RestartPolicy): number =>
  Math.min(policy.firstBackoffMs * 2 ** (attempt - 1), policy.maxBackoffMs);
