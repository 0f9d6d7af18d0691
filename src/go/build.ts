import { execa } from 'execa';
import { signalGroup, usesProcessGroups } from '../supervise/process-tree.js';
import { checkGoFound, type GoTarget } from './run-go.js';

export type BuildRequest = GoTarget & { readonly output: string };

export type BuildOutcome =
  | { readonly kind: 'ok'; readonly durationMs: number }
  | { readonly kind: 'fail'; readonly durationMs: number; readonly output: string }
  | { readonly kind: 'canceled' };

export type RunningBuild = { readonly done: Promise<BuildOutcome>; cancel(): Promise<void> };

/**
 * `go build -buildvcs=false -o OUT`: VCS stamping would relink on every unrelated edit.
 * The build runs in its own process group so a cancel kills the compiler and linker too.
 */
export const startBuild = (request: BuildRequest): RunningBuild => {
  const started = Date.now();
  let canceled = false;
  const args = ['build', '-buildvcs=false', '-o', request.output, ...request.buildFlags, request.pkg];
  const child = execa('go', args, {
    cwd: request.cwd,
    env: request.env,
    detached: usesProcessGroups,
    reject: false,
    all: true,
    stdin: 'ignore',
    cleanup: true,
  });
  const done = child.then((result): BuildOutcome => {
    checkGoFound(result, request.cwd);
    if (canceled) return { kind: 'canceled' };
    const durationMs = Date.now() - started;
    return result.exitCode === 0 ? { kind: 'ok', durationMs } : { kind: 'fail', durationMs, output: result.all ?? '' };
  });
  return {
    done,
    cancel: async () => {
      canceled = true;
      // The compiler and linker share go's group: one SIGKILL to the group ends them all.
      if (child.pid !== undefined) await signalGroup(child.pid, 'SIGKILL');
      await done.catch(() => undefined);
    },
  };
};
