import type { Config } from '../config/schema.js';
import { quote } from '../text/quote.js';
import { isLoopbackUrl, profileBaseUrl } from './url.js';

/** A target's go.run.profile* keys, as the rest of gowatch reads them. */
export type ProfileSettings = {
  /** "inject", the base URL of the program's own net/http/pprof (ending in "/"), or undefined when profiling is off. */
  readonly source: 'inject' | { readonly url: string } | undefined;
  /** When the run's baseline heap profile is taken, after each start; undefined for none. */
  readonly baselineMs: number | undefined;
  /** Captures kept per target. */
  readonly keep: number;
  /**
   * How far back the leak trend fits the tree's memory; undefined: the detector's own window.
   * No key sets it: a caller of startGowatch (the tests) can shorten it.
   */
  readonly trendWindowMs?: number | undefined;
};

export const profileSettings = (config: Config): ProfileSettings => {
  const profile = config['go.run.profile'];
  const baseline = config['go.run.profileBaseline'];
  return {
    source: profile === 'off' ? undefined : profile === 'inject' ? 'inject' : { url: profileBaseUrl(profile) },
    baselineMs: baseline === null ? undefined : baseline * 1000,
    keep: config['go.run.profileKeep'],
  };
};

/**
 * Why go.run.profile names a URL gowatch does not fetch from, or undefined: profiles hold what
 * the program's memory holds, so another machine is asked only when the user says so.
 */
export const remoteProfileProblem = (config: Config): string | undefined => {
  const profile = config['go.run.profile'];
  if (profile === 'off' || profile === 'inject' || config['go.run.profileAllowRemote'] || isLoopbackUrl(profile)) return undefined;
  return `${quote(profile)} is not on this machine: expected a loopback host (localhost, 127.0.0.0/8, [::1]), or "go.run.profileAllowRemote": true (profiles show what the program's memory holds)`;
};
