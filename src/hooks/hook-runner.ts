import path from 'node:path';
import type { StopOptions } from '../supervise/boundary.js';
import type { HookCommand, HookCommands, HookKey } from './hook-keys.js';
import { runCommand, type CommandOutcome } from './run-command.js';

/** A hook command that failed: it exited non-zero, was killed by a signal, or ran past its time. */
export type HookFailure = {
  readonly hook: HookKey;
  readonly command: HookCommand;
  readonly code: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  /** Its output, stdout and stderr as they interleaved; the end of it when it was long. */
  readonly output: string;
};

export type HookOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'fail'; readonly failure: HookFailure }
  | { readonly kind: 'canceled' };

/** What a run of a hook is told, beside the program's environment. */
export type HookContext = {
  /** Absolute paths of the files changed since the hook last succeeded. */
  readonly changed: readonly string[];
  /** The binary just built (go.build.post) or about to start (go.run.preStart). */
  readonly binary?: string | undefined;
};

/** What the reload loop runs its hooks through. */
export type Hooks = {
  has(key: HookKey): boolean;
  /** Runs the commands of `key` in order, up to the first that fails; `signal` stops the one running. Never rejects. */
  run(key: HookKey, context: HookContext, signal: AbortSignal): Promise<HookOutcome>;
};

export type HookRunnerOptions = {
  readonly target: string;
  readonly commands: HookCommands;
  /** Where hooks run: where the program runs. */
  readonly cwd: string;
  /** The program's environment, made anew for each run (its .env files are read again). */
  readonly env: () => Readonly<Record<string, string | undefined>>;
  readonly timeoutMs: number;
  readonly stop: StopOptions;
  readonly warn: (message: string) => void;
};

/**
 * The environment holds at most this much of GOWATCH_CHANGED_FILES: the kernel refuses a longer
 * variable (E2BIG), and a branch switch can change thousands of files.
 */
const MAX_CHANGED_FILES_BYTES = 64 * 1024;

/** The changed files as hooks get them: relative to where they run, one a line, cut to fit the environment. */
const changedFilesVariables = (files: readonly string[], cwd: string): Record<string, string | undefined> => {
  const lines: string[] = [];
  let bytes = 0;
  for (const file of files) {
    const line = path.relative(cwd, file) || '.';
    bytes += Buffer.byteLength(line) + 1;
    if (bytes > MAX_CHANGED_FILES_BYTES) break;
    lines.push(line);
  }
  const leftOut = files.length - lines.length;
  // Set either way: a value gowatch's own environment holds is not the hook's.
  return { GOWATCH_CHANGED_FILES: lines.join('\n'), GOWATCH_CHANGED_FILES_LEFT_OUT: leftOut > 0 ? String(leftOut) : undefined };
};

const failureOf = (hook: HookKey, command: HookCommand, outcome: Extract<CommandOutcome, { kind: 'fail' }>): HookFailure => ({
  hook,
  command,
  code: outcome.code,
  signal: outcome.signal,
  timedOut: outcome.timedOut,
  output: outcome.output,
});

/** One target's hooks: its commands, run where its program runs, with its program's environment. */
export const hookRunner = (options: HookRunnerOptions): Hooks => ({
  has: (key) => options.commands[key].length > 0,
  run: async (key, context, signal) => {
    const env = {
      ...options.env(),
      GOWATCH_TARGET: options.target,
      GOWATCH_HOOK: key,
      ...changedFilesVariables(context.changed, options.cwd),
      GOWATCH_BINARY: context.binary,
    };
    for (const command of options.commands[key]) {
      const outcome = await runCommand({ command, cwd: options.cwd, env, timeoutMs: options.timeoutMs, stop: options.stop, signal, warn: options.warn });
      if (outcome.kind === 'canceled') return outcome;
      if (outcome.kind === 'fail') return { kind: 'fail', failure: failureOf(key, command, outcome) };
    }
    return { kind: 'ok' };
  },
});
