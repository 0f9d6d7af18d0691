import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { GowatchError } from '../errors.js';
import { didYouMean } from './did-you-mean.js';
import { configFields, configKeys, configFileSchema, defaultConfig, type Config, type ConfigKey } from './schema.js';

export const CONFIG_FILE_NAME = 'buddy.watch.json';

export type LoadedConfig = {
  /** The file read, or undefined when none was found and defaults apply. */
  readonly file: string | undefined;
  /** Where relative paths and patterns are anchored: the config file's directory. */
  readonly root: string;
  readonly config: Config;
};

const configError = (file: string, message: string) => new GowatchError('config', `${file}: ${message}`);

/** The nearest buddy.watch.json from `dir` upwards. */
const findConfigFile = (dir: string): string | undefined => {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const candidate = path.join(current, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(current) === current) return undefined;
  }
};

const lineAndColumn = (text: string, offset: number) => {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
};

const parseJson = (file: string, text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const where = position ? ` at ${lineAndColumn(text, Number(position[1]))}` : '';
    throw configError(file, `is not valid JSON${where}: ${message.replace(/ in JSON at position \d+.*$/, '')}`);
  }
};

const describeIssue = (document: Record<string, unknown>, issue: z.core.$ZodIssue): string => {
  if (issue.code === 'unrecognized_keys') {
    const known = ['$schema', ...configKeys];
    const keys = issue.keys.map((key) => `"${key}"${didYouMean(key, known)}`).join(', ');
    return `unknown key ${keys}; known keys are ${configKeys.join(', ')}`;
  }
  const key = String(issue.path[0]);
  const value = document[key];
  const field = configFields[key as ConfigKey];
  const where = issue.path.length > 1 ? `"${key}" item ${issue.path.slice(1).join('.')}` : `"${key}"`;
  if (issue.code === 'custom') return `${where}: ${issue.message}`;
  if (key === 'go.run.stopSignal' && typeof value === 'string') {
    return `"${key}": unknown signal "${value}"${didYouMean(value.toUpperCase(), (field.schema as z.ZodEnum).options as string[])}; expected ${field.expected}`;
  }
  const expected = field ? field.expected : 'a string';
  return `${where}: expected ${expected}, got ${JSON.stringify(value)}`;
};

/** Validates a parsed document; the first problem becomes one clear error naming file and key. */
const validateConfig = (file: string, document: unknown): Partial<Config> => {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw configError(file, `expected a JSON object of settings such as {"go.build.package": "./cmd/api"}`);
  }
  const result = configFileSchema.safeParse(document);
  if (!result.success) {
    throw configError(file, describeIssue(document as Record<string, unknown>, result.error.issues[0]!));
  }
  const { $schema: _schema, ...settings } = result.data;
  return settings as Partial<Config>;
};

const readConfigFile = (file: string): Partial<Config> => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw configError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return validateConfig(file, parseJson(file, text));
};

/** Reads `explicitFile`, or the nearest config from `cwd`, over the defaults. */
export const loadConfig = (cwd: string, explicitFile?: string): LoadedConfig => {
  const file = explicitFile ? path.resolve(cwd, explicitFile) : findConfigFile(cwd);
  if (explicitFile && !existsSync(file!)) throw configError(file!, 'does not exist (given with --config)');
  const settings = file ? readConfigFile(file) : {};
  return {
    file,
    root: file ? path.dirname(file) : path.resolve(cwd),
    config: { ...defaultConfig(), ...settings },
  };
};
