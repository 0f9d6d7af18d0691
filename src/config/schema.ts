import { z } from 'zod';
import { globProblem } from '../watch/patterns.js';
import { profileUrlProblem } from '../profile/url.js';
import { DEFAULT_DEBUG_LISTEN, LISTEN_EXPECTED, listenProblem } from '../debug/listen.js';
import { buildFlagsProblem } from './build-flags.js';
import { didYouMean } from './did-you-mean.js';
import { MAX_ENV_FILES, MAX_GLOB_WILDCARDS, MAX_ITEMS, MAX_NAME_LENGTH, MAX_PATTERNS, MAX_TEXT_LENGTH } from './limits.js';
import { describeValue, quote } from '../text/quote.js';
import { STOP_SIGNALS, stopSignalProblem } from './signals.js';

/**
 * The one definition of buddy.watch.json: validation, defaults, CLI help and the shipped
 * JSON Schema all derive from this table. Keys are flat and dotted, as in editor settings.
 */
export const DEFAULT_PATTERNS = [
  '**/*.go',
  'go.mod',
  'go.sum',
  'go.work',
  'go.work.sum',
  '!**/*_test.go',
  '!vendor/**',
  '!**/testdata/**',
  '!**/node_modules/**',
  '!.git/**',
] as const;

/** `"x" contains a NUL character`: a process receives arguments and environment as C strings, and file names are C strings too. */
const nulProblem = (value: string, which = 'which no process can receive'): string | undefined =>
  value.includes('\0') ? `${quote(value)} contains a NUL character (\\u0000), ${which}` : undefined;

/** A string of at most `max` characters that `problem` accepts; the max also reaches the JSON Schema. */
const checkedString = (max: number, problem: (value: string) => string | undefined = (value) => nulProblem(value)) =>
  z
    .string()
    .max(max)
    .check((ctx) => {
      // Past the max the value is refused already; checking it would only cost time.
      const message = ctx.value.length <= max ? problem(ctx.value) : undefined;
      if (message) ctx.issues.push({ code: 'custom', input: ctx.value, message });
    });

