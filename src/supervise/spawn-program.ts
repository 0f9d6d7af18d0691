import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { formatListen } from '../debug/listen.js';
import { GowatchError } from '../errors.js';
import { isDirectory } from '../paths.js';
import type { Exit, ProgramSpec, RunningProgram } from './boundary.js';
import { withDeathSignal } from './death-signal.js';
import { waitForFreeAddress } from './free-address.js';
import { programCommand } from './program-command.js';
import { startTimeOf, usesProcessGroups } from './process-tree.js';
import { RUN_ID_VARIABLE } from './run-id.js';

const cannotStart = (spec: ProgramSpec, why: string) => new GowatchError('start', `cannot start ${spec.binary}: ${why}`);

/** How long a debug start waits for Delve's address to be released before saying who holds it. */
const ADDRESS_WAIT_MS = 5000;

/** Under --debug, once Delve's address is free; a refusal says why it is not. */
const debuggerAddressReady = async (spec: ProgramSpec): Promise<void> => {
  if (spec.debugger === undefined) return;
  const shown = formatListen(spec.debugger.listen);
  const problem = await waitForFreeAddress(spec.debugger.listen, ADDRESS_WAIT_MS);
  if (problem === undefined) return;
  const why = problem === 'EADDRINUSE' ? `${shown} is in use by another program` : `${shown} cannot be listened on (${problem})`;
  throw new GowatchError('start', `cannot start Delve for ${spec.binary}: ${why}; stop that program, or set "go.debug.listen" (or --debug=HOST:PORT) to a free address`);
};

/**
 * Why the program cannot start, or undefined when it looks startable. Checked before spawning:
 * through setpriv a missing binary would be setpriv's exit status 127, not a clear error.
 */
const startProblem = (spec: ProgramSpec): string | undefined => {
  if (!isDirectory(spec.cwd)) return `its working directory ${spec.cwd} does not exist`;
  // A bare name is looked up on PATH by exec: nothing to check here.
  if (!/[\\/]/.test(spec.binary)) return undefined;
  const file = path.resolve(spec.cwd, spec.binary);
  const stat = statSync(file, { throwIfNoEntry: false });
  if (stat === undefined) return 'the file does not exist';
  if (!stat.isFile()) return 'it is not a file';
  try {
    accessSync(file, constants.X_OK);
  } catch {
    return 'the file is not executable';
  }
  return undefined;
};

/**
 * Starts the built binary directly (never via `go run`, which does not relay signals), as the
 * leader of its own process group and session so the whole tree can be signalled at once, with
 * GOWATCH_RUN_ID marking every process it will start. Started through `setpriv` (see
 * death-signal.ts), it also gets spec.deathSignal when gowatch dies.
 */
export const spawnProgram = async (spec: ProgramSpec, setpriv?: string): Promise<RunningProgram> => {
  const problem = startProblem(spec);
  if (problem !== undefined) throw cannotStart(spec, problem);
  await debuggerAddressReady(spec);
  const program = programCommand(spec);
  const command =
    setpriv === undefined ? { command: program.command, args: [...program.args] } : withDeathSignal(setpriv, spec.deathSignal, program.command, program.args);
  const child = spawn(command.command, command.args, {
    cwd: spec.cwd,
    env: { ...spec.env, [RUN_ID_VARIABLE]: spec.runId },
    detached: usesProcessGroups,
    stdio: spec.lines ? [spec.stdin, 'pipe', 'pipe'] : [spec.stdin, spec.stdout === 'stderr' ? 2 : 'inherit', 'inherit'],
    windowsHide: true,
  });
  if (spec.lines) {
    const deliver = spec.lines;
    createInterface({ input: child.stdout!, crlfDelay: Infinity }).on('line', (line) => deliver('stdout', line));
    createInterface({ input: child.stderr!, crlfDelay: Infinity }).on('line', (line) => deliver('stderr', line));
  }
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  try {
    await once(child, 'spawn');
  } catch (error) {
    // Raced with a deletion after the check above: say again what is missing.
    throw cannotStart(spec, startProblem(spec) ?? (error as Error).message);
  }
  const pid = child.pid!;
  return { pid, startTime: startTimeOf(pid), runId: spec.runId, runSince: startTimeOf(process.pid), exited };
};
