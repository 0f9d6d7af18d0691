import { readFileSync } from 'node:fs';
import path from 'node:path';

const declaresGowatch = (packageJson: string): boolean => {
  try {
    const manifest = JSON.parse(readFileSync(packageJson, 'utf8')) as Record<string, unknown>;
    return ['devDependencies', 'dependencies'].some((field) => {
      const deps = manifest[field];
      return typeof deps === 'object' && deps !== null && Object.hasOwn(deps, 'gowatch');
    });
  } catch {
    // No package.json here, or one npm could not read either: npx would not find gowatch through it.
    return false;
  }
};

/**
 * How an editor's task starts gowatch from `dir`: through npx when a package.json there or
 * above (npm workspaces hoist) depends on gowatch, else as a command on PATH.
 */
export const gowatchRunCommand = (dir: string): string => {
  for (let at = dir; ; at = path.dirname(at)) {
    if (declaresGowatch(path.join(at, 'package.json'))) return 'npx gowatch run';
    if (path.dirname(at) === at) return 'gowatch run';
  }
};
