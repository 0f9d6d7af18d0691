/**
 * Whether a path below a package directory can be embedded by one of the package's
 * //go:embed patterns, by go's own rules (cmd/go resolveEmbed): a pattern is a path.Match
 * glob relative to the package directory, one element per path element; a directory it
 * matches brings its whole tree, less the names starting with "." or "_" (unless the pattern
 * starts with "all:") and version-control directories.
 *
 * It errs towards "may": only a "no" saves a `go list`, and a wrong "no" would leave a new
 * file out of the build. So a pattern go would refuse matches everything, nested modules and
 * symbolic links are not looked for (that needs the disk), and a path that could be a
 * directory on the way to a match matches.
 */

type EmbedPattern = {
  readonly all: boolean;
  /** Undefined when go would refuse the pattern: then anything may be embedded. */
  readonly elements: readonly RegExp[] | undefined;
};

/** Names go never embeds from a directory's tree, whatever the prefix. */
const VERSION_CONTROL = new Set(['.bzr', '.hg', '.git', '.svn']);

const literal = (char: string): string => `\\u{${char.codePointAt(0)!.toString(16)}}`;

/** One character of a class ("c" or "\c"), as path.Match reads it; undefined when malformed. */
const classChar = (chars: readonly string[], at: number): { char: string; next: number } | undefined => {
  let char = chars[at];
  let next = at + 1;
  if (char === '-' || char === ']') return undefined;
  if (char === '\\') {
    char = chars[next];
    next += 1;
  }
  return char === undefined ? undefined : { char, next };
};

/** "[...]" starting at `at` (just after "["), as a RegExp class; undefined when malformed. */
const characterClass = (chars: readonly string[], at: number): { source: string; next: number } | undefined => {
  let i = at;
  const negated = chars[i] === '^';
  if (negated) i += 1;
  const ranges: string[] = [];
  for (let count = 0; ; count += 1) {
    if (chars[i] === ']' && count > 0) break;
    const lo = classChar(chars, i);
    if (!lo) return undefined;
    let hi = lo;
    if (chars[lo.next] === '-') {
      const upper = classChar(chars, lo.next + 1);
      if (!upper) return undefined;
      hi = upper;
    }
    i = hi.next;
    // go accepts a reversed range, which matches nothing; a RegExp would throw.
    if (lo.char.codePointAt(0)! <= hi.char.codePointAt(0)!) ranges.push(`${literal(lo.char)}-${literal(hi.char)}`);
  }
  return { source: `[${negated ? '^' : ''}${ranges.join('')}]`, next: i + 1 };
};

/** One path element of a pattern as a RegExp, or undefined when go refuses it as a pattern. */
const elementMatcher = (element: string): RegExp | undefined => {
  const chars = Array.from(element);
  let source = '';
  for (let i = 0; i < chars.length; ) {
    const char = chars[i]!;
    if (char === '*') {
      source += '[^/]*';
      i += 1;
    } else if (char === '?') {
      source += '[^/]';
      i += 1;
    } else if (char === '[') {
      const range = characterClass(chars, i + 1);
      if (!range) return undefined;
      source += range.source;
      i = range.next;
    } else if (char === '\\') {
      const escaped = chars[i + 1];
      if (escaped === undefined) return undefined;
      source += literal(escaped);
      i += 2;
    } else {
      source += literal(char);
      i += 1;
    }
  }
  return new RegExp(`^${source}$`, 'su');
};

const compile = (pattern: string): EmbedPattern => {
  const all = pattern.startsWith('all:');
  const glob = all ? pattern.slice('all:'.length) : pattern;
  const parts = glob.split('/');
  // go's validEmbedPattern: a relative, clean, slash-separated path.
  const valid = glob !== '.' && parts.every((part) => part !== '' && part !== '.' && part !== '..');
  const elements = valid ? parts.map(elementMatcher) : [undefined];
  return { all, elements: elements.every((e) => e !== undefined) ? elements : undefined };
};

/** Whether something at `names` (path elements below the package directory) may be embedded by `pattern`. */
const mayMatch = ({ all, elements }: EmbedPattern, names: readonly string[]): boolean => {
  if (!elements) return true;
  const shared = Math.min(names.length, elements.length);
  for (let i = 0; i < shared; i += 1) if (!elements[i]!.test(names[i]!)) return false;
  // A matched directory's tree: go skips hidden and version-control names while it walks it.
  return names.slice(elements.length).every((name) => !VERSION_CONTROL.has(name) && (all || !(name.startsWith('.') || name.startsWith('_'))));
};

/**
 * The first of `patterns` (as go list gives them in EmbedPatterns) that may embed the path
 * `rel` (relative to the package directory, "/"-separated), or undefined when none can.
 * A go.mod counts where its directory may hold what is embedded: it ends the tree there.
 */
export const embeddingPattern = (patterns: readonly string[], rel: string): string | undefined => {
  const names = rel.split('/');
  const dirNames = names.at(-1) === 'go.mod' ? names.slice(0, -1) : undefined;
  for (const pattern of patterns) {
    const compiled = compile(pattern);
    if (mayMatch(compiled, names) || (dirNames && mayMatch(compiled, dirNames))) return pattern;
  }
  return undefined;
};
