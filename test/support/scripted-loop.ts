import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EventInput } from '../../src/events.js';
import { specialAt } from '../../src/files/bounded-read.js';
import type { BuildOutcome } from '../../src/go/build.js';
import type { Closure, ClosurePackage } from '../../src/go/closure.js';
import type { HookKey } from '../../src/hooks/hook-keys.js';
import type { HookContext, HookOutcome, Hooks } from '../../src/hooks/hook-runner.js';
import { ReloadLoop } from '../../src/reload/loop.js';
import type { LoopBoundary } from '../../src/reload/loop-boundary.js';
import type { SupervisorState } from '../../src/supervise/supervisor.js';
import { compilePatterns } from '../../src/watch/patterns.js';
import { tempDir, writeTree } from './fixtures.js';

/** One go build the scripted boundary "started": the test says when and how it ends. */
export type ScriptedBuild = {
  /** The target's key when the build started. */
  readonly key: string;
  succeed(): void;
  fail(output: string): void;
  canceled: boolean;
};

/** One run of a hook key the scripted boundary "started": the test says how it ends. */
export type ScriptedHook = {
  readonly key: HookKey;
  readonly context: HookContext;
  succeed(): void;
  fail(output: string): void;
  /** Set once the loop stopped it (gowatch stops, or a newer change canceled the build). */
  canceled: boolean;
  /** Set once it ended, whichever way. */
  ended: boolean;
};

export type ScriptedLoopOptions = {
  /** The hook keys that have commands; none by default. */
  readonly hooks?: readonly HookKey[];
};

/**
 * A ReloadLoop over a scripted boundary, for its decisions in-process: go build ends when the
 * test says, the binary cache is in memory, the target's key is whatever the test sets, and
 * the supervisor only writes down what it is asked to run. go is not run (the real-process
 * tests cover it); the project's files are real, so what the loop looks at on disk (a file
 * gone, a FIFO) is real too. Every call out of the loop goes into `log`, in order.
 */
