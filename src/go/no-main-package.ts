import { oneLine } from '../text/quote.js';
import { GowatchError } from '../errors.js';
import { listMainPackages, type MainPackage } from './main-packages.js';

/** Main packages a message names; a module with more has them counted, not listed. */
const NAMED = 5;

/** Characters of go's own message shown before the main packages, so that they stay on screen. */
const GO_MESSAGE_SHOWN = 300;

/** `./cmd/api`, or `./cmd/api, ./cmd/worker`, with a count when there are more than a line holds. */
export const mainPackageList = (mains: readonly MainPackage[]): string => {
  const named = mains.slice(0, NAMED).map((main) => main.relative).join(', ');
  return mains.length > NAMED ? `${named}, … (${mains.length} in all)` : named;
};

/** What the user may have meant instead of a target that is no main package. */
const suggestion = (mains: readonly MainPackage[]): string => {
  if (mains.length === 0) return 'no main package found';
  return `did you mean ${mains.length === 1 ? '' : 'one of '}${mainPackageList(mains)}?`;
};

/**
 * A target that is no main package go can build (no Go files, a missing directory, a library
 * package): go's own words, then the main packages there are, as typed from `from` (where the
 * package was named: the user's directory, or the project root for the config key).
 */
export const noMainPackage = async (problem: string, from: string, env?: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<GowatchError> => {
  const mains = await listMainPackages(from, env, signal);
  return new GowatchError('go-list', `${oneLine(problem, GO_MESSAGE_SHOWN)}; ${suggestion(mains)}`);
};
