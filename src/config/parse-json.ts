import { configError } from './config-error.js';
import { MAX_DEPTH } from './limits.js';
import { quote } from '../text/quote.js';

const END = 'Unexpected end of JSON input';

const lineAndColumn = (text: string, offset: number): string => {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
};

/** UTF-8, with or without the BOM some editors write; anything else is refused by name. */
const decode = (file: string, bytes: Uint8Array): string => {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw configError(file, 'is UTF-16 text; save it as UTF-8');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const lossy = new TextDecoder('utf-8').decode(bytes);
    throw configError(file, `is not valid UTF-8 (first bad byte at ${lineAndColumn(lossy, lossy.indexOf('\ufffd'))}); save it as UTF-8`);
  }
};

/**
 * Where nesting first passes MAX_DEPTH, found by a flat scan: deep input would overflow the
 * stack of the recursive code that reads the parsed value. Brackets inside strings do not count.
 */
const tooDeepAt = (text: string): number | undefined => {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_DEPTH) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
};

/** Whether JSON.parse fails on the first `length` characters for a reason other than running out of them. */
const failsWithin = (text: string, length: number): boolean => {
  try {
    JSON.parse(text.slice(0, length));
    return false;
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message);
    return message !== END && !(position && Number(position[1]) >= length);
  }
};

/** V8 names the offset of most syntax errors, but not of an unexpected token: the shortest failing prefix ends there. */
const errorOffset = (text: string, message: string): number => {
  const position = /at position (\d+)/.exec(message);
  if (position) return Number(position[1]);
  if (message === END) return text.length;
  let low = 1;
  let high = text.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (failsWithin(text, middle)) high = middle;
    else low = middle + 1;
  }
  return low - 1;
};

/** V8's own words when they hold no user text; otherwise the character, escaped. */
const syntaxProblem = (text: string, message: string, offset: number): string => {
  if (message === END) return 'it ends too early';
  const fixed = / in JSON at position \d+/.exec(message);
  if (fixed) return message.slice(0, fixed.index);
  return `unexpected ${quote(String.fromCodePoint(text.codePointAt(offset) ?? 0xfffd))}`;
};

/** The JSON value held by a config file's bytes; every refusal names the file and where in it. */
export const parseConfigJson = (file: string, bytes: Uint8Array): unknown => {
  const text = decode(file, bytes);
  if (text.trim() === '') throw configError(file, 'is empty; {} is the config that keeps every default');
  const deep = tooDeepAt(text);
  if (deep !== undefined) {
    throw configError(file, `nests arrays and objects more than ${MAX_DEPTH} levels deep (at ${lineAndColumn(text, deep)})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = errorOffset(text, message);
    const near = text.slice(Math.max(0, offset - 20), offset + 20);
    throw configError(
      file,
      `is not valid JSON at ${lineAndColumn(text, offset)}: ${syntaxProblem(text, message, offset)}${near ? ` (near ${quote(near)})` : ''}`,
    );
  }
};
