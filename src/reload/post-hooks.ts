import type { BuildOutcome, RunningBuild } from '../go/build.js';
import type { HookFailure, HookOutcome } from '../hooks/hook-runner.js';

/** How a build ended: go's outcome, or a go.build.post command that failed after go succeeded. */
export type BuildEnd = BuildOutcome | { readonly kind: 'hook-fail'; readonly failure: HookFailure };

/** A build under way: go build, then its go.build.post commands; a cancel stops whichever runs. */
export type BuildRun = Omit<RunningBuild, 'done'> & { readonly done: Promise<BuildEnd> };

/** `running`, followed by `post` once go succeeded; without `post`, `running` itself. */
export const thenPostHooks = (running: RunningBuild, post: ((signal: AbortSignal) => Promise<HookOutcome>) | undefined): BuildRun => {
  if (!post) return running;
  const abort = new AbortController();
  let goEnded = false;
  const done = running.done.then(async (outcome): Promise<BuildEnd> => {
    goEnded = true;
    if (outcome.kind !== 'ok') return outcome;
    const hooked = await post(abort.signal);
    if (hooked.kind === 'ok') return outcome;
    return hooked.kind === 'canceled' ? hooked : { kind: 'hook-fail', failure: hooked.failure };
  });
  return {
    done,
    cancel: async () => {
      abort.abort();
      // Once go has ended, its process group is gone: only the slot is left to free.
      if (goEnded) running.release();
      else await running.cancel();
      await done.catch(() => undefined);
    },
    release: running.release,
  };
};