export const scriptedLoop = (onEvent?: (event: EventInput) => void, options: ScriptedLoopOptions = {}) => {
  const project = tempDir('gowatch-loop-');
  const { dir } = project;
  const file = (name: string) => path.join(dir, name);
  // main.go is the build; app.yaml a file the patterns name (a restart); notes.md nothing.
  writeTree(dir, { 'go.mod': 'module example.com/api\n', 'main.go': 'package main\n', 'gen.go': 'package main\n', 'app.yaml': 'a: 1\n', 'notes.md': 'notes\n' });
  const pkg: ClosurePackage = {
    importPath: 'example.com/api',
    name: 'main',
    dir,
    moduleDir: dir,
    // gen.go: what a generator (a go.build.pre hook) writes.
    inputs: [file('main.go'), file('gen.go')],
    ignored: [],
    imports: [],
    embeds: false,
    embedPatterns: [],
    error: undefined,
  };
  const closure: Closure = {
    target: pkg,
    packages: [pkg],
    edges: 0,
    moduleDirs: [dir],
    inputFiles: new Set(pkg.inputs),
    ownerOf: new Map(pkg.inputs.map((input) => [input, pkg])),
    packageDirs: new Set([dir]),
    ignoredFiles: new Set(),
    moduleFiles: [file('go.mod'), file('go.sum')],
    workspace: undefined,
    unresolved: [],
  };

  const log: string[] = [];
  const events: EventInput[] = [];
  const waiters: (() => void)[] = [];
  const note = (line: string) => {
    log.push(line);
    for (const check of [...waiters]) check();
  };
  const emit = (event: EventInput) => {
    events.push(event);
    onEvent?.(event);
    for (const check of [...waiters]) check();
  };

  let key = 'k1';
  /** What each tracked file was last read as. */
  const seen = new Map<string, string>();
  const digestOf = (name: string) => (existsSync(name) ? key : 'missing');
  let loaded = false;
  let stale = false;
  const target: LoopBoundary['target'] = {
    spec: { name: 'api', from: dir, cwd: dir, pkg: '.', buildFlags: [] },
    get closure() {
      return closure;
    },
    get loaded() {
      return loaded;
    },
    get stale() {
      return stale;
    },
    markStale: () => {
      stale = true;
    },
    list: async () => {
      note('go list');
      return { closure, started: 0 };
    },
    adopt: async () => {
      loaded = true;
      stale = false;
      for (const tracked of [...closure.inputFiles, ...closure.moduleFiles]) seen.set(tracked, digestOf(tracked));
      return { packages: 1, edges: 0, files: 1, durationMs: 0 };
    },
    refusals: () => [],
    // As ContentHashes reads: a FIFO or a device is refused, not read. A file's digest is the
    // key it was read under (the key stands for the content), or "missing".
    refresh: async (files, batch) => {
      note(`read ${batch}: ${files.map((f) => path.basename(f)).join(' ')}`);
      return Promise.all(
        files.map(async (read) => {
          const refusal = await specialAt(read);
          const before = seen.get(read);
          const after = { digest: digestOf(read), shape: undefined, ...(refusal ? { refusal } : {}) };
          seen.set(read, after.digest);
          return { file: read, before: before === undefined ? undefined : { digest: before, shape: undefined }, after };
        }),
      );
    },
    key: () => key,
  };

  const stored = new Map<string, string>();
  let placementFails = false;
  let tick = 0;
  const cache: LoopBoundary['cache'] = {
    buildOutput: '/cache/build/program',
    clock: async () => ++tick,
    lookup: async (wanted) => {
      note(`lookup ${wanted}`);
      return stored.get(wanted);
    },
    store: (kept) => {
      note(`store ${kept}`);
      if (placementFails) {
        placementFails = false;
        const failed = Promise.reject(new Error('no space left on device'));
        failed.catch(() => undefined);
        return { file: failed, stored: failed };
      }
      stored.set(kept, `/cache/bins/${kept}`);
      return { file: Promise.resolve(`/cache/bins/${kept}`), stored: Promise.resolve() };
    },
    forget: async (dropped) => {
      note(`forget ${dropped}`);
      stored.delete(dropped);
    },
  };

  let batches = 0;
  const runs: string[] = [];
  let state: SupervisorState = 'idle';
  let binary: string | undefined;
  const supervisor: LoopBoundary['supervisor'] = {
    run: async (ready) => {
      // As the supervisor does: the program before is stopped meanwhile; a binary never put in place starts nothing.
      const started = await Promise.resolve(ready).catch(() => undefined);
      if (started === undefined) {
        state = 'idle';
        binary = undefined;
        note('run failed');
        return;
      }
      runs.push(started);
      binary = started;
      state = 'running';
      note(`run ${started}`);
    },
    get state() {
      return state;
    },
    get binary() {
      return binary;
    },
  };

  const builds: ScriptedBuild[] = [];
  const build: LoopBoundary['build'] = (_request, onStart) => {
    let end!: (outcome: BuildOutcome) => void;
    const done = new Promise<BuildOutcome>((resolve) => {
      end = resolve;
    });
    const scripted: ScriptedBuild = {
      key,
      canceled: false,
      succeed: () => end({ kind: 'ok', durationMs: 5 }),
      fail: (output) => end({ kind: 'fail', durationMs: 5, output }),
    };
    builds.push(scripted);
    note(`go build ${key}`);
    // A free build slot: go starts at once, told after this returns as the real one is.
    queueMicrotask(onStart);
    return {
      done,
      cancel: async () => {
        scripted.canceled = true;
        end({ kind: 'canceled' });
      },
      release: () => undefined,
    };
  };

  /** Each file's time of last write, on the scripted clock; a file never written here is older than any stamp. */
  const writeTimes = new Map<string, number>();
  /** Stamps `names` as written now, on the scripted clock (which moves on). */
  const written = (...names: string[]) => {
    tick += 1;
    for (const name of names) writeTimes.set(file(name), tick);
  };

  const hookRuns: ScriptedHook[] = [];
  const hooks: Hooks = {
    has: (key) => options.hooks?.includes(key) ?? false,
    run: (key, context, signal) =>
      new Promise<HookOutcome>((resolve) => {
        const end = (outcome: HookOutcome) => {
          run.ended = true;
          resolve(outcome);
        };
        const run: ScriptedHook = {
          key,
          context,
          canceled: false,
          ended: false,
          succeed: () => end({ kind: 'ok' }),
          fail: (output) => end({ kind: 'fail', failure: { hook: key, command: ['lint', './...'], code: 1, signal: null, timedOut: false, output } }),
        };
        const cancel = () => {
          run.canceled = true;
          end({ kind: 'canceled' });
        };
        if (signal.aborted) return cancel();
        signal.addEventListener('abort', cancel, { once: true });
        hookRuns.push(run);
        note(`hook ${key}${context.changed.length > 0 ? ` (${context.changed.map((f) => path.basename(f)).join(' ')})` : ''}`);
      }),
  };

  /** Writes made while a build ran that the watcher has not reported: the file times tell. */
  let writtenUnseen = false;
  let pending = false;
  const loop = new ReloadLoop({
    target,
    cache,
    supervisor,
    plans: { update: async () => void note('watch') },
    build,
    writtenBetween: async (files, since, until) =>
      writtenUnseen || files.some((name) => (writeTimes.get(name) ?? -1) >= since && (writeTimes.get(name) ?? -1) <= until),
    writeTimes: async (files) => files.map((name) => writeTimes.get(name) ?? (existsSync(name) ? 0 : undefined)),
    nextBatch: () => {
      batches += 1;
      return batches;
    },
    hooks,
    now: () => 0,
    patterns: compilePatterns(['*.yaml']),
    patternList: ['*.yaml'],
    gitignores: undefined,
    projectRoot: dir,
    displayDir: dir,
    force: false,
    changesPending: () => pending,
    emit,
  });

  /** Hands the loop a batch of files (names in the project) and waits until it is handled. */
  const batch = async (...names: string[]) => {
    batches += 1;
    note(`batch ${batches}`);
    await loop.onBatch(new Set(names.map(file)), batches);
  };

  /** Resolves once `ready()` holds, checked at every call out of the loop and every event. */
  const until = (ready: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      // A guard, not a wait: the loop answers within microtasks, so a missing answer is a failure.
      const guard = setTimeout(() => reject(new Error(`${what} not seen; calls: ${log.join(' | ')}`)), 2000);
      const check = () => {
        if (!ready()) return;
        clearTimeout(guard);
        waiters.splice(waiters.indexOf(check), 1);
        resolve();
      };
      waiters.push(check);
      check();
    });

  return {
    dir,
    file,
    loop,
    log,
    events,
    builds,
    hookRuns,
    runs,
    written,
    until,
    batch,
    /** Starts the loop and its first program, built from key k1. */
    start: async () => {
      await loop.start();
      builds.at(-1)!.succeed();
      await until(() => runs.length === 1, 'the first program');
    },
    /** A save that moves the target's key to `next`: a batch with main.go. */
    save: async (next: string) => {
      key = next;
      await batch('main.go');
    },
    setKey: (next: string) => {
      key = next;
    },
    setPending: (gathering: boolean) => {
      pending = gathering;
    },
    setWrittenUnseen: (written: boolean) => {
      writtenUnseen = written;
    },
    /** The next binary taken into the cache cannot be put in place. */
    failNextPlacement: () => {
      placementFails = true;
    },
    /** The program ends on its own; the supervisor keeps its binary for a restart. */
    programEnded: () => {
      state = 'exited';
    },
    writeMain: (text: string) => writeFileSync(file('main.go'), text),
    close: async () => {
      await loop.close();
      project.cleanup();
    },
  };
};
