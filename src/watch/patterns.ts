import picomatch from 'picomatch';

/**
 * go.watch.patterns: ordered include globs and "!" exclusions. picomatch ORs an array of
 * patterns (so "!x" inside an array would not exclude), hence includes and exclusions are
 * compiled separately and an exclusion always wins, whatever its position.
 */
export type PatternSet = {
  /** The include pattern that matches `rel`, if any. */
  readonly include: (rel: string) => string | undefined;
  /** The exclusion that matches `rel`, if any. */
  readonly exclusion: (rel: string) => string | undefined;
  /** Whether a directory (relative, no trailing slash) is excluded as a whole and can be pruned. */
  readonly prunesDir: (relDir: string) => boolean;
};

type Matcher = { pattern: string; test: (rel: string) => boolean };

/** Why a glob cannot be used, or undefined when it is fine. */
export const globProblem = (pattern: string): string | undefined => {
  const body = pattern.startsWith('!') ? pattern.slice(1) : pattern;
  if (body.trim() === '') return `"${pattern}" is an empty glob`;
  if (body.startsWith('/') || /^[A-Za-z]:[\\/]/.test(body)) {
    return `"${pattern}" is absolute; globs are relative to the project root`;
  }
  if (body.split('/').includes('..')) return `"${pattern}" leaves the project root with ".."`;
  try {
    picomatch.makeRe(body, { strictBrackets: true });
  } catch (error) {
    return `"${pattern}" is not a valid glob (${(error as Error).message})`;
  }
  return undefined;
};

const compile = (pattern: string, glob: string, dot: boolean): Matcher => ({
  pattern,
  test: picomatch(glob, { dot }),
});

export const compilePatterns = (patterns: readonly string[]): PatternSet => {
  const includes: Matcher[] = [];
  const exclusions: Matcher[] = [];
  const dirExclusions: Matcher[] = [];
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) {
      const body = pattern.slice(1);
      // Exclusions see dot-directories too: "!.git/**" must match.
      exclusions.push(compile(pattern, body, true));
      if (body.endsWith('/**')) dirExclusions.push(compile(pattern, body.slice(0, -3), true));
    } else {
      includes.push(compile(pattern, pattern, false));
    }
  }
  const first = (matchers: Matcher[]) => (rel: string) => matchers.find((m) => m.test(rel))?.pattern;
  return {
    include: first(includes),
    exclusion: first(exclusions),
    prunesDir: (relDir) => dirExclusions.some((m) => m.test(relDir)),
  };
};
