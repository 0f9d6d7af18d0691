import { errorMessage } from '../errors.js';
import type { EventInput } from '../report/events.js';
import { killGroupNow } from './process-tree.js';
import { spawnProgram, type ProgramSpec, type RunningProgram } from './spawn-program.js';
import { stopTree, type StopOptions } from './stop-tree.js';

export type SupervisorOptions = {
  readonly target: string;
  readonly program: Omit<ProgramSpec, 'binary'>;
  readonly stop: StopOptions;
  readonly emit: (event: EventInput) => void;
};

type State =
  | { readonly kind: 'idle' }
  | { readonly kind: 'running'; readonly program: RunningProgram; readonly binary: string }
  | { readonly kind: 'stopping'; readonly program: RunningProgram }
  | { readonly kind: 'exited'; readonly program: RunningProgram; readonly binary: string };

/**
 * An explicit state machine driven by two commands, `run(binary)` and `stop()`. Commands are
 * applied one at a time; when several `run`s queue up during a slow stop, only the newest
 * binary starts. A new program starts only after the old tree is entirely gone.
 */
export class Supervisor {
  readonly #options: SupervisorOptions;
  #state: State = { kind: 'idle' };
  #queue: Promise<void> = Promise.resolve();
  #generation = 0;

  constructor(options: SupervisorOptions) {
    this.#options = options;
  }

  get state(): State['kind'] {
    return this.#state.kind;
  }

  /** The binary of the running (or last exited) program. */
  get binary(): string | undefined {
    return this.#state.kind === 'running' || this.#state.kind === 'exited' ? this.#state.binary : undefined;
  }

  /** Stops what runs and starts `binary`. Resolves once the newest requested program has started. */
  run(binary: string): Promise<void> {
    const generation = ++this.#generation;
    return this.#enqueue(async () => {
      if (generation !== this.#generation) return;
      await this.#stopCurrent();
      if (generation === this.#generation) await this.#start(binary);
    });
  }

  /** Stops the program tree and stays stopped. */
  stop(): Promise<void> {
    ++this.#generation;
    return this.#enqueue(() => this.#stopCurrent());
  }

  /** For exit paths that cannot wait: SIGKILL to the group, synchronously. */
  killNow(): void {
    if (this.#state.kind !== 'idle') killGroupNow(this.#state.program.pid);
  }

  /** Commands never reject: callers fire and forget, so a failure becomes an `error` event. */
  #enqueue(command: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(command).catch((error: unknown) => this.#options.emit({ event: 'error', message: errorMessage(error) }));
    return this.#queue;
  }

  async #start(binary: string): Promise<void> {
    const { target, emit } = this.#options;
    // A binary that cannot start throws before any state changes: the supervisor stays idle,
    // the failure becomes an `error` event (#enqueue), and the next change tries again.
    const program = await spawnProgram({ ...this.#options.program, binary });
    this.#state = { kind: 'running', program, binary };
    emit({ event: 'start', target, pid: program.pid });
    void program.exited.then((exit) => {
      // An exit we caused is reported as `stop`; only a program ending on its own is an `exit`.
      if (this.#state.kind === 'running' && this.#state.program === program) {
        this.#state = { kind: 'exited', program, binary };
        emit({ event: 'exit', target, pid: program.pid, code: exit.code, signal: exit.signal });
      }
    });
  }

  async #stopCurrent(): Promise<void> {
    if (this.#state.kind === 'exited') {
      // The program is gone, but what it started may linger in its group: clear it quietly.
      const { program } = this.#state;
      this.#state = { kind: 'idle' };
      await stopTree(program.pid, this.#options.stop);
      return;
    }
    if (this.#state.kind !== 'running') return;
    const { program } = this.#state;
    this.#state = { kind: 'stopping', program };
    const result = await stopTree(program.pid, this.#options.stop);
    await program.exited;
    this.#state = { kind: 'idle' };
    this.#options.emit({ event: 'stop', target: this.#options.target, pid: program.pid, ...result });
  }
}
