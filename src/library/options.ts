import path from 'node:path';
import { checkValue } from '../config/check-value.js';
import { didYouMean } from '../config/did-you-mean.js';
import { directoryProblem, type RunChoice, type RunRequest } from '../config/options.js';
import { describeValue, label, quote, shownPath } from '../text/quote.js';
import { configFields, configKeys, envNameProblem, TARGET_NAME, type Config, type ConfigKey } from '../config/schema.js';
import { GowatchError } from '../errors.js';
import type { ProgramLines } from '../gowatch.js';

/** A setting's value as a caller may hold it: lists and maps read-only. */
type SettingValue<T> = T extends readonly (infer U)[] ? readonly U[] : T extends object ? Readonly<T> : T;

/**
 * buddy.watch.json's settings, by the same dotted names and with the same values; each overrides
 * the file's for every target it runs, as the CLI's flags do. `go.build.package` runs that one
 * package (relative to the project root, as in the file) instead of the file's "targets".
 */
export type WatchSettings = { readonly [K in ConfigKey]?: SettingValue<Config[K]> };

export type WatchOptions = WatchSettings & {
  /** The directory gowatch acts in, as `gowatch run --cwd`: absolute. The config is found from here; programs run here. */
  readonly cwd: string;
  /** A buddy.watch.json (relative to cwd), or false to read none; by default the nearest from cwd upwards, as the CLI. */
  readonly config?: string | false;
  /**
   * The environment go and the programs get; GOWATCH_CACHE_DIR and GOWATCH_POLL are read from it.
   * By default a copy of process.env when watch() is called.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Names of the config's "targets" to run, as `gowatch run api worker`; all of them by default. */
  readonly targets?: readonly string[];
  /** One package to run, relative to cwd or an import path, as `gowatch run ./cmd/api`. */
  readonly package?: string;
  /** Build even when this build key was built before (`--force`). */
  readonly force?: boolean;
  /** Run the programs under Delve, listening on go.debug.listen (`--debug`). */
  readonly debug?: boolean;
  /** Gets programs' output line by line; without it programs write to this process's stdout and stderr. */
  readonly programOutput?: ProgramLines;
};

/** What watch() hands the core: the options request, and where program output goes. */
export type WatchRequest = { readonly request: RunRequest; readonly programOutput: ProgramLines | undefined };

const OWN_OPTIONS = ['cwd', 'config', 'env', 'targets', 'package', 'force', 'debug', 'programOutput'] as const;
const OPTION_NAMES: readonly string[] = [...OWN_OPTIONS, ...configKeys];

const named = (name: string) => `watch() option ${quote(name)}`;
const refuse = (name: string, problem: string) => new GowatchError('usage', `${named(name)}: ${problem}`);

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const unknownOption = (name: string): GowatchError => {
  const typo = didYouMean(name, OPTION_NAMES);
  return new GowatchError('usage', `${named(name)} is unknown${typo || `; the options are ${OWN_OPTIONS.join(', ')} and the keys of buddy.watch.json (${configKeys[0]}, …)`}`);
};

/** An absolute, existing directory: the library never falls back on process.cwd(). */
const checkCwd = (value: unknown): string => {
  if (typeof value !== 'string' || !path.isAbsolute(value)) {
    throw refuse('cwd', `expected an absolute directory path (watch() does not use process.cwd()), got ${describeValue(value)}`);
  }
  const cwd = path.resolve(value);
  const problem = directoryProblem(cwd);
  if (problem) throw refuse('cwd', `directory ${shownPath(cwd, 200)} ${problem}`);
  return cwd;
};

const checkConfig = (value: unknown): string | false | undefined => {
  if (value === undefined || value === false || (typeof value === 'string' && value !== '' && !value.includes('\0'))) return value;
  throw refuse('config', `expected the path of a buddy.watch.json, or false to read none, got ${describeValue(value)}`);
};