const wildcards = (pattern: string) => pattern.match(/\*+|[+@?!]\(/g)?.length ?? 0;

const glob = checkedString(MAX_NAME_LENGTH, (pattern) => {
  const nul = nulProblem(pattern, 'which no file name can contain');
  if (nul) return nul;
  if (wildcards(pattern) > MAX_GLOB_WILDCARDS) {
    return `${quote(pattern)} has ${wildcards(pattern)} wildcards; at most ${MAX_GLOB_WILDCARDS} are accepted, as each more multiplies the time a match can take`;
  }
  // globProblem quotes the whole pattern raw; here it is shown like every other user value.
  const problem = globProblem(pattern);
  const raw = `"${pattern}" `;
  return problem?.startsWith(raw) ? `${quote(pattern)} ${problem.slice(raw.length)}` : problem;
});

/** A bounded whole number: its bounds are written here once, for files, flags and the JSON Schema. */
const wholeNumber = (unit: string, min: number, max: number) => ({
  schema: z.number().int().min(min).max(max),
  expected: `a whole number of ${unit} (${min} or more)`,
  unit,
});

/** "512MB", "1.5GB", "800MiB": decimal and binary units, as people write them. */
const MEMORY_SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;
const UNIT_BYTES: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/** Bytes of a size MEMORY_SIZE accepts. */
export const memoryBytes = (size: string): number => {
  const [, amount, unit] = MEMORY_SIZE.exec(size.trim())!;
  return Math.round(Number(amount) * UNIT_BYTES[unit!.toLowerCase()]!);
};

/** Below a megabyte no Go program runs; above a tebibyte is no limit a dev machine reaches. */
const MEMORY_LIMIT = { min: 1e6, max: 2 ** 40, shown: '"1MB" to "1TiB"' } as const;

const memorySize = z
  .string()
  .max(32)
  .regex(MEMORY_SIZE)
  .check((ctx) => {
    const bytes = MEMORY_SIZE.test(ctx.value) ? memoryBytes(ctx.value) : MEMORY_LIMIT.min;
    // A negation, so that a size overflowing to Infinity is refused too. The refusal names the
    // field's expected text (the union reports that), which gives the range.
    if (!(bytes >= MEMORY_LIMIT.min && bytes <= MEMORY_LIMIT.max)) {
      ctx.issues.push({ code: 'custom', input: ctx.value, message: `out of range ${MEMORY_LIMIT.shown}` });
    }
  });

const PROFILE_EXPECTED = '"off", "inject", or the http(s) URL of the program\'s net/http/pprof such as "http://127.0.0.1:6060/debug/pprof/"';

/** go.run.profile: "off", "inject" or a URL; one string check, so that a refused URL says why. */
const profileSetting = checkedString(MAX_NAME_LENGTH, (value) => {
  if (value === 'off' || value === 'inject') return undefined;
  if (!value.includes('://')) return `expected ${PROFILE_EXPECTED}, got ${quote(value)}${didYouMean(value, ['off', 'inject'])}`;
  return profileUrlProblem(value);
}).meta({ examples: ['off', 'inject', 'http://127.0.0.1:6060/debug/pprof/'] });

const buildFlags = z
  .array(checkedString(MAX_NAME_LENGTH))
  .max(MAX_ITEMS)
  .check((ctx) => {
    const message = buildFlagsProblem(ctx.value);
    if (message) ctx.issues.push({ code: 'custom', input: ctx.value, message });
  });

const HOOK_EXPECTED = 'a list of commands, each an array of strings (the program, then its arguments), such as [["go", "generate", "./..."]]';

/** One hook command: run with no shell, so the program comes first and must be named. */
const hookCommand = z.preprocess(
  (value, ctx) => {
    if (!Array.isArray(value)) return value;
    value.forEach((part, index) => {
      if (typeof part !== 'string') ctx.issues.push({ code: 'custom', input: value, path: [index], message: `expected the program and its arguments as strings, got ${describeValue(part)}` });
    });
    return value;
  },
  z
    .array(checkedString(MAX_TEXT_LENGTH))
    .max(MAX_ITEMS)
    .check((ctx) => {
      if (ctx.value.length === 0) ctx.issues.push({ code: 'custom', input: ctx.value, message: 'an empty command: it needs at least the program to run' });
      else if (ctx.value[0] === '') ctx.issues.push({ code: 'custom', input: ctx.value, message: 'the program to run is an empty string' });
    })
    .meta({ minItems: 1 }),
);

/**
 * go.build.pre, go.build.post, go.run.preStart. One command written without its list is the
 * likely mistake: it is refused with the list it belongs in.
 */
const hookCommands = z.preprocess(
  (value, ctx) => {
    if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')) {
      ctx.issues.push({ code: 'custom', input: value, message: `expected ${HOOK_EXPECTED}: one command goes in a list of its own, [${describeValue(value)}]` });
    }
    return value;
  },
  z.array(hookCommand).max(MAX_ITEMS),
);

const packagePath = checkedString(MAX_NAME_LENGTH, (pkg) => {
  if (pkg.startsWith('-')) return `${quote(pkg)} starts with "-", so go would read it as a flag`;
  return nulProblem(pkg);
});

/** Why `name` cannot be an environment variable's name, or undefined: the one check of go.run.env and of watch()'s env. */
export const envNameProblem = (name: string): string | undefined => {
  if (name === '') return 'an empty variable name is not allowed';
  if (name.length > MAX_NAME_LENGTH) return `a variable name is at most ${MAX_NAME_LENGTH} characters, got ${name.length}`;
  if (name.includes('=')) return `${quote(name)} contains "=", which ends a variable name`;
  // JSON.parse makes it an own key, but JavaScript objects drop it on the way to the program.
  if (name === '__proto__') return `${quote(name)} cannot be passed on: JavaScript objects treat this name specially and would drop it`;
  return nulProblem(name);
};

/**
 * Names are checked as written, before the record is parsed: zod leaves "__proto__" out of
 * what it parses, so a check after it would never see that name.
 */
const environment = z.preprocess(
  (value, ctx) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const names = Object.keys(value);
    if (names.length > MAX_ITEMS) {
      ctx.issues.push({ code: 'custom', input: value, message: `expected at most ${MAX_ITEMS} variables, got ${names.length}` });
      return value;
    }
    for (const name of names) {
      const message = envNameProblem(name);
      if (message) ctx.issues.push({ code: 'custom', input: value, path: [name], message });
    }
    return value;
  },
  z.record(z.string(), checkedString(MAX_TEXT_LENGTH)).meta({ maxProperties: MAX_ITEMS }),
);

