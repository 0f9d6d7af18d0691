/**
 * User text inside gowatch's messages: keys, values and JSON excerpts come from a file anyone
 * may have written, so they are shown escaped (a message stays one line, and a terminal never
 * receives an escape sequence) and cut (a message never quotes megabytes).
 */

/** Characters of user text a message shows. */
const SHOWN = 60;

/** Controls, format characters (bidi overrides, zero-width), line separators, lone surrogates. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

/** A code point as visible text: JSON's escapes where JSON has one (\n, \u001b), \uXXXX otherwise. */
const visible = (c: string): string => {
  if (!INVISIBLE.test(c)) return c;
  const json = JSON.stringify(c).slice(1, -1);
  return json !== c ? json : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
};

const insideQuotes = (c: string): string => (c === '"' || c === '\\' ? `\\${c}` : visible(c));

/** `text` with every character mapped, stopping (with "…") before the output passes `limit`. */
const mapCut = (text: string, map: (c: string) => string, limit: number): string => {
  let out = '';
  for (const c of text) {
    const next = map(c);
    if (out.length + next.length > limit) return `${out}…`;
    out += next;
  }
  return out;
};

/** User text in a message: quoted, escaped like a JSON string, cut to a readable length. */
export const quote = (text: string): string => `"${mapCut(text, insideQuotes, SHOWN)}"`;

/** A name shown bare when it is plainly one (PORT, 3), quoted otherwise. */
export const label = (text: string): string => (/^[\w.$@/+-]{1,60}$/.test(text) ? text : quote(text));

/** A path with anything invisible escaped; in full unless cut at `limit` (a path built from user text can be long). */
export const shownPath = (file: string, limit = Number.POSITIVE_INFINITY): string => mapCut(file, visible, limit);

/** Another program's output (go's errors) inside a one-line message: lines joined, escaped, cut. */
export const oneLine = (text: string, limit: number): string =>
  mapCut(
    text
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .join(' '),
    visible,
    limit,
  );

const scalar = (value: unknown): string => {
  if (typeof value === 'string') return quote(value);
  // JSON.parse turns 1e400 into Infinity, which JSON.stringify would print as null.
  if (typeof value === 'number') {
    if (Number.isFinite(value) || Number.isNaN(value)) return String(value);
    return value > 0 ? 'a number too large' : 'a number too far below zero';
  }
  return String(value);
};

/** A parsed JSON value as a message shows it: compact JSON, strings escaped, cut after SHOWN characters. */
export const describeValue = (value: unknown): string => {
  const parts: string[] = [];
  let length = 0;
  const push = (text: string) => {
    parts.push(text);
    length += text.length;
    return length <= SHOWN;
  };
  // Depth is bounded by the loader (MAX_DEPTH), so recursion is safe here.
  const walk = (v: unknown): boolean => {
    if (Array.isArray(v)) return push('[') && v.every((item, i) => (i === 0 || push(',')) && walk(item)) && push(']');
    if (typeof v === 'object' && v !== null) {
      return push('{') && Object.entries(v).every(([key, item], i) => (i === 0 || push(',')) && push(`${quote(key)}:`) && walk(item)) && push('}');
    }
    return push(scalar(v));
  };
  if (walk(value) || parts.length === 1) return parts.join('');
  return mapCut(parts.join(''), (c) => c, SHOWN);
};
