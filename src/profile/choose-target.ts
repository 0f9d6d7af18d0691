import type { TargetOptions } from '../config/options.js';
import { didYouMean } from '../config/did-you-mean.js';
import { quote } from '../text/quote.js';
import { GowatchError } from '../errors.js';

/**
 * The target a profile is asked of: the one named, or the only one. `asker` names the command
 * or method in messages (`gowatch profile`, `watcher.profile()`).
 */
export const chooseProfileTarget = (targets: readonly TargetOptions[], name: string | undefined, asker: string): TargetOptions => {
  const names = targets.map((target) => target.name);
  if (name !== undefined) {
    const found = targets.find((target) => target.name === name);
    if (found) return found;
    throw new GowatchError('usage', `${asker}: no target ${quote(name)}${didYouMean(name, names)}; the targets are ${names.join(', ')}`);
  }
  if (targets.length === 1) return targets[0]!;
  throw new GowatchError('usage', `${asker}: ${targets.length} targets (${names.join(', ')}): name the one to profile, e.g. ${asker === 'gowatch profile' ? `gowatch profile ${names[0]}` : `{ target: ${JSON.stringify(names[0])} }`}`);
};

/** Said when profiles are asked of a target that does not serve them: how to turn it on. */
export const profilingOff = (target: TargetOptions): GowatchError =>
  new GowatchError(
    'profile',
    `profiling is off for ${target.name}: set "go.run.profile": "inject" in buddy.watch.json (or the URL of the program's own net/http/pprof), then start gowatch run again`,
  );
