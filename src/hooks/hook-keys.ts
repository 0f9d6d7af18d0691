/** The config keys that hold commands gowatch runs around a build and a start, in the order they run. */
export const HOOK_KEYS = ['go.build.pre', 'go.build.post', 'go.run.preStart'] as const;

export type HookKey = (typeof HOOK_KEYS)[number];

/** A command as written: the program, then its arguments; no shell unless the command is one. */
export type HookCommand = readonly string[];

/** The commands of every hook key, each list run in order. */
export type HookCommands = Readonly<Record<HookKey, readonly HookCommand[]>>;