/** A path of go.run.envFile: a file name, so not empty and without NUL. */
const envFilePath = checkedString(MAX_NAME_LENGTH, (file) => nulProblem(file, 'which no file name can contain')).min(1);

/** The stop signal: editors complete from the list, and gowatch explains a refusal. */
const stopSignal = z
  .string()
  .check((ctx) => {
    const message = stopSignalProblem(ctx.value);
    if (message) ctx.issues.push({ code: 'custom', input: ctx.value, message });
  })
  .meta({ enum: [...STOP_SIGNALS] });

/** What a field of the table holds; `unit` names what its number counts, for "at most" messages. */
export type Field = {
  readonly schema: z.ZodType;
  readonly expected: string;
  readonly description: string;
  readonly default: unknown;
  readonly unit?: string;
};

/** "$schema" points editors at buddy.watch.schema.json; gowatch only checks that it is a string. */
export const schemaReference = {
  schema: checkedString(MAX_NAME_LENGTH, () => undefined),
  expected: 'the path or URL of buddy.watch.schema.json',
  description: 'Where editors find this schema.',
  default: undefined,
} satisfies Field;

export const configFields = {
  'go.watch.patterns': {
    schema: z.array(glob).max(MAX_PATTERNS),
    expected: 'an array of glob strings (a leading "!" marks an exclusion)',
    description: 'Ordered globs relative to the project root; "!" marks an exclusion, and an exclusion always wins.',
    default: [...DEFAULT_PATTERNS] as string[],
  },
  'go.watch.delay': {
    ...wholeNumber('milliseconds', 0, 60_000),
    description: 'Quiet time that gathers a burst of changes, in milliseconds (at most a minute): the first change of a burst starts a build at once, the rest are handled together once this much time passed with no new one, and the program restarts only then.',
    default: 50,
  },
  'go.watch.gitignore': {
    schema: z.boolean(),
    expected: 'true or false',
    description: "Leave out what the repository's .gitignore files (and .git/info/exclude) ignore: not watched, not a trigger. A file in the build closure always counts, and an include pattern you wrote wins.",
    default: true,
  },
  'go.watch.poll': {
    schema: z.union([z.literal('auto'), z.boolean()]),
    expected: '"auto", true or false',
    description: '"auto" polls only where native events cannot be trusted (network/FUSE mounts, watch limits, GOWATCH_POLL).',
    default: 'auto' as 'auto' | boolean,
  },
  'go.watch.pollInterval': {
    // Below 10 ms polling is a busy loop; above a minute changes go unseen too long.
    ...wholeNumber('milliseconds', 10, 60_000),
    // Chosen from what a sweep costs while idle against how late it sees an edit
    // (BENCHMARKS.md, big-tree).
    description: 'How often polling checks files, in milliseconds.',
    default: 1000,
  },
  'go.build.package': {
    schema: packagePath.min(1),
    expected: 'a non-empty package path such as "." or "./cmd/api"',
    description: 'The main package to build, relative to the project root, or an import path.',
    default: '.',
  },
  'go.build.flags': {
    schema: buildFlags,
    expected: 'an array of strings passed to go build (and go list), e.g. ["-tags", "dev"]',
    description: 'Extra go build flags; they also shape the build closure (tags, GOOS...).',
    default: [] as string[],
  },
  'go.build.dwarf': {
    schema: z.boolean(),
    expected: 'true or false',
    description: 'Build a full binary, with DWARF debug information. false (the default) links without it (-ldflags=-w, added to your own -ldflags), which makes each link faster: debuggers and core-dump analysis need it; stack traces, runtime/pprof symbols, go tool objdump and go version -m do not. gowatch run --debug always builds a full binary.',
    default: false,
  },
  'go.build.pre': {
    schema: hookCommands,
    expected: HOOK_EXPECTED,
    description: 'Commands run in order before each go build (go generate, a linter), with no shell unless one is written ("sh", "-c", "..."), where the program runs and with its environment plus GOWATCH_TARGET and GOWATCH_CHANGED_FILES. One that fails fails the build, and the previous program keeps running; the files they write belong to the build they run for.',
    default: [] as string[][],
  },
  'go.build.post': {
    schema: hookCommands,
    expected: HOOK_EXPECTED,
    description: 'Commands run in order after each successful go build, before the program starts; GOWATCH_BINARY names the binary built. One that fails fails the build, and the previous program keeps running.',
    default: [] as string[][],
  },
  'go.build.hookTimeout': {
    ...wholeNumber('milliseconds', 1, 3_600_000),
    description: 'How long one command of go.build.pre, go.build.post or go.run.preStart may run, in milliseconds (at most an hour); past it, its whole process tree is stopped and it has failed.',
    default: 60_000,
  },
  'go.run.args': {
    schema: z.array(checkedString(MAX_TEXT_LENGTH)).max(MAX_ITEMS),
    expected: 'an array of strings',
    description: 'Arguments given to the program.',
    default: [] as string[],
  },
  'go.run.preStart': {
    schema: hookCommands,
    expected: HOOK_EXPECTED,
    description: 'Commands run in order before each start of the program for a change or at gowatch\'s start (migrations), while the previous program still runs; GOWATCH_BINARY names the binary about to start. One that fails: the program is not started, the previous one keeps running, and the next change tries again.',
    default: [] as string[][],
  },
  'go.run.env': {
    schema: environment,
    expected: 'an object of string values, e.g. {"PORT": "8080"}',
    description: 'Environment variables added to the program environment.',
    default: {} as Record<string, string>,
  },
  'go.run.envFile': {
    schema: z.union([envFilePath, z.array(envFilePath).max(MAX_ENV_FILES)]),
    expected: `the path of a .env file, or an array of at most ${MAX_ENV_FILES} of them (not empty, no NUL), e.g. ".env" or [".env", ".env.local"]`,
    description: ".env files whose variables the program gets, relative to the config file's directory, read in order (a later file wins) at every start of the program; gowatch's own environment and go.run.env win over them. An edit to one restarts the program without a build; a missing file is a warning.",
    default: [] as string | string[],
  },
  'go.run.stopSignal': {
    schema: stopSignal,
    expected: `one of ${STOP_SIGNALS.join(', ')}`,
    description: 'Signal sent to the program process group to stop it; one the program can catch (not SIGKILL or SIGSTOP).',
    default: 'SIGTERM',
  },
  'go.run.stopTimeout': {
    ...wholeNumber('milliseconds', 0, 3_600_000),
    description: 'How long to wait after the stop signal before SIGKILL, in milliseconds (at most an hour).',
    default: 5000,
  },
  'go.run.clearScreen': {
    schema: z.boolean(),
    expected: 'true or false',
    description: 'On a terminal, clear the screen when a build starts (not when another target is still building), so what shows is of the latest build; never with --json or when the output is not a terminal. One setting for the whole run, not per target.',
    default: false,
  },
  'go.run.restart': {
    schema: z.enum(['on-change', 'on-failure', 'always']),
    expected: '"on-change", "on-failure" or "always"',
    description: 'When a program that ended on its own starts again: on the next change only, after a crash (non-zero exit or a signal), or after any exit. Restarts back off from 500 ms to 30 s.',
    default: 'on-change' as 'on-change' | 'on-failure' | 'always',
  },
  'go.run.maxRestarts': {
    ...wholeNumber('restarts', 0, 1000),
    description: 'Restarts in a row (without 10 s of running in between) before gowatch gives up and waits for the next change.',
    default: 5,
  },
  'go.run.memoryLimit': {
    schema: z.union([z.null(), memorySize]),
    expected: `null or a size from ${MEMORY_LIMIT.shown}, such as "512MB" or "1.5GB"`,
    description: 'Restart the program gracefully when its process tree holds more memory (RSS) than this (from 1MB to 1TiB); null turns the watchdog off.',
    default: null as string | null,
  },
  'go.run.profile': {
    schema: profileSetting,
    expected: PROFILE_EXPECTED,
    description: 'Heap, goroutine, CPU and other profiles of the running program: "off"; "inject" adds a file to the main package at build time (never to your tree) that serves them on a Unix socket only you can open, and only under gowatch; or the URL of the program\'s own net/http/pprof (on this machine unless go.run.profileAllowRemote).',
    default: 'off',
  },
  'go.run.profileBaseline': {
    schema: z.number().int().min(1).max(3600).nullable(),
    expected: 'null or a whole number of seconds (1 or more)',
    unit: 'seconds',
    description: 'Seconds after each start when the baseline heap profile of the run is taken (at most an hour), which later captures are compared with; null takes none. Only with go.run.profile on.',
    default: 10 as number | null,
  },
  'go.run.profileKeep': {
    ...wholeNumber('captures', 1, 1000),
    description: 'How many captures of profiles to keep per target; older ones are removed.',
    default: 10,
  },
  'go.run.profileAllowRemote': {
    schema: z.boolean(),
    expected: 'true or false',
    description: 'Allow a go.run.profile URL whose host is not this machine\'s loopback (localhost, 127.0.0.0/8, ::1): profiles show memory contents such as strings.',
    default: false,
  },
  'go.run.stdin': {
    schema: z.enum(['keys', 'inherit', 'ignore']),
    expected: '"keys", "inherit" or "ignore"',
    description:
      "keys: on a terminal, gowatch run reads hotkeys (h lists them) and the program's standard input is closed; elsewhere (a pipe, a file, --json, the library) as inherit. inherit: the program reads gowatch's standard input, and there are no hotkeys. ignore: its standard input is closed.",
    default: 'keys' as 'keys' | 'inherit' | 'ignore',
  },
  'go.debug.listen': {
    schema: checkedString(MAX_NAME_LENGTH, (value) => nulProblem(value) ?? listenProblem(value)).meta({ examples: [DEFAULT_DEBUG_LISTEN] }),
    expected: LISTEN_EXPECTED,
    description: 'Where Delve listens for the editor under gowatch run --debug (HOST:PORT). With several targets, a target without its own address gets this port counted up by its place in "targets" (the first this port, the next one more). Only a loopback address unless go.debug.allowRemote.',
    default: DEFAULT_DEBUG_LISTEN,
  },
  'go.debug.allowRemote': {
    schema: z.boolean(),
    expected: 'true or false',
    description: "Allow a go.debug.listen that is not this machine's loopback (every interface, another host): Delve's API has no authentication, so whoever reaches the port controls the program.",
    default: false,
  },
  'go.cache.binaries': {
    ...wholeNumber('binaries', 1, 1000),
    description: 'How many built binaries to keep per target for instant reuse (e.g. after an undo).',
    default: 5,
  },
  'go.cache.maxMB': {
    // A mebibyte of megabytes: a tebibyte of binaries, and still exact once multiplied into bytes.
    schema: z.number().min(1).max(1_048_576),
    expected: 'a number of megabytes (1 or more)',
    unit: 'megabytes',
    description: 'Upper bound on the size of the kept binaries per target, in megabytes.',
    default: 1024,
  },
} as const satisfies Record<string, Field>;

