import { commandText } from '../hooks/command-text.js';
import type { EventOf } from '../events.js';
import { plural } from '../text/plural.js';

type HookFailure = EventOf<'hook-fail'>['hook'];

/** Lines of a hook's output the terminal shows: its end, which says why it failed (--json has the rest). */
const HOOK_LINES_SHOWN = 40;

/** "go.build.pre `go vet ./...` exited with code 1": which hook, which command, how it ended. */
export const hookFailureText = (hook: HookFailure): string => {
  const how = hook.timedOut
    ? 'ran past go.build.hookTimeout and was stopped, with everything it started'
    : hook.signal
      ? `was ended by ${hook.signal}`
      : hook.code === null
        ? 'could not start'
        : `exited with code ${hook.code}`;
  return `${hook.key} \`${commandText(hook.command)}\` ${how}`;
};

/** The last HOOK_LINES_SHOWN of `lines`, after a line saying how many came before. */
export const lastLines = (lines: readonly string[]): string[] => {
  if (lines.length <= HOOK_LINES_SHOWN) return [...lines];
  const left = lines.length - HOOK_LINES_SHOWN;
  return [`… ${plural(left, 'line')} before (gowatch run --json has them all)`, ...lines.slice(-HOOK_LINES_SHOWN)];
};
