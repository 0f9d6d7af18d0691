import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** The executable `name` on this test process's PATH. */
export const which = (name: string): string | undefined =>
  (process.env['PATH'] ?? '')
    .split(path.delimiter)
    .map((dir) => path.join(dir, name))
    .find((file) => {
      try {
        accessSync(file, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
