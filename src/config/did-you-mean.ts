import { closest, distance } from 'fastest-levenshtein';

/** A " (did you mean X?)" suffix when some candidate is a plausible typo of `input`. */
export const didYouMean = (input: string, candidates: readonly string[]): string => {
  // A typo is about as long as what it misspells; comparing megabytes of input would only cost time.
  if (candidates.length === 0 || input.length > 100) return '';
  const best = closest(input, [...candidates]);
  const limit = Math.max(2, Math.floor(best.length / 3));
  return distance(input, best) <= limit ? ` (did you mean "${best}"?)` : '';
};
