import { errorEvent, type EventInput } from '../events.js';
import { SerialQueue } from '../serial-queue.js';
import type { ProcessBoundary, ProgramSpec, RunningProgram, StopOptions } from './boundary.js';
import type { Ledger } from './ledger.js';
import { backoffMs, restartReason, type ExitReason, type RestartPolicy } from './restart-policy.js';

export type SupervisorOptions = {
  readonly target: string;
  /** What each program is started with; an `env` function is called at every start (go.run.envFile is read again). */
  readonly program: Omit<ProgramSpec, 'binary' | 'runId' | 'env'> & { readonly env: ProgramSpec['env'] | (() => ProgramSpec['env']) };
  /** Marks every process of this supervisor's programs, across restarts. */
  readonly runId: string;
  readonly stop: StopOptions;
  readonly restart: RestartPolicy;
  /** Restart the program when its tree's resident memory exceeds this; undefined: no watchdog. */
  readonly memory: { readonly limitBytes: number; readonly checkMs: number } | undefined;
  /** Looks into each program while it runs (profiling); undefined: nothing does. */
  readonly observer?: ProgramObserver | undefined;
  readonly processes: ProcessBoundary;
  /** Remembers the running program, so the next gowatch can stop it if this one is killed. */
  readonly ledger: Ledger | undefined;
  readonly emit: (event: EventInput) => void;
};

/**
 * Told of each program's life by the supervisor, in order: started, sampled (the tree's memory,
 * every `sampleMs`), then ended (stopped, or ended on its own).
 */
export type ProgramObserver = {
  readonly sampleMs: number;
  started(program: RunningProgram, binary: string): void;
  sampled(program: RunningProgram, rssBytes: number): void;
  /**
   * Over the memory limit, before the graceful stop, while the program still runs. Awaited: the
   * observer bounds its own time, since a program that does not answer must be restarted anyway.
   */
  beforeMemoryStop(program: RunningProgram, rssBytes: number, limitBytes: number): Promise<void>;
  ended(program: RunningProgram): void;
};

type Program = { readonly program: RunningProgram; readonly binary: string };

type State =
  | { readonly kind: 'idle' }
  | ({ readonly kind: 'running'; readonly startedAt: number; readonly watchdog: NodeJS.Timeout | undefined } & Program)
  | ({ readonly kind: 'stopping' } & Program)
  /** Ended on its own; waits for a change. What it started may linger until the next command. */
  | ({ readonly kind: 'exited' } & Program)
  /** Ended on its own; starts again when the timer fires, or at once on a change. */
  | ({ readonly kind: 'backoff'; readonly timer: NodeJS.Timeout } & Program);

export type SupervisorState = State['kind'];

/**
 * An explicit state machine driven by commands, applied one at a time: `run(binary)` and
 * `stop()` from outside; a program's own exit, a back-off timer and the memory watchdog from
 * inside. When several `run`s queue up during a slow stop, only the newest binary starts, and
 * a new program starts only after the old tree is entirely gone. An observer (profiling) is told
 * of each program's start, samples and end, and looks before a memory stop, inside that command.
 */
export class Supervisor {
  readonly #o: SupervisorOptions;
  #state: State = { kind: 'idle' };
  readonly #queue = new SerialQueue();
  #generation = 0;
  /** Restarts in a row without a healthy run in between. */
  #streak = 0;

  constructor(options: SupervisorOptions) {
    this.#o = options;
  }

  get state(): SupervisorState {
    return this.#state.kind;
  }

  /** The binary of the running (or last ended) program. */
  get binary(): string | undefined {
    return this.#state.kind === 'idle' || this.#state.kind === 'stopping' ? undefined : this.#state.binary;
  }

  /**
   * Stops what runs and starts `binary`; a change ends any crash streak. Resolves once the newest
   * requested program has started. A binary still being made ready is waited for after the stop,
   * which so overlaps it; one that fails is an `error`, and nothing starts.
   */
  run(binary: string | Promise<string>): Promise<void> {
    const generation = ++this.#generation;
    this.#streak = 0;
    // A run a newer one overtakes never waits for its binary: its failure is left unsaid.
    if (typeof binary !== 'string') binary.catch(() => undefined);
    return this.#enqueue(async () => {
      if (generation !== this.#generation) return;
      await this.#stopCurrent();
      const file = await binary;
      if (generation === this.#generation) await this.#start(file);
    });
  }

