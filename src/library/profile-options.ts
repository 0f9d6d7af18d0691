import { describeValue, quote } from '../text/quote.js';
import { didYouMean } from '../config/did-you-mean.js';
import { GowatchError } from '../errors.js';
import { MAX_CPU_SECONDS, PROFILE_KINDS, type ProfileKind } from '../profile/kinds.js';
import type { ProfileRequest } from '../profile/request.js';

/** What watcher.profile() takes: as `gowatch profile [TARGET] [--KIND] [--cpu SECONDS] [--base FILE]`. */
export type ProfileOptions = {
  /** The target's name; may be left out when one target runs. */
  readonly target?: string;
  /** Which profile; "heap" (in-use memory, after a garbage collection) by default. */
  readonly kind?: ProfileKind;
  /** How long a CPU profile records, in whole seconds; required for kind "cpu" only. */
  readonly cpuSeconds?: number;
  /** An earlier profile of the same kind (relative to the watcher's cwd): `top` is then what changed since. */
  readonly base?: string;
};

const OPTIONS = ['target', 'kind', 'cpuSeconds', 'base'] as const;

const refuse = (name: string, problem: string) => new GowatchError('usage', `watcher.profile() option ${quote(name)}: ${problem}`);

/** The options checked at the edge, each refusal naming the option and the value. */
export const profileRequest = (options: ProfileOptions = {}): ProfileRequest & { readonly target?: string } => {
  if (typeof options !== 'object' || options === null) throw new GowatchError('usage', `watcher.profile(): expected an object of options, got ${describeValue(options)}`);
  for (const name of Object.keys(options)) {
    if (!(OPTIONS as readonly string[]).includes(name)) throw new GowatchError('usage', `watcher.profile() option ${quote(name)} is unknown${didYouMean(name, OPTIONS) || `; the options are ${OPTIONS.join(', ')}`}`);
  }
  const { target, kind = 'heap', cpuSeconds, base } = options;
  if (target !== undefined && typeof target !== 'string') throw refuse('target', `expected a target's name, got ${describeValue(target)}`);
  if (!PROFILE_KINDS.includes(kind)) throw refuse('kind', `expected one of ${PROFILE_KINDS.map((k) => `"${k}"`).join(', ')}, got ${describeValue(kind)}`);
  if (kind === 'cpu' && !(Number.isInteger(cpuSeconds) && cpuSeconds! >= 1 && cpuSeconds! <= MAX_CPU_SECONDS)) {
    throw refuse('cpuSeconds', `expected a whole number of seconds from 1 to ${MAX_CPU_SECONDS} for a "cpu" profile, got ${describeValue(cpuSeconds)}`);
  }
  if (kind !== 'cpu' && cpuSeconds !== undefined) throw refuse('cpuSeconds', `is for kind "cpu" only, and kind is ${quote(kind)}`);
  if (base !== undefined && (typeof base !== 'string' || base === '')) throw refuse('base', `expected the path of a profile, got ${describeValue(base)}`);
  return {
    kind,
    ...(target === undefined ? {} : { target }),
    ...(cpuSeconds === undefined ? {} : { cpuSeconds }),
    ...(base === undefined ? {} : { base }),
  };
};
