import type { GoEnv } from '../go/env.js';
import { findGo, type FoundGo } from './find-go.js';
import { runGoBounded, type GoOutcome } from '../go/run-go-bounded.js';

/**
 * The environment doctor's own go commands run with: the user's, except GOTOOLCHAIN=local,
 * so that looking never downloads or switches to another Go (a go.mod asking for one is
 * reported by the toolchain check instead).
 */
export const inspectionEnv = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...env, GOTOOLCHAIN: 'local' });

export type GoProbe = {
  /** The go on PATH, or undefined. */
  readonly found: FoundGo | undefined;
  /** `go env -json` where doctor was started, or why it could not be read. */
  readonly env: { readonly ok: true; readonly values: GoEnv } | { readonly ok: false; readonly reason: Exclude<GoOutcome, { ok: true }>['reason']; readonly message: string };
  /**
   * GOTOOLCHAIN as the user's go command interprets it: `go env GOTOOLCHAIN` exactly (the go
   * command answers it itself, never switching toolchains), or undefined when go failed.
   */
  readonly toolchain: string | undefined;
  /**
   * The go binary's own root and version, read without the environment's GOROOT; only when
   * GOROOT is set in the environment (to tell where it should point).
   */
  readonly ownRoot: { readonly goroot: string; readonly version: string } | undefined;
};

const parseEnv = (outcome: GoOutcome): GoProbe['env'] => {
  if (!outcome.ok) return outcome;
  try {
    return { ok: true, values: JSON.parse(outcome.stdout) as GoEnv };
  } catch {
    return { ok: false, reason: 'failed', message: 'go env -json printed something that is not JSON' };
  }
};

/** One look at the go toolchain; every check that needs go shares it. */
export const probeGo = async (cwd: string, env: NodeJS.ProcessEnv): Promise<GoProbe> => {
  const found = findGo(env);
  if (!found) return { found, env: { ok: false, reason: 'missing', message: 'go was not found on PATH' }, toolchain: undefined, ownRoot: undefined };
  const withoutRoot = { ...inspectionEnv(env) };
  delete withoutRoot['GOROOT'];
  const [values, toolchain, own] = await Promise.all([
    runGoBounded(['env', '-json'], cwd, inspectionEnv(env)),
    runGoBounded(['env', 'GOTOOLCHAIN'], cwd, env),
    env['GOROOT'] ? runGoBounded(['env', '-json', 'GOROOT', 'GOVERSION'], cwd, withoutRoot) : undefined,
  ]);
  const ownEnv = own ? parseEnv(own) : undefined;
  return {
    found,
    env: parseEnv(values),
    toolchain: toolchain.ok ? toolchain.stdout.trim() : undefined,
    ownRoot: ownEnv?.ok ? { goroot: ownEnv.values['GOROOT'] ?? '', version: ownEnv.values['GOVERSION'] ?? '' } : undefined,
  };
};

/** What a check that needs a working go says when there is none (the go check tells why). */
export const withoutGo = (probe: GoProbe): string | undefined => (probe.env.ok ? undefined : `not checked: ${probe.env.message}`);

/** The fix of a check that could not run without go. */
export const FIX_GO_FIRST = 'make go work first (see the go check), then run gowatch doctor again';