  /** Stops the program tree and stays stopped. */
  stop(): Promise<void> {
    ++this.#generation;
    return this.#enqueue(async () => {
      await this.#stopCurrent();
      await this.#o.ledger?.clear();
    });
  }

  /** For exit paths that cannot wait: SIGKILL to the tree, synchronously. */
  killNow(): void {
    if (this.#state.kind !== 'idle') this.#o.processes.killNow(this.#state.program);
  }

  /** Commands never reject: callers fire and forget, so a failure becomes an `error` event. */
  #enqueue(command: () => Promise<void>): Promise<void> {
    return this.#queue.push(command, (error) => this.#o.emit(errorEvent(error, this.#o.target)));
  }

  async #start(binary: string): Promise<void> {
    const { target, emit, processes, runId } = this.#o;
    // Made before `starting`: what reading the env files warns of is said before the program runs.
    const { env } = this.#o.program;
    const spec = { ...this.#o.program, env: typeof env === 'function' ? env() : env, binary, runId };
    // Said before the spawn: once spawned, the program runs beside gowatch, and its first line
    // can reach a shared terminal before anything gowatch writes after the spawn.
    emit({ event: 'starting', target });
    // A binary that cannot start throws before any state changes: the supervisor stays idle,
    // the failure becomes an `error` event (#enqueue), and the next change tries again.
    const program = await processes.spawn(spec);
    const generation = this.#generation;
    this.#state = { kind: 'running', program, binary, startedAt: Date.now(), watchdog: this.#watchMemory(program) };
    emit({ event: 'start', target, pid: program.pid });
    this.#o.observer?.started(program, binary);
    await this.#o.ledger?.save({ pid: program.pid, startTime: program.startTime, runId, binary });
    void program.exited.then((exit) =>
      this.#enqueue(async () => {
        const state = this.#state;
        // An exit we caused is reported as `stop`; only a program ending on its own is an `exit`.
        if (state.kind !== 'running' || state.program !== program) return;
        clearInterval(state.watchdog);
        this.#o.observer?.ended(program);
        if (Date.now() - state.startedAt >= this.#o.restart.healthyRunMs) this.#streak = 0;
        // A newer generation has its own start queued: this exit restarts nothing.
        const reason = generation === this.#generation ? restartReason(this.#o.restart.mode, exit) : undefined;
        emit({ event: 'exit', target, pid: program.pid, code: exit.code, signal: exit.signal, restarts: reason !== undefined });
        this.#state = { kind: 'exited', program, binary };
        if (reason) this.#scheduleRestart({ program, binary }, reason);
      }),
    );
  }

  /** Starts the program again after the back-off, unless the streak is exhausted. */
  #scheduleRestart(ended: Program, reason: ExitReason | 'memory'): void {
    const { target, emit, restart } = this.#o;
    if (this.#streak >= restart.maxRestarts) {
      emit({ event: 'restart-limit', target, restarts: this.#streak });
      this.#state = { kind: 'exited', ...ended };
      return;
    }
    this.#streak += 1;
    const delayMs = backoffMs(this.#streak, restart);
    emit({ event: 'restart', target, reason, attempt: this.#streak, delayMs });
    const generation = this.#generation;
    const timer = setTimeout(() => {
      void this.#enqueue(async () => {
        if (generation !== this.#generation || this.#state.kind !== 'backoff') return;
        await this.#stopCurrent();
        await this.#start(ended.binary);
      });
    }, delayMs);
    this.#state = { kind: 'backoff', ...ended, timer };
  }

  /**
   * Samples the tree's memory for the observer and the limit; over the limit, the observer looks
   * first, then the program is stopped gracefully and restarted with back-off.
   */
  #watchMemory(program: RunningProgram): NodeJS.Timeout | undefined {
    const { memory, observer } = this.#o;
    if (!memory && !observer) return undefined;
    let sampling = false;
    const timer = setInterval(() => {
      if (sampling) return;
      sampling = true;
      void this.#o.processes
        .treeRss(program)
        .then((rss) => {
          if (rss === undefined) return;
          // A sample taken as the program was being stopped is of no run the observer follows.
          if (this.#state.kind === 'running' && this.#state.program === program) observer?.sampled(program, rss);
          if (!memory || rss <= memory.limitBytes) return;
          clearInterval(timer);
          return this.#enqueue(async () => {
            const state = this.#state;
            if (state.kind !== 'running' || state.program !== program) return;
            const { target, emit } = this.#o;
            emit({ event: 'memory', target, pid: program.pid, rssBytes: rss, limitBytes: memory.limitBytes });
            await observer?.beforeMemoryStop(program, rss, memory.limitBytes).catch((error: unknown) => emit(errorEvent(error, target)));
            await this.#stopCurrent();
            this.#scheduleRestart({ program, binary: state.binary }, 'memory');
          });
        })
        .finally(() => {
          sampling = false;
        });
    }, Math.min(memory?.checkMs ?? Infinity, observer?.sampleMs ?? Infinity));
    timer.unref();
    return timer;
  }

  async #stopCurrent(): Promise<void> {
    const state = this.#state;
    const { processes, stop, emit, target } = this.#o;
    if (state.kind === 'exited' || state.kind === 'backoff') {
      // The program is gone, but what it started may linger: clear it quietly.
      if (state.kind === 'backoff') clearTimeout(state.timer);
      this.#state = { kind: 'idle' };
      await processes.stop(state.program, stop);
      return;
    }
    if (state.kind !== 'running') return;
    clearInterval(state.watchdog);
    const { program, binary } = state;
    this.#o.observer?.ended(program);
    this.#state = { kind: 'stopping', program, binary };
    const { forced, durationMs } = await processes.stop(program, stop);
    await program.exited;
    this.#state = { kind: 'idle' };
    emit({ event: 'stop', target, pid: program.pid, forced, durationMs });
  }
}
