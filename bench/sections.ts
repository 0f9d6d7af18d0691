/**
 * BENCHMARKS.md is written by more than one bench: each owns its sections, marked
 * `<!-- section:NAME -->` … `<!-- /section:NAME -->`, and leaves the others as they were.
 */
const SECTION = /<!-- section:([\w-]+) -->[\s\S]*?<!-- \/section:\1 -->\n?/g;

const wrap = (name: string, markdown: string) => `<!-- section:${name} -->\n${markdown.trimEnd()}\n<!-- /section:${name} -->\n`;

/** `document` with section `name` replaced by `markdown` (appended when it is not there yet). */
export const replaceSection = (document: string, name: string, markdown: string): string => {
  const pattern = new RegExp(`<!-- section:${name} -->[\\s\\S]*?<!-- /section:${name} -->\\n?`);
  // A function, not a string: markdown holds `$'` and the like (a regex in a command line).
  return pattern.test(document) ? document.replace(pattern, () => wrap(name, markdown)) : `${document.trimEnd()}\n\n${wrap(name, markdown)}`;
};

/** `fresh` followed by every section of `previous` that `fresh` does not have. */
export const keepSections = (previous: string, fresh: string): string => {
  const kept = [...previous.matchAll(SECTION)].filter((match) => !fresh.includes(`<!-- section:${match[1]} -->`));
  return kept.length === 0 ? fresh : `${fresh.trimEnd()}\n\n${kept.map((match) => match[0].trimEnd()).join('\n\n')}\n`;
};
