import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * Node cannot call prctl(PR_SET_PDEATHSIG) for a child, but util-linux `setpriv --pdeathsig SIG
 * -- BIN ARGS` sets it and then execs BIN in place (same pid): the program gets SIG when gowatch
 * dies, even by SIGKILL. Linux only; busybox's setpriv lacks the option, hence the --help check.
 */
/** The first setpriv on `searchPath` (the program's PATH, never gowatch's own), if it has --pdeathsig. */
export const findSetpriv = async (searchPath: string): Promise<string | undefined> => {
  if (process.platform !== 'linux') return undefined;
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, 'setpriv');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    const help = await promisify(execFile)(candidate, ['--help']).catch(() => undefined);
    return help?.stdout.includes('--pdeathsig') ? candidate : undefined;
  }
  return undefined;
};

/** The command line that starts `binary` with a parent-death signal through `setpriv`. */
export const withDeathSignal = (
  setpriv: string,
  signal: NodeJS.Signals,
  binary: string,
  args: readonly string[],
): { command: string; args: string[] } => ({ command: setpriv, args: ['--pdeathsig', signal, '--', binary, ...args] });
