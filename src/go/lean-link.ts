import { parseGoFlags, withoutFlag } from '../config/build-flags.js';
import { splitGoflags } from './goflags.js';

/**
 * What gowatch adds to the linker's flags of a dev build: no DWARF. Writing it is a large share
 * of every link of a big binary, and a dev binary is run, not debugged (`--debug` builds a full
 * one). Panics' stack traces, runtime/pprof symbols and `go version -m` do not come from DWARF.
 */
const LEAN_LDFLAGS = '-w';

/** The linker's flags that take the next argument as their value when written without "=". */
const LINKER_VALUE_FLAGS: ReadonlySet<string> = new Set([
  'B', 'D', 'E', 'H', 'I', 'L', 'R', 'T', 'X', 'benchmark', 'benchmarkprofile', 'buildid', 'buildmode', 'capturehostobjs', 'cpuprofile',
  'debugtextsize', 'debugtramp', 'extar', 'extld', 'extldflags', 'fipso', 'funcalign', 'importcfg', 'installsuffix', 'k', 'libgcc',
  'linkmode', 'memprofile', 'memprofilerate', 'o', 'pluginpath', 'r', 'randlayout', 'strictdups', 'tmpdir',
]);

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

/** What a linker command line sets of -s (no symbol table, and no DWARF unless -w says) and -w (no DWARF). */
type Strip = { readonly s: boolean | undefined; readonly w: boolean | undefined };

/** -s and -w as the linker's flag package reads `words`: the last of each wins; a flag's value is skipped. */
const stripOf = (words: readonly string[]): Strip => {
  let s: boolean | undefined;
  let w: boolean | undefined;
  for (let i = 0; i < words.length; i += 1) {
    const match = /^--?([^-=][^=]*)(?:=([\s\S]*))?$/.exec(words[i]!);
    if (!match) break;
    const [, name, value] = match as unknown as [string, string, string | undefined];
    if (name === 's') s = value === undefined || TRUE.has(value);
    else if (name === 'w') w = value === undefined || TRUE.has(value);
    else if (value === undefined && LINKER_VALUE_FLAGS.has(name)) i += 1;
  }
  return { s, w };
};

/**
 * One -ldflags value as go reads it: "PATTERN=FLAGS", or FLAGS alone (starting with "-", or
 * empty) for the packages named on the command line; the flags split as go splits them, quotes
 * kept whole. Undefined for a value go refuses (a leading quote, no pattern before "="): it is
 * left for go to say so.
 */
const ldflagsParts = (value: string): { readonly pattern: string | undefined; readonly flags: string } | undefined => {
  const text = value.trim();
  if (text === '' || text.startsWith('-')) return { pattern: undefined, flags: text };
  const equals = text.indexOf('=');
  if (equals <= 0 || /^['"]/.test(text)) return undefined;
  return { pattern: text.slice(0, equals), flags: text.slice(equals + 1).trim() };
};

const joined = (pattern: string | undefined, flags: string): string => (pattern === undefined ? flags : `${pattern}=${flags}`);

/** Every -ldflags value a build of `buildFlags` under GOFLAGS `goflags` reads, in go's order: GOFLAGS' first. */
const ldflagsValues = (buildFlags: readonly string[], goflags: string): string[] =>
  [...parseGoFlags(splitGoflags(goflags)), ...parseGoFlags(buildFlags)].flatMap((flag) => (flag.name === 'ldflags' ? [flag.value ?? ''] : []));

/** A value's flags with -w first, unless they say themselves whether there is DWARF (-w, -w=false, -s). */
const leanValue = (value: string): string => {
  const parts = ldflagsParts(value);
  if (!parts) return value;
  const { s, w } = stripOf(splitGoflags(parts.flags));
  if (w !== undefined || s === true) return value;
  return joined(parts.pattern, `${LEAN_LDFLAGS} ${parts.flags}`.trim());
};

/**
 * Build flags that keep what a build of `buildFlags` (under GOFLAGS `goflags`) gives the linker
 * and add -w. go keeps only the last -ldflags whose pattern matches the main package (and one on
 * the command line hides GOFLAGS' own), so "-ldflags=-w" alone would drop a user's
 * `-X main.version=…`: instead each of the user's values (GOFLAGS' first) gets -w, in its order,
 * after a bare "-ldflags=-w" that applies when none of them names the main package.
 */
export const leanBuildFlags = (buildFlags: readonly string[], goflags: string): string[] => {
  const own = ldflagsValues(buildFlags, goflags);
  const forMain = own.some((value) => {
    const parts = ldflagsParts(value);
    return parts !== undefined && parts.pattern === undefined;
  });
  return [...withoutFlag(buildFlags, 'ldflags'), ...(forMain ? [] : [`-ldflags=${LEAN_LDFLAGS}`]), ...own.map((value) => `-ldflags=${leanValue(value)}`)];
};

/** A value with -s=false and -w=false after the ones it has; undefined when it strips nothing. */
const keptValue = (value: string): string | undefined => {
  const parts = ldflagsParts(value);
  if (!parts) return undefined;
  const { s, w } = stripOf(splitGoflags(parts.flags));
  const undo = [...(s === true ? ['-s=false'] : []), ...(w === true ? ['-w=false'] : [])];
  return undo.length === 0 ? undefined : joined(parts.pattern, `${parts.flags} ${undo.join(' ')}`);
};

/**
 * Build flags under which the user's -ldflags (under GOFLAGS `goflags`) strip neither the symbol
 * table nor DWARF, which Delve needs: each value that has -s or -w gets -s=false or -w=false
 * after them. `kept` says whether any had to, so that it is said once.
 */
export const debugLinkFlags = (buildFlags: readonly string[], goflags: string): { readonly buildFlags: readonly string[]; readonly kept: boolean } => {
  const own = ldflagsValues(buildFlags, goflags);
  if (own.every((value) => keptValue(value) === undefined)) return { buildFlags, kept: false };
  return { buildFlags: [...withoutFlag(buildFlags, 'ldflags'), ...own.map((value) => `-ldflags=${keptValue(value) ?? value}`)], kept: true };
};

