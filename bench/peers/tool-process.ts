/**
 * One tool under test as processes: spawned in its own process group with a marker variable that
 * everything it starts inherits, its output kept in a log, its builds and its program's starts
 * counted, and stopped so that nothing of it survives.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { carryingEnv } from '../../test/support/processes.js';
import { safeRead } from '../machine.js';
import { BUILDS_ENV } from './go-shim.js';
import { STARTS_ENV } from '../scenarios/project.js';

/** The variable that marks every process of one tool. */
export const MARKER_ENV = 'BENCH_TOOL_MARKER';

/** What a tool runs with: its marker, where its builds and its program's starts are counted. */
export type ToolEnv = { readonly env: NodeJS.ProcessEnv; readonly marker: string; readonly buildsFile: string; readonly startsFile: string; readonly logFile: string };

export const toolEnv = (base: NodeJS.ProcessEnv, shimDir: string, marker: string, workDir: string): ToolEnv => {
  const buildsFile = `${workDir}/builds.txt`;
  const startsFile = `${workDir}/starts.txt`;
  const env: NodeJS.ProcessEnv = { ...base, PATH: `${shimDir}:${base['PATH'] ?? ''}`, [MARKER_ENV]: marker, [BUILDS_ENV]: buildsFile, [STARTS_ENV]: startsFile, NO_COLOR: '1' };
  // The tools must decide for themselves how to watch.
  delete env['GOWATCH_POLL'];
  delete env['CHOKIDAR_USEPOLLING'];
  return { env, marker, buildsFile, startsFile, logFile: `${workDir}/output.log` };
};

const lines = (file: string) => safeRead(file).split('\n').filter(Boolean).length;

/** `go build` runs recorded by the shim. */
export const buildsOf = (te: ToolEnv) => lines(te.buildsFile);
/** Starts the fixture program recorded. */
export const startsOf = (te: ToolEnv) => lines(te.startsFile);

/**
 * Bytes of the binary the program that started last runs, from /proc (Linux, as the benches):
 * whatever path a tool started it from, and even when that file was replaced since.
 */
export const programBinaryBytes = (te: ToolEnv): number | undefined => {
  const pid = safeRead(te.startsFile).trim().split('\n').at(-1);
  try {
    return pid ? statSync(`/proc/${pid}/exe`).size : undefined;
  } catch {
    return undefined;
  }
};

const BUILD_COMMANDS = new Set(['go', 'compile', 'link', 'asm', 'cgo']);

/** Whether a `go build` (or its compiler or linker) of this tool is running. */
export const building = (te: ToolEnv): boolean =>
  carryingEnv(MARKER_ENV, te.marker).some((pid) => BUILD_COMMANDS.has(safeRead(`/proc/${pid}/comm`).trim()));

export type ToolProcess = {
  readonly child: ChildProcess;
  /** The last lines of output, for a report of what went wrong. */
  readonly tail: () => string;
  /** Stops the tool with `signal`, then whatever of it is left with SIGKILL. */
  readonly stop: (signal?: NodeJS.Signals) => Promise<void>;
};

/** Spawns `command` for a tool; `onStdoutLine` sees stdout line by line (everything also goes to the log). */
export const spawnTool = (command: string, args: readonly string[], cwd: string, te: ToolEnv, onStdoutLine?: (line: string) => void): ToolProcess => {
  const child = spawn(command, args, { cwd, env: te.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (text: string) => {
    appendFileSync(te.logFile, text);
    tail = (tail + text).slice(-3000);
  };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    keep(`${line}\n`);
    onStdoutLine?.(line);
  });
  child.stderr!.on('data', (chunk: Buffer) => keep(chunk.toString()));
  child.on('error', (error) => keep(`spawn error: ${error.message}\n`));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, tail: () => tail, stop: (signal = 'SIGINT') => stopTool(child, exited, te, signal) };
};

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

const stopTool = async (child: ChildProcess, exited: Promise<void>, te: ToolEnv, signal: NodeJS.Signals) => {
  if (alive(child) && child.pid !== undefined) child.kill(signal);
  // The timer must not hold the bench open once the tool is gone.
  await Promise.race([exited, sleep(10_000, undefined, { ref: false })]);
  if (alive(child) && child.pid !== undefined) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
  }
  // Whatever escaped the tool's stop (a program in a group of its own, a build) carries the marker.
  for (let attempt = 0; attempt < 50; attempt++) {
    const left = carryingEnv(MARKER_ENV, te.marker);
    if (left.length === 0) return;
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    await sleep(100);
  }
};