/** A copy, so later changes to the caller's object (or to process.env) do not reach running programs. */
const checkEnv = (value: unknown): Record<string, string> => {
  if (!isPlainObject(value)) throw refuse('env', `expected an object of environment variables such as process.env, got ${describeValue(value)}`);
  const env: Record<string, string> = {};
  for (const [name, text] of Object.entries(value)) {
    if (text === undefined) continue;
    const nameProblem = envNameProblem(name);
    if (nameProblem) throw refuse('env', `item ${label(name)}: ${nameProblem}`);
    if (typeof text !== 'string') throw refuse('env', `item ${label(name)}: expected a string, got ${describeValue(text)}`);
    if (text.includes('\0')) throw refuse('env', `item ${label(name)}: contains a NUL character (\\u0000), which no process can receive`);
    env[name] = text;
  }
  return env;
};

const checkTargets = (value: unknown): readonly string[] => {
  if (!Array.isArray(value) || value.length === 0) throw refuse('targets', `expected a non-empty array of target names such as ["api", "worker"], got ${describeValue(value)}`);
  value.forEach((name: unknown, index) => {
    if (typeof name !== 'string' || !TARGET_NAME.test(name)) {
      throw refuse('targets', `item ${index}: expected a target name (letters, digits, "_", "." and "-", starting with a letter or digit), got ${describeValue(name)}`);
    }
  });
  return value as string[];
};

/** A value through its config key's one check, the check files and flags get. */
const checkSetting = <K extends ConfigKey>(name: string, key: K, value: unknown): Config[K] => {
  const checked = checkValue<Config[K]>(configFields[key], value);
  if (!checked.ok) throw new GowatchError('usage', `${named(name)}${checked.item}: ${checked.problem}`);
  return checked.value;
};

const checkType = <T>(name: string, value: unknown, type: 'boolean' | 'function', expected: string): T | undefined => {
  if (value === undefined || typeof value === type) return value as T | undefined;
  throw refuse(name, `expected ${expected}, got ${typeof value === 'function' ? 'a function' : describeValue(value)}`);
};

/** At most one of the options that choose what runs. */
const choose = (targets: readonly string[] | undefined, pkg: string | undefined, buildPackage: string | undefined): RunChoice => {
  const given = [targets && 'targets', pkg !== undefined && 'package', buildPackage !== undefined && 'go.build.package'].filter(Boolean);
  if (given.length > 1) throw new GowatchError('usage', `watch() options ${given.map((name) => `"${name}"`).join(' and ')} each choose what runs; give one`);
  if (targets) return { kind: 'targets', names: targets, source: named('targets') };
  if (pkg !== undefined) return { kind: 'package', pkg, from: 'cwd', source: named('package') };
  if (buildPackage !== undefined) return { kind: 'package', pkg: buildPackage, from: 'root', source: named('go.build.package') };
  return { kind: 'args', args: [] };
};

/**
 * watch()'s options, checked at this edge, each refusal naming the option and the value. The
 * environment is taken here and only here: the core gets it through RunOptions.env.
 */
export const watchRequest = (options: unknown): WatchRequest => {
  if (!isPlainObject(options)) throw new GowatchError('usage', `watch() expects an options object such as { cwd: "/path/to/project" }, got ${describeValue(options)}`);
  for (const name of Object.keys(options)) if (!OPTION_NAMES.includes(name)) throw unknownOption(name);
  const overrides: Partial<Record<ConfigKey, unknown>> = {};
  for (const key of configKeys) {
    if (options[key] !== undefined && key !== 'go.build.package') overrides[key] = checkSetting(key, key, options[key]);
  }
  const buildPackage = options['go.build.package'] === undefined ? undefined : checkSetting('go.build.package', 'go.build.package', options['go.build.package']);
  const pkg = options['package'] === undefined ? undefined : checkSetting('package', 'go.build.package', options['package']);
  const targets = options['targets'] === undefined ? undefined : checkTargets(options['targets']);
  return {
    request: {
      cwd: checkCwd(options['cwd']),
      config: checkConfig(options['config']),
      configGivenWith: named('config'),
      overrideNames: Object.fromEntries(configKeys.map((key) => [key, named(key)])),
      choice: choose(targets, pkg, buildPackage),
      overrides: overrides as Partial<Config>,
      json: false,
      force: checkType<boolean>('force', options['force'], 'boolean', 'true or false') ?? false,
      debug: checkType<boolean>('debug', options['debug'], 'boolean', 'true or false') ?? false,
      env: checkEnv(options['env'] ?? process.env),
    },
    programOutput: checkType<ProgramLines>('programOutput', options['programOutput'], 'function', 'a function (target, stream, line) => void'),
  };
};
