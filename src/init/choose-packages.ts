import { didYouMean } from '../config/did-you-mean.js';
import { quote } from '../text/quote.js';
import { GowatchError } from '../errors.js';
import type { MainPackage } from '../go/main-packages.js';
import { targetNames } from './target-names.js';

/** A main package init writes into the config, with the target name it gets among several. */
export type ChosenPackage = MainPackage & { readonly name: string };

/** The ways a user names a package: ./cmd/api, cmd/api, its import path, or its target name. */
const spellings = (pkg: ChosenPackage): string[] => [pkg.relative, pkg.relative.replace(/^\.\//, ''), pkg.importPath, pkg.name];

/** "cmd/api/" and "./cmd/api" name the same directory. */
const normalized = (given: string): string => (given.length > 1 ? given.replace(/\/+$/, '') : given);

/**
 * The packages init configures: every main package found, or those `--target` names (each as
 * a directory, an import path or a target name); a name that is none of them is refused with the list.
 */
export const choosePackages = (found: readonly MainPackage[], wanted: readonly string[]): ChosenPackage[] => {
  const names = targetNames(found);
  const all = found.map((pkg, index) => ({ ...pkg, name: names[index]! }));
  if (wanted.length === 0) return all;
  const chosen: ChosenPackage[] = [];
  for (const given of wanted) {
    const pkg = all.find((candidate) => spellings(candidate).includes(normalized(given)));
    if (!pkg) {
      const listed = all.map((candidate) => candidate.relative);
      throw new GowatchError('usage', `--target ${quote(given)} is not one of the main packages go list found${didYouMean(given, listed)}: ${listed.join(', ')}`);
    }
    if (!chosen.includes(pkg)) chosen.push(pkg);
  }
  return chosen;
};
