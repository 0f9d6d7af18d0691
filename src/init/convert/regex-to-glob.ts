/**
 * Globs for a regular expression, when globs can say the same, else undefined: a literal, with
 * one group of literal alternatives at most, optionally ending with "$". `anchored` is whether
 * "^" marks the project root (reflex matches paths relative to it); air matches absolute paths,
 * where "^" names no place in the project.
 */
export const regexToGlobs = (regex: string, anchored: boolean): string[] | undefined => {
  let body = regex;
  const atRoot = anchored && body.startsWith('^');
  if (atRoot) body = body.slice(1);
  else if (body.startsWith('.*')) body = body.slice(2);
  else if (body.startsWith('.+')) body = body.slice(2);
  const atEnd = body.endsWith('$') && !body.endsWith('\\$');
  if (atEnd) body = body.slice(0, -1);
  const group = /^((?:\\.|[^\\()|])*)\(((?:\\.|[^\\()])*)\)((?:\\.|[^\\()|])*)$/.exec(body);
  const variants = group ? group[2]!.split('|').map((alternative) => `${group[1]}${alternative}${group[3]}`) : [body];
  // "(.+\\.go|.+\\.c)$": each alternative may start anywhere in the name too.
  const literals = variants.map((variant) => literalOf(group && group[1] === '' ? variant.replace(/^\.[*+]/, '') : variant));
  if (literals.some((literal) => literal === undefined || literal === '')) return undefined;
  return literals.flatMap((literal) => globsOf(literal!, atRoot, atEnd));
};

/** The text a regex without metacharacters matches (a lone "." read as a dot), or undefined. */
const literalOf = (regex: string): string | undefined => {
  let text = '';
  for (let i = 0; i < regex.length; i += 1) {
    const char = regex[i]!;
    if (char === '\\') {
      const next = regex[i + 1];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) return undefined;
      text += next;
      i += 1;
    } else if (char === '.' && !'*+?{'.includes(regex[i + 1] ?? '')) {
      // "_test.go" as people write it: a dot where they mean a dot.
      text += '.';
    } else if ('.^$*+?()[]{}|'.includes(char)) {
      return undefined;
    } else {
      text += char;
    }
  }
  // A glob reads these itself.
  return /[*?[\]{}!]/.test(text) ? undefined : text;
};

const globsOf = (literal: string, atRoot: boolean, atEnd: boolean): string[] => {
  const start = atRoot ? '' : '**/*';
  if (literal.includes('/')) {
    // "/vendor/", "^vendor/": a directory; below it everything.
    const trimmed = literal.replace(/^\/+/, '');
    const dir = trimmed.endsWith('/') ? trimmed.slice(0, -1) : undefined;
    if (dir !== undefined && !atEnd) return [atRoot || literal.startsWith('/') ? `${atRoot ? '' : '**/'}${dir}/**` : `**/*${dir}/**`];
    return [`${atRoot ? '' : '**/'}${trimmed}${atEnd ? '' : '*'}`];
  }
  // Unanchored at its end, a literal ending in an extension is read as the file's end: what
  // people mean by "_test\.go", and one glob rather than two.
  if (atEnd || /\.[A-Za-z0-9]+$/.test(literal)) return [`${start}${literal}`];
  return [`${start}${literal}*`, `${start}${literal}*/**`];
};
