import type { z } from 'zod';
import { describeValue, label } from '../text/quote.js';
import type { Field } from './schema.js';

/** A value a field accepts, or where inside it (" item 3") the first problem is and what it is. */
export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly item: string; readonly problem: string };

const valueAt = (value: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((inner, key) => (inner as Record<PropertyKey, unknown> | undefined)?.[key], value);

const sizeOf = (value: unknown): number => (Array.isArray(value) ? value.length : String(value).length);

const problemOf = (field: Field, issue: z.core.$ZodIssue, value: unknown): string => {
  if (issue.code === 'custom') return issue.message;
  const got = valueAt(value, issue.path);
  // NaN and ±Infinity fail before any bound is compared: say what they are, not that they are too large.
  if (typeof got === 'number' && !Number.isFinite(got) && typeof field.default === 'number') {
    return `expected a finite number${field.unit ? ` of ${field.unit}` : ''}, got ${describeValue(got)}`;
  }
  if (issue.code === 'too_big') {
    if (issue.origin === 'number') return `expected at most ${issue.maximum}${field.unit ? ` ${field.unit}` : ''}, got ${describeValue(got)}`;
    const what = issue.origin === 'array' ? 'items' : 'characters';
    return `expected at most ${issue.maximum} ${what}, got ${sizeOf(got)}`;
  }
  return `expected ${field.expected}, got ${describeValue(got)}`;
};

/**
 * The one check of a setting, whether it comes from buddy.watch.json or from a flag: the first
 * problem, with user text escaped and cut, for the caller to prefix with the file and key or the flag.
 */
export const checkValue = <T>(field: Field, value: unknown): Checked<T> => {
  const result = field.schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data as T };
  const issue = result.error.issues[0]!;
  const item = issue.path.length > 0 ? ` item ${issue.path.map((key) => label(String(key))).join('.')}` : '';
  return { ok: false, item, problem: problemOf(field, issue, value) };
};
