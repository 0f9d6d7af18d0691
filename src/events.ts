import { z } from 'zod';
import { ERROR_KINDS, errorKindOf, errorMessage } from './errors.js';
import { HOOK_KEYS } from './hooks/hook-keys.js';
import { PROFILE_KINDS } from './profile/kinds.js';
import { PROFILE_TRIGGERS } from './profile/store.js';

/**
 * The JSON event stream (`--json`): the one definition of every event gowatch emits.
 * The reporters, docs/events.md and the tests all read these schemas.
 */
const base = { ts: z.number().int().describe('milliseconds since the Unix epoch') };
const target = { target: z.string().describe('the target the event is about: its name under `targets`, else the package as given to gowatch') };
const files = z.array(z.string()).describe('paths relative to the current directory');
const buildId = z.number().int().describe('numbers the builds of this run; build-start, build-ok, build-fail and build-canceled of one build share it');
const pid = z.number().int().describe('process id of the program (the leader of its process group)');
const duration = (what: string) => z.number().describe(`${what}, in milliseconds`);

/** A hook command that failed: shared by build-fail (go.build.pre, go.build.post) and hook-fail (go.run.preStart). */
const hookFailure = z.object({
  key: z.enum(HOOK_KEYS).describe('the config key whose command failed'),
  command: z.array(z.string()).describe('the command as written: the program, then its arguments'),
  code: z.number().int().nullable().describe('its exit code; null when a signal ended it, or when it could not start (its output says why: a program not found…)'),
  signal: z.string().nullable().describe('the signal that ended it, or null'),
  timedOut: z.boolean().describe('true when it ran past go.build.hookTimeout and gowatch stopped its whole process tree'),
});

const skipReasons = ['unchanged', 'not-in-build', 'excluded', 'gitignored', 'not-watched'] as const;

