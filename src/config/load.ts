import { lstatSync } from 'node:fs';
import path from 'node:path';
import { checkValue } from './check-value.js';
import { configError } from './config-error.js';
import { didYouMean } from './did-you-mean.js';
import { parseConfigJson } from './parse-json.js';
import { describeValue, quote } from './quote.js';
import { readConfigFile } from './read-config-file.js';
import { configFields, configKeys, defaultConfig, schemaReference, type Config, type ConfigKey } from './schema.js';

export const CONFIG_FILE_NAME = 'buddy.watch.json';

export type LoadedConfig = {
  /** The file read, or undefined when none was found and defaults apply. */
  readonly file: string | undefined;
  /** Where relative paths and patterns are anchored: the config file's directory. */
  readonly root: string;
  readonly config: Config;
};

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
const findConfigFile = (dir: string): string | undefined => {
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
  const typo = didYouMean(key, ['$schema', ...configKeys]);
  if (typo) return `unknown key ${quote(key)}${typo}`;
  const section = SECTIONS.find((prefix) => key.startsWith(prefix));
  if (!section) return `unknown key ${quote(key)}; keys start with ${SECTIONS.join(', ')}`;
  const names = configKeys.filter((known) => known.startsWith(section)).map((known) => known.slice(section.length));
  return `unknown key ${quote(key)}; the ${section} keys are ${names.join(', ')}`;
};

/** Validates a parsed document key by key; the first problem becomes one line naming file and key. */
const validateConfig = (file: string, document: unknown): Partial<Config> => {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw configError(file, `expected a JSON object of settings such as {"go.build.package": "./cmd/api"}, got ${describeValue(document)}`);
  }
  const settings: Partial<Record<ConfigKey, unknown>> = {};
  for (const [key, value] of Object.entries(document)) {
    if (key !== '$schema' && !isConfigKey(key)) throw configError(file, unknownKey(key));
    const checked = checkValue(key === '$schema' ? schemaReference : configFields[key as ConfigKey], value);
    if (!checked.ok) throw configError(file, `"${key}"${checked.item}: ${checked.problem}`);
    if (key !== '$schema') settings[key as ConfigKey] = checked.value;
  }
  return settings as Partial<Config>;
};

/** Reads `explicitFile`, or the nearest config from `cwd`, over the defaults. */
export const loadConfig = (cwd: string, explicitFile?: string): LoadedConfig => {
  const file = explicitFile ? path.resolve(cwd, explicitFile) : findConfigFile(cwd);
  if (explicitFile && !present(file!)) throw configError(file!, 'does not exist (given with --config)');
  const settings = file ? validateConfig(file, parseConfigJson(file, readConfigFile(file))) : {};
  return {
    file,
    root: file ? path.dirname(file) : path.resolve(cwd),
    config: { ...defaultConfig(), ...settings },
  };
};
