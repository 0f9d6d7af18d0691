import { applyEdits, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { appendEdits, PARSE_OPTIONS } from './jsonc-append.js';

/** A file of VS Code's that holds a list of named entries: launch.json's configurations, tasks.json's tasks. */
export type EntryList = {
  /** "configurations", "tasks". */
  readonly list: string;
  /** The key that names an entry: "name", "label". */
  readonly nameKey: string;
  readonly entry: Readonly<Record<string, unknown>>;
  /** The whole file, written when there is none. */
  readonly fresh: unknown;
};

export type Merged =
  /** No file, or an empty one: the whole file. */
  | { readonly kind: 'write'; readonly content: string }
  /** The file with the entry added to its list. */
  | { readonly kind: 'add'; readonly content: string }
  /** An entry of that name is there: nothing changes. */
  | { readonly kind: 'present' }
  /** Not a file the entry can be added to: nothing changes, and `problem` says why. */
  | { readonly kind: 'unmergeable'; readonly problem: string };

const BOM = '\ufeff';

const lineAndColumn = (text: string, offset: number): string => {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
};

/** "PropertyNameExpected" → "property name expected". */
const words = (error: ParseError): string =>
  printParseErrorCode(error.error)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const freshContent = (spec: EntryList): string => `${JSON.stringify(spec.fresh, null, 2)}\n`;

/**
 * `spec`'s entry merged into a file's text as VS Code reads it (JSON with comments and trailing
 * commas): added at the end of its list, or the list created, with the comments, order and
 * layout of the rest kept; undefined text is no file.
 */
export const mergeEntry = (text: string | undefined, spec: EntryList): Merged => {
  if (text === undefined || text.trim() === '') return { kind: 'write', content: freshContent(spec) };
  const bom = text.startsWith(BOM) ? BOM : '';
  const body = text.slice(bom.length);
  const errors: ParseError[] = [];
  const root: unknown = parse(body, errors, PARSE_OPTIONS);
  const [error] = errors;
  if (error) return { kind: 'unmergeable', problem: `it is not JSON with comments (${lineAndColumn(body, error.offset)}: ${words(error)})` };
  if (!isObject(root)) return { kind: 'unmergeable', problem: 'it holds no JSON object' };
  const list = root[spec.list];
  if (list !== undefined && !Array.isArray(list)) return { kind: 'unmergeable', problem: `its "${spec.list}" is not a list` };
  const name = spec.entry[spec.nameKey];
  const entries = (list ?? []) as unknown[];
  if (entries.some((entry) => isObject(entry) && entry[spec.nameKey] === name)) return { kind: 'present' };
  return { kind: 'add', content: bom + applyEdits(body, appendEdits(body, spec.list, spec.entry)) };
};
