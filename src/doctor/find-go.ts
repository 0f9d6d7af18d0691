import { realpathSync } from 'node:fs';
import { findExecutable, pathDirs } from '../files/find-executable.js';

export type FoundGo = {
  /** The `go` a command named "go" runs: the first one on PATH. */
  readonly file: string;
  /** Where it really is, symbolic links resolved (a /usr/bin/go link into GOROOT/bin). */
  readonly real: string;
};

/** The `go` on `env`'s PATH, or undefined: what gowatch (and any shell) would run. */
export const findGo = (env: NodeJS.ProcessEnv): FoundGo | undefined => {
  const file = findExecutable('go', pathDirs(env), env);
  if (file === undefined) return undefined;
  let real = file;
  try {
    real = realpathSync(file);
  } catch {
    // An unreadable link chain: the path as found is the best answer.
  }
  return { file, real };
};
