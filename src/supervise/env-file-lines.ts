import { label } from '../text/quote.js';
import { envNameProblem } from '../config/schema.js';

/** A line dotenv would skip or read otherwise than written: its number (from 1) and why. */
export type EnvLineProblem = { readonly line: number; readonly why: string };

/** What the lines of a .env file hold: the line each variable was last set on, or the first problem. */
export type EnvLines = { readonly names: ReadonlyMap<string, number>; readonly problem: EnvLineProblem | undefined };

/** A line that sets a variable, as dotenv reads one: `NAME=value`, `export NAME=value` or `NAME: value`. */
const ASSIGNMENT = /^\s*(?:export\s+)?([\w.-]+)(?:\s*=|:\s)\s*(.*)$/;
const QUOTE_NAMES: Readonly<Record<string, string>> = { '"': 'double quote', "'": 'single quote', '`': 'backquote' };
const BLANK_OR_COMMENT = /^\s*(?:#.*)?$/;

/** Where the first `quote` from `from` on that no backslash escapes is, or -1. */
const closingQuote = (text: string, quote: string, from: number): number => {
  for (let at = text.indexOf(quote, from); at !== -1; at = text.indexOf(quote, at + 1)) if (text[at - 1] !== '\\') return at;
  return -1;
};

/**
 * The lines of a .env file as dotenv reads them. dotenv never fails: a line it cannot read is
 * skipped, and a quote left open takes in the lines that follow, so a typo would silently drop
 * or change values. This finds the first such line, without ever quoting the line (it may hold
 * a secret): a line that sets nothing, a name no program can receive, a quote never closed, or
 * text after the quote that closes a value.
 */
export const envLines = (text: string): EnvLines => {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const names = new Map<string, number>();
  const at = (index: number, why: string): EnvLines => ({ names, problem: { line: index + 1, why } });
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    if (BLANK_OR_COMMENT.test(line)) continue;
    const match = ASSIGNMENT.exec(line);
    if (!match) return at(index, line.includes('=') ? 'expected NAME=value, where a name is letters, digits, "_", "." and "-"' : 'expected NAME=value');
    const [, name, value] = match as unknown as [string, string, string];
    const nameProblem = envNameProblem(name);
    if (nameProblem) return at(index, nameProblem);
    names.set(name, index + 1);
    const quote = value[0];
    if (quote === undefined || !Object.hasOwn(QUOTE_NAMES, quote)) continue;
    // A quoted value may span lines: it ends at the first quote of its kind that no backslash escapes.
    const opened = index;
    let close = closingQuote(value, quote, 1);
    let rest = close === -1 ? undefined : value.slice(close + 1);
    while (rest === undefined && index + 1 < lines.length) {
      index += 1;
      close = closingQuote(lines[index]!, quote, 0);
      if (close !== -1) rest = lines[index]!.slice(close + 1);
    }
    if (rest === undefined) return at(opened, `the ${QUOTE_NAMES[quote]} that opens the value of ${label(name)} is never closed`);
    if (!BLANK_OR_COMMENT.test(rest)) {
      const where = index === opened ? '' : ` (opened on line ${opened + 1})`;
      return at(index, `text follows the ${QUOTE_NAMES[quote]} that closes the value of ${label(name)}${where}`);
    }
  }
  return { names, problem: undefined };
};
