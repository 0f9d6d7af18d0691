import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** The file names a command `name` may have on this platform: Windows adds an extension from PATHEXT. */
const fileNames = (name: string, env: NodeJS.ProcessEnv): string[] =>
  process.platform === 'win32' ? (env['PATHEXT'] ?? '.EXE;.BAT;.CMD').split(';').filter(Boolean).map((ext) => `${name}${ext.toLowerCase()}`) : [name];

const isExecutableFile = (file: string): boolean => {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The directories of `env`'s PATH, in order. */
export const pathDirs = (env: NodeJS.ProcessEnv): string[] => (env['PATH'] ?? env['Path'] ?? '').split(path.delimiter).filter(Boolean);

/** The first executable file named `name` in `dirs`: what a shell would run from those directories. */
export const findExecutable = (name: string, dirs: readonly string[], env: NodeJS.ProcessEnv): string | undefined => {
  for (const dir of dirs) {
    for (const fileName of fileNames(name, env)) {
      const file = path.resolve(dir, fileName);
      if (isExecutableFile(file)) return file;
    }
  }
  return undefined;
};
