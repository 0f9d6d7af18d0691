import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

export type FoundGo = {
  /** The `go` a command named "go" runs: the first one on PATH. */
  readonly file: string;
  /** Where it really is, symbolic links resolved (a /usr/bin/go link into GOROOT/bin). */
  readonly real: string;
};

const names = (env: NodeJS.ProcessEnv): string[] =>
  process.platform === 'win32' ? (env['PATHEXT'] ?? '.EXE;.BAT;.CMD').split(';').filter(Boolean).map((ext) => `go${ext.toLowerCase()}`) : ['go'];

const executable = (file: string): boolean => {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The `go` on `env`'s PATH, or undefined: what gowatch (and any shell) would run. */
export const findGo = (env: NodeJS.ProcessEnv): FoundGo | undefined => {
  const dirs = (env['PATH'] ?? env['Path'] ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    for (const name of names(env)) {
      const file = path.resolve(dir, name);
      if (!executable(file)) continue;
      let real = file;
      try {
        real = realpathSync(file);
      } catch {
        // An unreadable link chain: the path as found is the best answer.
      }
      return { file, real };
    }
  }
  return undefined;
};
