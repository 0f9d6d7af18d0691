import type { ListenAddress } from '../debug/listen.js';

/**
 * The supervisor's child-process boundary. The state machine in supervisor.ts speaks only to
 * this interface: the real implementation (real-processes.ts) spawns, signals and measures
 * process trees; tests substitute a scripted child, as watchexec tests its Job.
 */
export type ProgramSpec = {
  readonly binary: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The program's whole environment. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where the program's stdout goes: the terminal, or stderr when stdout carries JSON events. */
  readonly stdout: 'inherit' | 'stderr';
  /**
   * When set, the program's stdout and stderr are read instead of inherited and handed over
   * whole line by whole line (several programs share one terminal, each line prefixed).
   */
  readonly lines?: (stream: 'stdout' | 'stderr', line: string) => void;
  /** inherit: the program reads gowatch's stdin; ignore: it reads EOF at once. */
  readonly stdin: 'inherit' | 'ignore';
  /**
   * Set as GOWATCH_RUN_ID in the program's environment: every process it starts inherits it,
   * so even a double-forked daemon can be found and stopped.
   */
  readonly runId: string;
  /** Where the platform offers it, the program receives this signal when gowatch dies. */
  readonly deathSignal: NodeJS.Signals;
  /** Set under `gowatch run --debug`: Delve starts the binary and serves it to editors (program-command.ts). */
  readonly debugger?: DebuggerLaunch;
};

/** The Delve that starts the program, and where it listens. */
export type DebuggerLaunch = { readonly dlv: string; readonly listen: ListenAddress };

export type Exit = { readonly code: number | null; readonly signal: string | null };

/** A process the supervisor started, or one an earlier gowatch run left behind. */
export type ProcessRef = {
  readonly pid: number;
  /** Start time in clock ticks since boot (/proc/PID/stat field 22); with the pid it names one process. */
  readonly startTime: number | undefined;
  readonly runId: string;
  /**
   * When the gowatch that made the run id started (clock ticks since boot): a process started
   * earlier cannot carry it, so its environment need not be read.
   */
  readonly runSince?: number | undefined;
};

export type RunningProgram = ProcessRef & { readonly exited: Promise<Exit> };

export type StopOptions = {
  readonly signal: NodeJS.Signals;
  readonly timeoutMs: number;
  /**
   * The program's own process (the group leader) alone gets the stop signal first; the rest of
   * the tree only once it is gone, or the timeout passed. Delve stops the program it debugs
   * itself when told to stop; a SIGKILL to it first would leave that program running.
   */
  readonly leaderFirst?: boolean;
};
export type StopResult = { readonly forced: boolean; readonly durationMs: number; readonly pids: readonly number[] };

export type ProcessBoundary = {
  /** Starts the program as the leader of its own process group; rejects (GowatchError 'start') when it cannot start. */
  spawn(spec: ProgramSpec): Promise<RunningProgram>;
  /**
   * Stops the process tree: the program's group, its descendants wherever they moved, and every
   * process carrying its run id. Stop signal, up to the timeout, then SIGKILL; resolves once none is left.
   */
  stop(ref: ProcessRef & { readonly exited?: Promise<Exit> }, options: StopOptions): Promise<StopResult>;
  /** Synchronous SIGKILL of the tree, for exit paths that cannot wait. */
  killNow(ref: ProcessRef): void;
  /** Resident memory of the whole tree in bytes, or undefined where it cannot be measured. */
  treeRss(ref: ProcessRef): Promise<number | undefined>;
  /** Whether `ref` is still that very process (same pid and start time), alive and not a zombie. */
  isSameProcess(ref: ProcessRef): boolean;
  /** A process's start time (as in ProcessRef), or undefined where it cannot be read. */
  startTimeOf(pid: number): number | undefined;
  /** Pids of live processes carrying `runId` in their environment (where the platform lets it be read). */
  carrying(runId: string, runSince?: number): Promise<number[]>;
};
