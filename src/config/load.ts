import { lstatSync } from 'node:fs';
import path from 'node:path';
import { checkValue } from './check-value.js';
import { configError } from './config-error.js';
import { didYouMean } from './did-you-mean.js';
import { parseConfigJson } from './parse-json.js';
import { describeValue, quote } from '../text/quote.js';
import { readConfigFile } from './read-config-file.js';
import { configFields, configKeys, defaultConfig, MAX_TARGETS, schemaReference, TARGET_NAME, targetKeys, type Config, type ConfigKey } from './schema.js';

export const CONFIG_FILE_NAME = 'buddy.watch.json';

export type LoadedConfig = {
  /** The file read, or undefined when none was found and defaults apply. */
  readonly file: string | undefined;
  /** Where relative paths and patterns are anchored: the config file's directory. */
  readonly root: string;
  /** The top-level settings over the defaults: the whole config of a file without targets. */
  readonly config: Config;
  /** Each target's settings over `config`, in the order of the file; empty without "targets". */
  readonly targets: ReadonlyMap<string, Config>;
  /** The keys the file sets at its top level. */
  readonly keys: ReadonlySet<ConfigKey>;
  /** The keys each target sets itself; it takes the others from the top level. */
  readonly ownKeys: ReadonlyMap<string, ReadonlySet<ConfigKey>>;
};

type Settings = Partial<Record<ConfigKey, unknown>>;

/** Whether anything, even a dangling link or a FIFO, is at `file`: the reader then says what is wrong with it. */
const present = (file: string): boolean => {
  try {
    return lstatSync(file, { throwIfNoEntry: false }) !== undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return false;
    throw configError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
};

/** The nearest buddy.watch.json from `dir` upwards. */
export const findConfigFile = (dir: string): string | undefined => {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const candidate = path.join(current, CONFIG_FILE_NAME);
    if (present(candidate)) return candidate;
    if (path.dirname(current) === current) return undefined;
  }
};

const isConfigKey = (key: string): key is ConfigKey => Object.hasOwn(configFields, key);

const SECTIONS = [...new Set(configKeys.map((key) => key.slice(0, key.lastIndexOf('.') + 1)))];

/** An unknown key: the likely typo, else the keys of its section, else the sections. */
const unknownKey = (key: string): string => {
  const typo = didYouMean(key, ['$schema', 'targets', ...configKeys]);
  if (typo) return `unknown key ${quote(key)}${typo}`;
  const section = SECTIONS.find((prefix) => key.startsWith(prefix));
  if (!section) return `unknown key ${quote(key)}; keys start with ${SECTIONS.join(', ')}`;
  const names = configKeys.filter((known) => known.startsWith(section)).map((known) => known.slice(section.length));
  return `unknown key ${quote(key)}; the ${section} keys are ${names.join(', ')}`;
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks settings key by key; `where` names them in messages (a target's settings are inside "targets"). */
const validateSettings = (file: string, document: Record<string, unknown>, where: string, allowed: readonly ConfigKey[]): Settings => {
  const settings: Settings = {};
  for (const [key, value] of Object.entries(document)) {
    if (key === '$schema' && where === '') continue;
    if (!isConfigKey(key)) throw configError(file, `${where}${unknownKey(key)}`);
    if (!allowed.includes(key)) throw configError(file, `${where}"${key}" is shared by every target (there is one watcher): set it at the top level`);
    const checked = checkValue(configFields[key], value);
    if (!checked.ok) throw configError(file, `${where}"${key}"${checked.item}: ${checked.problem}`);
    settings[key] = checked.value;
  }
  return settings;
};

/** "targets": an object of target names to settings objects. */
const validateTargets = (file: string, value: unknown): Map<string, Settings> => {
  if (!isObject(value)) throw configError(file, `"targets": expected an object of targets such as {"api": {"go.build.package": "./cmd/api"}}, got ${describeValue(value)}`);
  const names = Object.keys(value);
  if (names.length === 0) throw configError(file, '"targets": expected at least one target');
  if (names.length > MAX_TARGETS) throw configError(file, `"targets": expected at most ${MAX_TARGETS} targets, got ${names.length}`);
  const targets = new Map<string, Settings>();
  for (const [name, settings] of Object.entries(value)) {
    if (!TARGET_NAME.test(name)) throw configError(file, `"targets": ${quote(name)} is not a target name (letters, digits, "_", "." and "-", starting with a letter or digit)`);
    if (!isObject(settings)) throw configError(file, `"targets" item ${name}: expected an object of settings such as {"go.build.package": "./cmd/${name}"}, got ${describeValue(settings)}`);
    targets.set(name, validateSettings(file, settings, `"targets" item ${name}: `, targetKeys));
  }
  return targets;
};

/** Validates a parsed document key by key; the first problem becomes one line naming file and key. */
const validateConfig = (file: string, document: unknown): { settings: Settings; targets: Map<string, Settings> } => {
  if (!isObject(document)) {
    throw configError(file, `expected a JSON object of settings such as {"go.build.package": "./cmd/api"}, got ${describeValue(document)}`);
  }
  const { targets, ...rest } = document;
  if (typeof document['$schema'] !== 'undefined') {
    const checked = checkValue(schemaReference, document['$schema']);
    if (!checked.ok) throw configError(file, `"$schema": ${checked.problem}`);
  }
  return {
    settings: validateSettings(file, rest, '', configKeys),
    targets: 'targets' in document ? validateTargets(file, targets) : new Map(),
  };
};

/**
 * Reads `explicitFile`, or the nearest config from `cwd`, over the defaults; `false` reads none
 * (a library caller that passes every setting). `givenWith` names where an explicit file came from.
 */
export const loadConfig = (cwd: string, explicitFile?: string | false, givenWith = '--config'): LoadedConfig => {
  const file = explicitFile === false ? undefined : explicitFile ? path.resolve(cwd, explicitFile) : findConfigFile(cwd);
  if (explicitFile && !present(file!)) throw configError(file!, `does not exist (given with ${givenWith})`);
  const { settings, targets } = file ? validateConfig(file, parseConfigJson(file, readConfigFile(file))) : { settings: {}, targets: new Map<string, Settings>() };
  const config = { ...defaultConfig(), ...settings } as Config;
  return {
    file,
    root: file ? path.dirname(file) : path.resolve(cwd),
    config,
    targets: new Map([...targets].map(([name, own]) => [name, { ...config, ...own } as Config])),
    keys: new Set(Object.keys(settings) as ConfigKey[]),
    ownKeys: new Map([...targets].map(([name, own]) => [name, new Set(Object.keys(own) as ConfigKey[])])),
  };
};
