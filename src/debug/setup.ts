import path from 'node:path';
import type { TargetOptions } from '../config/options.js';
import type { EventInput } from '../events.js';
import { GowatchError } from '../errors.js';
import { debugLinkFlags } from '../go/lean-link.js';
import { runGoCommand } from '../go/run-go.js';
import type { TargetSpec } from '../go/target-state.js';
import type { ProgramSpec, StopOptions } from '../supervise/boundary.js';
import { dlvMissingMessage, findDlv } from './find-dlv.js';
import { debugBuildFlags } from './gcflags.js';
import { formatListen } from './listen.js';

/** How `gowatch run --debug` shapes one target's run. */
export type DebugSetup = {
  /** The target as it is listed and built: compiled for the debugger. */
  readonly spec: TargetSpec;
  /** What the supervisor's program takes from the debug mode. */
  readonly program: Pick<ProgramSpec, 'stdin' | 'deathSignal' | 'debugger'>;
  readonly stop: StopOptions;
  /** Said once, before the first build. */
  readonly event: EventInput;
  /** Said once too, when the user's -ldflags strip what Delve needs and the debug build keeps it. */
  readonly warning: string | undefined;
};

/**
 * Where a target's binaries are kept: a debug build has its own folder in the target's (its own
 * binaries, index and go build output), so that a debug run and a plain one neither evict each
 * other's binaries nor make go relink at every switch between them. The target's folder itself
 * (its lock, the record of what runs) stays one: one gowatch runs a target, debugged or not.
 */
export const binariesDir = (target: TargetOptions, dir: string): string => (target.debug ? path.join(dir, 'debug') : dir);

/**
 * Prepares the target's debug run from `spec` (as the profile setup left it): finds dlv (one
 * line with the command that installs it when there is none) and adds -N -l to the compiler's
 * flags; -s and -w in the user's -ldflags are undone, since Delve reads the symbol table and
 * DWARF (gowatch adds no -w to a debug build). Delve is stopped with SIGTERM, whatever
 * go.run.stopSignal says, and before the rest of the tree: it then kills the program it debugs;
 * the program gets no standard input, since Delve would hand it the terminal (and with it
 * Ctrl-C) in place of gowatch. Undefined when the target is not debugged.
 */
export const setUpDebug = async (target: TargetOptions, spec: TargetSpec, env: NodeJS.ProcessEnv): Promise<DebugSetup | undefined> => {
  if (!target.debug) return undefined;
  const dlv = await findDlv(spec.cwd, env);
  if (!dlv.found) throw new GowatchError('debug', dlvMissingMessage(dlv));
  const read = await runGoCommand(['env', 'GOFLAGS'], { cwd: spec.cwd, env });
  const goflags = read.started && read.exitCode === 0 ? read.stdout.trim() : '';
  const link = debugLinkFlags(spec.buildFlags, goflags);
  const { listen } = target.debug;
  return {
    spec: { ...spec, buildFlags: debugBuildFlags(link.buildFlags, goflags) },
    program: { stdin: 'ignore', deathSignal: 'SIGTERM', debugger: { dlv: dlv.file, listen } },
    stop: { signal: 'SIGTERM', timeoutMs: target.stop.timeoutMs, leaderFirst: true },
    event: { event: 'debug', target: target.name, listen: formatListen(listen), dlv: dlv.file },
    warning: link.kept ? 'the -ldflags of go.build.flags or GOFLAGS strip the symbol table or DWARF (-s, -w), which Delve needs: the debug build keeps them (-s=false, -w=false)' : undefined,
  };
};
