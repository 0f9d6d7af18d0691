import { execa } from 'execa';
import { GowatchError } from '../errors.js';
import { usesProcessGroups } from './process-tree.js';

export type ProgramSpec = {
  readonly binary: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** Where the program's stdout goes: the terminal, or stderr when stdout carries JSON events. */
  readonly stdout: 'inherit' | 'stderr';
};

export type Exit = { readonly code: number | null; readonly signal: string | null };
export type RunningProgram = { readonly pid: number; readonly exited: Promise<Exit> };

/**
 * Starts the built binary directly (never via `go run`, which does not relay signals), as the
 * leader of its own process group so the whole tree can be signalled at once.
 */
export const spawnProgram = (spec: ProgramSpec): Promise<RunningProgram> => {
  const child = execa(spec.binary, [...spec.args], {
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: true,
    detached: usesProcessGroups,
    stdin: 'ignore',
    stdout: spec.stdout === 'stderr' ? 2 : 'inherit',
    stderr: 'inherit',
    reject: false,
    buffer: false,
    cleanup: false,
    windowsHide: true,
  });
  if (child.pid === undefined) {
    // Not started at all (binary gone, cwd deleted): there is no process, so no pid to signal.
    return child.then((result) => {
      throw new GowatchError('start', `cannot start ${spec.binary}: ${result.shortMessage ?? result.message ?? 'spawn failed'}`);
    });
  }
  const exited = child.then((result) => ({ code: result.exitCode ?? null, signal: result.signal ?? null }));
  return Promise.resolve({ pid: child.pid, exited });
};
