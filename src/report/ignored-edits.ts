import type { SkipReason } from '../events.js';

/** Skip reasons that mean gowatch saw an edit and let it pass: nothing to build, nothing to restart. */
export type IgnoredReason = Exclude<SkipReason, 'unchanged'>;

export const isIgnored = (reason: SkipReason): reason is IgnoredReason => reason !== 'unchanged';

/**
 * Whether the path alone settles the reason (patterns, .gitignore): not-in-build is one
 * target's closure, and another target may build the file.
 */
export const settledByPath = (reason: IgnoredReason): boolean => reason !== 'not-in-build';

/** Why an edit is ignored, in the words of the README (the reason itself is the skip event's). */
const WHY: Record<IgnoredReason, string> = {
  'not-in-build': 'not part of the build',
  'not-watched': 'not part of the build, and no pattern names it',
  excluded: 'excluded by go.watch.patterns',
  gitignored: 'ignored by .gitignore',
};

/** With --verbose, each ignored edit: "README.md changed: not part of the build, and no pattern names it (not-watched)". */
export const ignoredLine = (files: string, reason: IgnoredReason): string => `${files} changed: ${WHY[reason]} (${reason})`;

/** Without --verbose, the first ignored edit of a run says how to see the others. */
export const ignoredHint = (files: string, reason: IgnoredReason): string =>
  `${files} changed: ${WHY[reason]} (ignored edits are shown with --verbose)`;
