import type { Exit, ProcessBoundary, ProcessRef, ProgramSpec, RunningProgram, StopOptions, StopResult } from '../../src/supervise/boundary.js';
import { GowatchError } from '../../src/errors.js';

/** One program the scripted boundary "started": the test decides when and how it ends. */
export type ScriptedProgram = RunningProgram & {
  readonly spec: ProgramSpec;
  /** Ends the program on its own (a crash, an exit). */
  exit(exit: Exit): void;
  /** Resident memory the boundary reports for its tree. */
  rss: number;
  alive: boolean;
};

export type ScriptedOptions = {
  /** How long a stop takes before the program is gone. */
  readonly stopMs?: number;
  /** Binaries whose spawn fails, as a missing file would. */
  readonly unstartable?: ReadonlySet<string>;
};

/**
 * A ProcessBoundary with no real processes, for the supervisor's state machine in-process:
 * programs are records whose end the test scripts. The real boundary has its own tests on
 * real processes (process-tree, stop-tree) and is used by every end-to-end test.
 */
export const scriptedProcesses = (options: ScriptedOptions = {}) => {
  const programs: ScriptedProgram[] = [];
  const stops: { pid: number; options: StopOptions }[] = [];
  let nextPid = 1000;
  const find = (ref: ProcessRef) => programs.find((p) => p.pid === ref.pid);
  const boundary: ProcessBoundary = {
    spawn: async (spec) => {
      if (options.unstartable?.has(spec.binary)) throw new GowatchError('start', `cannot start ${spec.binary}: not found`);
      let end!: (exit: Exit) => void;
      const exited = new Promise<Exit>((resolve) => {
        end = resolve;
      });
      const program: ScriptedProgram = {
        pid: nextPid++,
        startTime: 1,
        runId: spec.runId,
        spec,
        exited,
        rss: 0,
        alive: true,
        exit: (exit) => {
          program.alive = false;
          end(exit);
        },
      };
      programs.push(program);
      return program;
    },
    stop: async (ref, stopOptions): Promise<StopResult> => {
      stops.push({ pid: ref.pid, options: stopOptions });
      const program = find(ref);
      await new Promise((resolve) => setTimeout(resolve, options.stopMs ?? 0));
      if (program?.alive) program.exit({ code: null, signal: stopOptions.signal });
      return { forced: false, durationMs: options.stopMs ?? 0, pids: program ? [program.pid] : [] };
    },
    killNow: (ref) => find(ref)?.exit({ code: null, signal: 'SIGKILL' }),
    treeRss: async (ref) => find(ref)?.rss,
    isSameProcess: (ref) => find(ref)?.alive ?? false,
    startTimeOf: () => 1,
    carrying: async (runId) => programs.filter((p) => p.alive && p.runId === runId).map((p) => p.pid),
  };
  return { boundary, programs, stops };
};
