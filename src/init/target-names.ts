import { TARGET_NAME } from '../config/schema.js';
import type { MainPackage } from '../go/main-packages.js';

/** Directory names as a target name allows them: other characters become "-". */
const clean = (text: string): string => text.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);

/**
 * The directories naming a package, innermost last; "cmd" only when it is the package itself,
 * as it tells nothing apart. The module's own name for a package at the root.
 */
const segmentsOf = (pkg: MainPackage): string[] => {
  const own = pkg.relative.split('/').filter((segment) => segment !== '.' && segment !== '..' && segment !== '');
  const named = own.length > 0 ? own : [pkg.importPath.split('/').at(-1) ?? ''];
  return named.filter((segment, index) => segment !== 'cmd' || index === named.length - 1);
};

/**
 * A target name for each package: its directory's name (cmd/api → api), with as many parent
 * directories as it takes to tell clashing ones apart (svc/a/cmd/server → a-server); what still
 * clashes is numbered.
 */
export const targetNames = (packages: readonly MainPackage[]): string[] => {
  const segments = packages.map(segmentsOf);
  const depth = packages.map(() => 1);
  const nameAt = (index: number) => clean(segments[index].slice(-depth[index]).join('-')) || 'app';
  for (;;) {
    const names = packages.map((_, index) => nameAt(index));
    const deeper = names.map((name, index) => names.indexOf(name) !== names.lastIndexOf(name) && depth[index] < segments[index].length);
    if (!deeper.includes(true)) break;
    deeper.forEach((grow, index) => {
      if (grow) depth[index] += 1;
    });
  }
  const seen = new Map<string, number>();
  return packages.map((_, index) => {
    const name = nameAt(index);
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    const numbered = count === 1 ? name : `${name.slice(0, 60)}-${count}`;
    return TARGET_NAME.test(numbered) ? numbered : `app-${index + 1}`;
  });
};
