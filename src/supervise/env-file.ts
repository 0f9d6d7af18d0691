import { createHash } from 'node:crypto';
import { parse } from 'dotenv';
import { label } from '../text/quote.js';
import { readBoundedSync, refusalText } from '../files/bounded-read.js';
import { statOf } from '../paths.js';
import { envLines } from './env-file-lines.js';

/** What one .env file gave. */
export type EnvFileRead =
  | { readonly kind: 'values'; readonly values: Readonly<Record<string, string>> }
  | { readonly kind: 'missing' }
  /**
   * There, but not to be used: unreadable, not a regular file, too large, or a line dotenv
   * would misread. `version` tells one content from another, so a new save of a still broken
   * file is told apart from the same one read again.
   */
  | { readonly kind: 'unusable'; readonly why: string; readonly version?: string };

/** A .env file is a few lines; a larger one is no .env file. */
export const MAX_ENV_FILE_BYTES = 1024 * 1024;

const absent = (file: string): EnvFileRead => {
  const stats = statOf(file);
  if (!stats) return { kind: 'missing' };
  return { kind: 'unusable', why: stats.isDirectory() ? 'is a directory, not a file' : 'cannot be read' };
};

/**
 * A .env file, parsed by dotenv (the format most tools share: `export`, quotes, multi-line
 * values, comments; no `${VAR}` expansion). Read like any file of the user's tree: only a
 * regular file, opened without blocking, and never more than MAX_ENV_FILE_BYTES.
 */
export const readEnvFile = (file: string): EnvFileRead => {
  const read = readBoundedSync(file, MAX_ENV_FILE_BYTES);
  if (read.kind === 'absent') return absent(file);
  if (read.kind === 'refused') return { kind: 'unusable', why: refusalText(read.refusal, `the ${MAX_ENV_FILE_BYTES} bytes a .env file may have`) };
  const text = read.bytes.toString('utf8');
  const version = createHash('sha256').update(read.bytes).digest('hex');
  const { names, problem } = envLines(text);
  if (problem) return { kind: 'unusable', why: `line ${problem.line}: ${problem.why}`, version };
  const values = parse(text);
  for (const [name, value] of Object.entries(values)) {
    if (value.includes('\0')) return { kind: 'unusable', why: `line ${names.get(name)}: the value of ${label(name)} contains a NUL character, which no process can receive`, version };
  }
  return { kind: 'values', values };
};
