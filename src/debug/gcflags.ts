import { parseGoFlags, withoutFlag } from '../config/build-flags.js';
import { splitGoflags } from '../go/goflags.js';

/** What Delve needs from the compiler: no optimisation, no inlining, in every package. */
export const DEBUG_GCFLAGS = '-N -l';

/**
 * One -gcflags value with the debug flags added to what it gives. go reads "PATTERN=FLAGS", or
 * FLAGS alone (starting with "-" or a quote, or empty) for the packages named on the command line.
 */
const withDebug = (value: string): string => {
  const text = value.trim();
  if (text === '' || /^['"-]/.test(text)) return `${DEBUG_GCFLAGS} ${text}`.trim();
  const equals = text.indexOf('=');
  // go refuses a value without a pattern's "=": left for go to say so.
  if (equals <= 0) return text;
  return `${text.slice(0, equals)}=${DEBUG_GCFLAGS} ${text.slice(equals + 1).trim()}`.trim();
};

const gcflagsValues = (args: readonly string[]): string[] =>
  parseGoFlags(args).flatMap((flag) => (flag.name === 'gcflags' ? [flag.value ?? ''] : []));

/**
 * Build flags that keep what a build of `buildFlags` (under GOFLAGS `goflags`) gives the compiler
 * and add -N -l for every package. For each package go applies the last -gcflags whose pattern
 * matches it, so "all=-N -l" alone would undo a user's own; instead it comes first, and each of
 * the user's follows (GOFLAGS' first, as go reads them) with -N -l added, in its order.
 */
export const debugBuildFlags = (buildFlags: readonly string[], goflags: string): string[] => {
  const own = [...gcflagsValues(splitGoflags(goflags)), ...gcflagsValues(buildFlags)];
  return [...withoutFlag(buildFlags, 'gcflags'), `-gcflags=all=${DEBUG_GCFLAGS}`, ...own.map((value) => `-gcflags=${withDebug(value)}`)];
};
