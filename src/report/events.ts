import { z } from 'zod';

/**
 * The JSON event stream (`--json`): the one definition of every event gowatch emits.
 * The reporters, docs/events.md and the tests all read these schemas.
 */
const base = { ts: z.number().int().describe('milliseconds since the Unix epoch') };
const target = { target: z.string().describe('the target (main package) the event is about') };
const files = z.array(z.string()).describe('paths relative to the current directory');

export const skipReasons = ['unchanged', 'not-in-build', 'excluded', 'not-watched'] as const;

export const eventSchemas = {
  watching: z.object({
    event: z.literal('watching'),
    ...base,
    backend: z.enum(['native', 'polling']),
    reason: z.string().describe('why this backend was chosen for this root'),
    root: z.string().describe('absolute path of the watched directory'),
  }),
  change: z.object({ event: z.literal('change'), ...base, ...target, files }),
  skip: z.object({
    event: z.literal('skip'),
    ...base,
    ...target,
    reason: z.enum(skipReasons).describe(
      'unchanged: the build key equals the running binary; not-in-build: not part of the target build closure; excluded: matched an exclusion pattern; not-watched: matched no pattern',
    ),
    files,
  }),
  closure: z.object({
    event: z.literal('closure'),
    ...base,
    ...target,
    packages: z.number().int().describe('packages of the main/workspace/locally replaced modules in the closure'),
    edges: z.number().int().describe('import edges between those packages'),
    files: z.number().int().describe('files whose content goes into the build key'),
    durationMs: z.number(),
  }),
  'build-start': z.object({ event: z.literal('build-start'), ...base, ...target, id: z.number().int() }),
  'build-ok': z.object({
    event: z.literal('build-ok'),
    ...base,
    ...target,
    id: z.number().int(),
    durationMs: z.number(),
    cached: z.boolean().describe('true when a binary built earlier for the same build key was reused without go build'),
  }),
  'build-fail': z.object({
    event: z.literal('build-fail'),
    ...base,
    ...target,
    id: z.number().int(),
    durationMs: z.number(),
    diagnostics: z.array(
      z.object({
        file: z.string().describe('relative to the current directory; empty when the message names no file'),
        line: z.number().int(),
        column: z.number().int(),
        message: z.string(),
      }),
    ),
    output: z.string().describe('the complete output of go build'),
  }),
  'build-canceled': z.object({ event: z.literal('build-canceled'), ...base, ...target, id: z.number().int() }),
  start: z.object({ event: z.literal('start'), ...base, ...target, pid: z.number().int() }),
  exit: z.object({
    event: z.literal('exit'),
    ...base,
    ...target,
    pid: z.number().int(),
    code: z.number().int().nullable(),
    signal: z.string().nullable(),
  }),
  stop: z.object({
    event: z.literal('stop'),
    ...base,
    ...target,
    pid: z.number().int(),
    durationMs: z.number(),
    forced: z.boolean().describe('true when the program outlived the stop timeout and was killed with SIGKILL'),
  }),
  error: z.object({ event: z.literal('error'), ...base, message: z.string() }),
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