export type ConfigKey = keyof typeof configFields;
export type Config = { -readonly [K in ConfigKey]: z.infer<(typeof configFields)[K]['schema']> };

export const configKeys = Object.keys(configFields) as ConfigKey[];

export const defaultConfig = (): Config =>
  Object.fromEntries(
    configKeys.map((key) => [key, structuredClone(configFields[key].default)]),
  ) as Config;

/** Settings of the one watcher that serves every target: they cannot differ per target. */
const WATCHER_KEYS: readonly ConfigKey[] = ['go.watch.delay', 'go.watch.gitignore', 'go.watch.poll', 'go.watch.pollInterval'];

/** Settings of the one terminal every target shares. */
const TERMINAL_KEYS: readonly ConfigKey[] = ['go.run.clearScreen'];

export const targetKeys = configKeys.filter((key) => !WATCHER_KEYS.includes(key) && !TERMINAL_KEYS.includes(key));

/** A target name as `gowatch run NAME` and events show it. */
export const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const MAX_TARGETS = 64;

const settingsOf = (keys: readonly ConfigKey[]) =>
  Object.fromEntries(keys.map((key) => [key, configFields[key].schema.describe(configFields[key].description).optional()]));

const targetsSchema = z
  .record(z.string().regex(TARGET_NAME), z.object(settingsOf(targetKeys)).strict())
  .describe('Several programs served by one gowatch: each target takes the keys above (but the go.watch delay and polling keys, which the one watcher shares); top-level keys are the defaults of every target.');

/** The strict object schema of a config file: every key optional, nothing unknown. */
export const configFileSchema = z
  .object({
    $schema: schemaReference.schema.describe(schemaReference.description).optional(),
    ...settingsOf(configKeys),
    targets: targetsSchema.optional(),
  })
  .strict();
