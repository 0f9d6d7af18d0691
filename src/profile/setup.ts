import type { TargetOptions } from '../config/options.js';
import { runGoCommand } from '../go/run-go.js';
import type { TargetSpec } from '../go/target-state.js';
import { forgetProfileEndpoint, recordProfileEndpoint } from './endpoint.js';
import { injectOverlay } from './overlay.js';
import { PROFILE_SOCKET_VARIABLE } from './server-source.js';
import { profileSocketPath } from './socket-path.js';
import type { ProfileSource } from './source.js';

/** How go.run.profile shapes one target's run. */
export type ProfileSetup = {
  /** Where the running program's profiles are fetched from; undefined when profiling is off. */
  readonly source: ProfileSource | undefined;
  /** The target as it is listed and built: under "inject", with the overlay. */
  readonly spec: TargetSpec;
  /** Added to the program's environment. */
  readonly env: Readonly<Record<string, string>>;
};

/**
 * Prepares the target's profiling in its cache directory `dir` (the lock on it held): under
 * "inject", the overlay, the socket's private directory and the variable that names the socket;
 * the endpoint is recorded for other gowatch commands. Off, nothing changes but that no earlier
 * record is left.
 */
export const setUpProfile = async (target: TargetOptions, dir: string, env: NodeJS.ProcessEnv): Promise<ProfileSetup> => {
  const setting = target.profile.source;
  if (setting === undefined) {
    await forgetProfileEndpoint(dir);
    return { source: undefined, spec: target.target, env: {} };
  }
  warmPprof(target.target.cwd, env);
  if (setting !== 'inject') {
    const source: ProfileSource = { kind: 'url', baseUrl: setting.url };
    await recordProfileEndpoint(dir, target.name, source);
    return { source, spec: target.target, env: {} };
  }
  const socketPath = await profileSocketPath(dir);
  const { buildFlags, added } = await injectOverlay(target.target, dir, env);
  const source: ProfileSource = { kind: 'socket', socketPath };
  await recordProfileEndpoint(dir, target.name, source);
  return { source, spec: { ...target.target, buildFlags, overlaid: added }, env: { [PROFILE_SOCKET_VARIABLE]: socketPath } };
};

/** How long building go tool pprof ahead of its first use may take. */
const WARM_PPROF_MS = 300_000;

/**
 * go tool pprof is built into Go's cache the first time it runs, which takes many seconds:
 * built now, beside the first build, the first capture's report is not the one that waits.
 * Once built, this asks go for its path only. Its outcome does not matter: a capture says its own.
 */
const warmPprof = (cwd: string, env: NodeJS.ProcessEnv): void => {
  void runGoCommand(['tool', '-n', 'pprof'], { cwd, env, timeoutMs: WARM_PPROF_MS });
};
