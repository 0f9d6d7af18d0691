import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GoEnv } from '../go/env.js';

const setIn = (file: string | undefined, name: string): boolean => {
  if (!file || file === 'off') return false;
  try {
    return readFileSync(file, 'utf8').split('\n').some((line) => line.trimStart().startsWith(`${name}=`));
  } catch {
    return false;
  }
};

/**
 * Where a go setting comes from, in go's order: the environment, then `go env -w` (the GOENV
 * file), then $GOROOT/go.env, else go's default.
 */
export const settingSource = (name: string, env: NodeJS.ProcessEnv, goEnv: GoEnv): string => {
  if (env[name] !== undefined && env[name] !== '') return 'from the environment';
  if (setIn(goEnv['GOENV'], name)) return `from go env -w (${goEnv['GOENV']})`;
  if (goEnv['GOROOT'] && setIn(path.join(goEnv['GOROOT'], 'go.env'), name)) return 'from $GOROOT/go.env';
  return "go's default";
};
