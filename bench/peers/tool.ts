/** A tool under test in the side-by-side bench: how it is run, and the running instance. */
import type { GowatchEvent } from '../../src/events.js';
import type { Project } from '../scenarios/project.js';
import type { ToolEnv } from './tool-process.js';

export type ToolId = 'baseline' | 'gowatch' | 'gowatch-poll' | 'gowatch-inject' | 'air' | 'air-delay1' | 'reflex' | 'nodemon';

export type LaunchContext = { readonly project: Project; readonly port: number; readonly te: ToolEnv; readonly workDir: string };

export type Running = {
  /** Runs after the bench wrote an edit: the baseline builds and restarts here; a watcher does nothing. */
  readonly afterEdit?: () => Promise<void>;
  /** gowatch's own `--json` events, for the tools that report them. */
  readonly events?: readonly GowatchEvent[];
  /** The watcher's own process (the baseline has none). */
  readonly pid?: number;
  readonly tail: () => string;
  readonly stop: () => Promise<void>;
};

export type Tool = {
  readonly id: ToolId;
  readonly label: string;
  /** How it runs, as a person would type it (PORT stands for the fixture's port). */
  readonly command: string;
  /** Its configuration beyond the command line, if any. */
  readonly config?: string;
  readonly version: string;
  readonly launch: (context: LaunchContext) => Promise<Running>;
};

/** The fixtures' arguments as a tool's command line shows them (PORT for the port). */
export const ARGS_SHOWN = '-addr 127.0.0.1:PORT';

/** `args` as words of a shell command line. */
export const shellWords = (args: readonly string[]) => args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');

/** The shell command reflex and nodemon run, as their docs show for a Go program; `argsText`: the program's arguments as shell words. */
export const buildAndExec = (argsText: string) => `go build -o ./app . && exec ./app ${argsText}`;
