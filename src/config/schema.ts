import { z } from 'zod';
import { globProblem } from '../watch/patterns.js';
import { signalNames } from './signals.js';

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

const glob = z.string().check((ctx) => {
  const problem = globProblem(ctx.value);
  if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, message: problem });
});

const milliseconds = z.number().int().min(0);

/** gowatch owns go build's -o: the first build flag that sets it, with why it is refused. */
export const outputFlagProblem = (flags: readonly string[]): string | undefined => {
  const output = flags.find((flag) => flag === '-o' || flag.startsWith('-o='));
  return output === undefined ? undefined : `"${output}" is not allowed: gowatch chooses the output path so Go can skip unchanged links`;
};

const buildFlags = z.array(z.string()).check((ctx) => {
  const message = outputFlagProblem(ctx.value);
  if (message) ctx.issues.push({ code: 'custom', input: ctx.value, message });
});

export const configFields = {
  'go.watch.patterns': {
    schema: z.array(glob),
    expected: 'an array of glob strings (a leading "!" marks an exclusion)',
    description: 'Ordered globs relative to the project root; "!" marks an exclusion, and an exclusion always wins.',
    default: [...DEFAULT_PATTERNS] as string[],
  },
  'go.watch.delay': {
    schema: milliseconds,
    expected: 'a whole number of milliseconds (0 or more)',
    description: 'Quiet time after the last change before a build starts, in milliseconds.',
    default: 50,
  },
  'go.watch.poll': {
    schema: z.union([z.literal('auto'), z.boolean()]),
    expected: '"auto", true or false',
    description: '"auto" polls only where native events cannot be trusted (network/FUSE mounts, watch limits, GOWATCH_POLL).',
    default: 'auto' as 'auto' | boolean,
  },
  'go.watch.pollInterval': {
    schema: z.number().int().min(10),
    expected: 'a whole number of milliseconds (10 or more)',
    description: 'How often polling checks files, in milliseconds.',
    default: 250,
  },
  'go.build.package': {
    schema: z.string().min(1),
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
  'go.run.args': {
    schema: z.array(z.string()),
    expected: 'an array of strings',
    description: 'Arguments given to the program.',
    default: [] as string[],
  },
  'go.run.env': {
    schema: z.record(z.string(), z.string()),
    expected: 'an object of string values, e.g. {"PORT": "8080"}',
    description: 'Environment variables added to the program environment.',
    default: {} as Record<string, string>,
  },
  'go.run.stopSignal': {
    schema: z.enum(signalNames() as [string, ...string[]]),
    expected: 'a signal name such as "SIGTERM" or "SIGINT"',
    description: 'Signal sent to the program process group to stop it.',
    default: 'SIGTERM',
  },
  'go.run.stopTimeout': {
    schema: milliseconds,
    expected: 'a whole number of milliseconds (0 or more)',
    description: 'How long to wait after the stop signal before SIGKILL, in milliseconds.',
    default: 5000,
  },
  'go.cache.binaries': {
    schema: z.number().int().min(1),
    expected: 'a whole number (1 or more)',
    description: 'How many built binaries to keep per target for instant reuse (e.g. after an undo).',
    default: 5,
  },
  'go.cache.maxMB': {
    schema: z.number().min(1),
    expected: 'a number of megabytes (1 or more)',
    description: 'Upper bound on the size of the kept binaries per target, in megabytes.',
    default: 1024,
  },
} as const;

export type ConfigKey = keyof typeof configFields;
export type Config = { -readonly [K in ConfigKey]: z.infer<(typeof configFields)[K]['schema']> };

export const configKeys = Object.keys(configFields) as ConfigKey[];

export const defaultConfig = (): Config =>
  Object.fromEntries(
    configKeys.map((key) => [key, structuredClone(configFields[key].default)]),
  ) as Config;

/** The strict object schema of a config file: every key optional, nothing unknown. */
export const configFileSchema = z
  .object({
    $schema: z.string().optional(),
    ...Object.fromEntries(
      configKeys.map((key) => [key, configFields[key].schema.describe(configFields[key].description).optional()]),
    ),
  })
  .strict();