export const eventSchemas = {
  watching: z.object({
    event: z.literal('watching'),
    ...base,
    backend: z.enum(['native', 'polling']).describe('native: OS events (inotify, FSEvents, ReadDirectoryChangesW); polling: periodic stat'),
    reason: z.string().describe('why this backend was chosen for this root'),
    root: z.string().describe('absolute path of the watched directory'),
    environment: z
      .string()
      .optional()
      .describe('when gowatch runs in a container or under WSL, what was detected; reported only: the root\'s filesystem decides the backend'),
  }).describe('a root is watched: said once per root, and again only if it is watched another way (a re-planned root keeps its watch)'),
  change: z.object({
    event: z.literal('change'),
    ...base,
    ...target,
    files: files.describe(
      "paths relative to the current directory: the batch, but files already gone again that cannot reach the build (a file no target can use waits for the end of the burst, so an editor's temporary file removed within go.watch.delay is never in one); a batch of only those, or of only files outside the watch (excluded, gitignored, not-watched), is no change; the files gowatch's own stdout and stderr point to never appear",
    ),
  }),
  skip: z.object({
    event: z.literal('skip'),
    ...base,
    ...target,
    reason: z.enum(skipReasons).describe(
      'unchanged: the build key equals the running binary (after a build-fail: the errors are gone and the running program is current); not-in-build: a Go file the target build closure does not hold; excluded: an exclusion of go.watch.patterns names it (e.g. a _test.go; this reason comes first); gitignored: ignored by .gitignore (go.watch.gitignore); not-watched: matched no pattern',
    ),
    files: files.describe('paths relative to the current directory: the files of the batch skipped for this reason; for excluded, gitignored and not-watched, which the path alone settles, each file is said once per run'),
  }),
  closure: z.object({
    event: z.literal('closure'),
    ...base,
    ...target,
    packages: z.number().int().describe('packages of the main/workspace/locally replaced modules in the closure'),
    edges: z.number().int().describe('import edges between those packages'),
    files: z.number().int().describe('files whose content goes into the build key'),
    durationMs: duration('go env + go list + hashing new files (warm: comparing what they came from)'),
    warm: z
      .literal(true)
      .optional()
      .describe('at start, the closure and contents of the last run were taken again: nothing they came from had changed since (no go env, go list or reading of files)'),
  }),
  'build-start': z.object({ event: z.literal('build-start'), ...base, ...target, id: buildId }).describe(
    'the build starts: go runs once the build has a slot (as many builds run at once as there are cores), so a build waiting for one is not said yet, and one canceled while it waits is never said; with go.build.pre, the build starts with its commands, before go; build-ok, build-fail or build-canceled of the same id follows',
  ),
  'build-ok': z.object({
    event: z.literal('build-ok'),
    ...base,
    ...target,
    id: buildId,
    durationMs: duration('go build (or the cache lookup), with the go.build.pre and go.build.post commands of the build'),
    cached: z.boolean().describe('true when a binary built earlier for the same build key was reused without go build'),
  }),
  'build-fail': z.object({
    event: z.literal('build-fail'),
    ...base,
    ...target,
    id: buildId,
    durationMs: duration('go build, with the go.build.pre and go.build.post commands of the build'),
    diagnostics: z.array(
      z.object({
        file: z.string().describe('relative to the current directory; empty when the message names no file'),
        line: z.number().int(),
        column: z.number().int(),
        message: z.string(),
      }),
    ),
    output: z.string().describe('the complete output of go build; for a hook, its output (stdout and stderr as they interleaved, the last 256 KiB)'),
    hook: hookFailure
      .optional()
      .describe('set when a go.build.pre or go.build.post command failed the build (the output and diagnostics are then its own): the previous program keeps running'),
  }),
  'build-canceled': z.object({ event: z.literal('build-canceled'), ...base, ...target, id: buildId }),
  'hook-fail': z.object({
    event: z.literal('hook-fail'),
    ...base,
    ...target,
    hook: hookFailure.describe('the go.run.preStart command that failed'),
    durationMs: duration('the go.run.preStart commands, up to the one that failed'),
    output: z.string().describe('the output of the command that failed (stdout and stderr as they interleaved, the last 256 KiB)'),
    running: z.boolean().describe('true when the program started before still runs: it is stopped only once go.run.preStart succeeded'),
  }).describe('a go.run.preStart command failed, so the program was not started; the next change tries again (a failing go.build.pre or go.build.post is a build-fail)'),
  starting: z.object({ event: z.literal('starting'), ...base, ...target }).describe(
    'the program is about to start (any previous one is gone); `start` with its pid, or an `error` of kind start, follows',
  ),
  start: z.object({ event: z.literal('start'), ...base, ...target, pid }),
  debug: z.object({
    event: z.literal('debug'),
    ...base,
    ...target,
    listen: z.string().describe('HOST:PORT where Delve listens for editors once the program started (go.debug.listen, or --debug=HOST:PORT), the same after every restart'),
    dlv: z.string().describe('the Delve that starts the program'),
  }).describe(
    'under gowatch run --debug, said once per target before its first build: each start runs the program under Delve, so the pid of start, stop and exit is Delve\'s, and the program ending by itself ends no run (Delve keeps it for the editor until the next change)',
  ),
  exit: z.object({
    event: z.literal('exit'),
    ...base,
    ...target,
    pid,
    code: z.number().int().nullable().describe('exit code, or null when a signal ended it'),
    signal: z.string().nullable().describe('the signal that ended it, or null'),
    restarts: z
      .boolean()
      .describe('true when go.run.restart starts it again (`restart` follows, or `restart-limit` when the restarts in a row ran out); false when gowatch waits for the next change'),
  }),
  stop: z.object({
    event: z.literal('stop'),
    ...base,
    ...target,
    pid,
    durationMs: duration('from the stop signal until the whole process tree was gone'),
    forced: z.boolean().describe('true when the program outlived the stop timeout and was killed with SIGKILL'),
  }),
  restart: z.object({
    event: z.literal('restart'),
    ...base,
    ...target,
    reason: z.enum(['exit', 'crash', 'memory']).describe('exit: the program ended with code 0 (go.run.restart "always"); crash: non-zero code or a signal; memory: over go.run.memoryLimit'),
    attempt: z.number().int().describe('restarts in a row, counting this one; reset once a program has run 10 s'),
    delayMs: duration('back-off before the program starts again'),
  }),
  'restart-limit': z.object({
    event: z.literal('restart-limit'),
    ...base,
    ...target,
    restarts: z.number().int().describe('restarts in a row that all ended again within 10 s; gowatch now waits for the next change'),
  }),
  memory: z.object({
    event: z.literal('memory'),
    ...base,
    ...target,
    pid,
    rssBytes: z.number().int().describe('resident memory of the whole process tree'),
    limitBytes: z.number().int().describe('go.run.memoryLimit in bytes'),
  }),
  profile: z.object({
    event: z.literal('profile'),
    ...base,
    ...target,
    pid,
    trigger: z.enum(PROFILE_TRIGGERS).describe(
      'baseline: go.run.profileBaseline seconds after the program started, what later captures of the run are compared with; memory: over go.run.memoryLimit, taken before the restart; trend: its memory grew steadily (said once per run); request: asked for through the library (watcher.profile())',
    ),
    key: z.string().describe('short build key of the binary the program runs: the profiles are of that build'),
    files: z.partialRecord(z.enum(PROFILE_KINDS), z.string()).describe('absolute paths of the profiles written, by kind (heap, goroutine, …); only those captured, none when the capture failed'),
    base: z.string().optional().describe('the baseline heap profile of this run that growth is measured against (go tool pprof -top -base BASE HEAP)'),
    rssBytes: z.number().int().optional().describe('resident memory of the whole process tree when the capture began (memory and trend)'),
    limitBytes: z.number().int().optional().describe('go.run.memoryLimit in bytes (memory)'),
    growth: z
      .array(z.object({ function: z.string(), bytes: z.number().int().describe('in-use heap bytes allocated there that were not at the baseline') }))
      .optional()
      .describe('the functions whose in-use heap grew most since the baseline, most first (memory and trend, when the run has a baseline)'),
    goroutines: z.number().int().optional().describe('goroutines the program had, when a goroutine profile was taken (memory)'),
    trend: z
      .object({
        bytesPerMinute: z.number().int().describe("the slope of a straight line fitted to the tree's memory"),
        windowMs: z.number().int().describe('the time the fitted samples span, in milliseconds'),
      })
      .optional()
      .describe('the steady growth found (trend)'),
    error: z.string().optional().describe('why the capture (or part of it) failed: the program did not answer within the bound, refused the connection…; the files taken are listed still'),
  }).describe('profiles of the running program were captured (go.run.profile); the human output says the baseline only with --verbose'),
  leftover: z.object({
    event: z.literal('leftover'),
    ...base,
    ...target,
    pids: z.array(z.number().int()).describe('processes of an earlier gowatch run of this target that were still alive (the program, its descendants, daemons carrying its run id)'),
    binary: z.string().describe('the program the earlier run started'),
    forced: z.boolean().describe('true when one of them outlived the stop timeout and was killed with SIGKILL'),
  }),
  warning: z.object({
    event: z.literal('warning'),
    ...base,
    target: z.string().optional().describe('the target it concerns, when it concerns one'),
    message: z.string().describe('something gowatch works around, said once'),
  }),
  error: z.object({
    event: z.literal('error'),
    ...base,
    target: z.string().optional().describe('the target it concerns, when it concerns one'),
    kind: z.enum([...ERROR_KINDS, 'internal']).describe(
      'config: buddy.watch.json or an option; usage: the command line; go-missing: no go (or no directory to run it in); go-list: go could not load the target; watch: a watcher failed; cache: gowatch\'s cache directory; busy: another live gowatch runs the target (its pid is named); start: the program could not start; profile: a profile could not be set up or captured; debug: gowatch run --debug cannot debug (no dlv); internal: a bug in gowatch, please report it',
    ),
    message: z.string().describe('what went wrong, for people'),
  }),
} as const;

export type EventName = keyof typeof eventSchemas;
export type GowatchEvent = { [K in EventName]: z.infer<(typeof eventSchemas)[K]> }[EventName];
export type EventOf<K extends EventName> = z.infer<(typeof eventSchemas)[K]>;
export type Diagnostic = EventOf<'build-fail'>['diagnostics'][number];
export type SkipReason = (typeof skipReasons)[number];

/** An event without its timestamp, as producers describe it. */
export type EventInput = GowatchEvent extends infer E ? (E extends GowatchEvent ? Omit<E, 'ts'> : never) : never;

export const eventNames = Object.keys(eventSchemas) as EventName[];

export const anyEventSchema = z.discriminatedUnion('event', Object.values(eventSchemas) as unknown as [
  (typeof eventSchemas)[EventName],
  ...(typeof eventSchemas)[EventName][],
]);

/** Receives every event; reporters implement it. */
export type EventSink = (event: GowatchEvent) => void;

/** The `error` event of a caught error, about `target` when given. */
export const errorEvent = (error: unknown, target?: string): EventInput => ({
  event: 'error',
  ...(target === undefined ? {} : { target }),
  kind: errorKindOf(error),
  message: errorMessage(error),
});
