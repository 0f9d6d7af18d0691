import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { blameTarget, type RunOptions, type TargetOptions } from './config/options.js';
import { BinaryCache } from './go/binary-cache.js';
import { BuildSlots } from './go/build-slots.js';
import { cacheError, targetDir } from './go/target-dir.js';
import { ContentHashes } from './go/content-hashes.js';
import { TargetState, type TargetSpec } from './go/target-state.js';
import { WarmStart } from './go/warm-start.js';
import { ChangeRouter } from './reload/change-router.js';
import { configChangeNotice } from './reload/config-change.js';
import { planNotice } from './reload/plan-notice.js';
import { goBuilds } from './reload/loop-boundary.js';
import { hookRunner } from './hooks/hook-runner.js';
import { ReloadLoop } from './reload/loop.js';
import { setUpProfile, type ProfileSetup } from './profile/setup.js';
import { binariesDir, setUpDebug, type DebugSetup } from './debug/setup.js';
import { chooseProfileTarget, profilingOff } from './profile/choose-target.js';
import type { ProfileRequest, RequestedProfile } from './profile/request.js';
import { targetProfiler } from './profile/target-profiler.js';
import { WatchPlans } from './reload/watch-plans.js';
import { programStdin } from './hotkeys/stdin-rule.js';
import type { EventInput, EventSink, GowatchEvent } from './events.js';
import type { ProcessBoundary } from './supervise/boundary.js';
import { fileLedger } from './supervise/ledger.js';
import { stopLeftover } from './supervise/leftovers.js';
import { lockTarget } from './supervise/target-lock.js';
import { createRealProcesses } from './supervise/real-processes.js';
import { ProgramEnv } from './supervise/program-env.js';
import { Supervisor } from './supervise/supervisor.js';
import { gitIgnoresFor, type GitIgnores } from './watch/gitignore.js';
import { ownOutputFiles } from './watch/own-output.js';
import { compilePatterns } from './watch/patterns.js';
import { WatchSet } from './watch/watch-set.js';

export type Gowatch = {
  /** Stops watching, cancels builds, stops every program tree; resolves when nothing is left. */
  close(): Promise<void>;
  /** For exits that cannot wait (uncaught errors): kills every program tree at once. */
  killNow(): void;
  /**
   * Captures a profile of a target's running program (go.run.profile on), saves it with the
   * target's profiles and reads its top entries; `target` may be left out when there is one.
   */
  profile(request: ProfileRequest & { readonly target?: string | undefined }): Promise<RequestedProfile>;
  /**
   * Runs every target's current build anew (the hotkeys r and f): from the binary cache, or
   * with `force` built by go. Queued behind changes, as a batch is; resolves once handled.
   */
  rebuild(options?: { readonly force?: boolean }): Promise<void>;
};

/** Where a program's output goes when several share the terminal: whole lines, each with its target's prefix. */
export type ProgramLines = (target: string, stream: 'stdout' | 'stderr', line: string) => void;

export type StartOptions = {
  /** Starts and stops programs; the real one by default (tests give a scripted one). */
  readonly processes?: ProcessBoundary;
  /** Set when programs' output is to be read line by line rather than inherited. */
  readonly programLines?: ProgramLines;
  /** Set when gowatch reads hotkeys from its standard input: go.run.stdin "keys" then closes the programs' own. */
  readonly hotkeys?: boolean;
};

/** How often the memory watchdog samples a program tree. */
const MEMORY_CHECK_MS = 1000;

type Shared = {
  readonly options: RunOptions;
  readonly emit: (event: EventInput) => void;
  readonly processes: ProcessBoundary;
  readonly hashes: ContentHashes;
  readonly plans: WatchPlans;
  readonly slots: BuildSlots;
  readonly router: ChangeRouter;
  readonly gitignores: GitIgnores | undefined;
  readonly programLines: ProgramLines | undefined;
  readonly hotkeys: boolean;
};

/** One target: its own closure, key, binary cache, supervisor and reload loop, fed by the shared router. */
const openTarget = async (target: TargetOptions, shared: Shared) => {
  const { options, emit, processes } = shared;
  const dir = await targetDir(options, target);
  // Claimed before anything in it is read or written: only one gowatch keeps its record.
  const lock = await lockTarget(dir, target.name);
  const ledgerFile = path.join(dir, 'running.json');
  let binaries: BinaryCache;
  let profile: ProfileSetup;
  let debug: DebugSetup | undefined;
  let spec: TargetSpec;
  try {
    binaries = await BinaryCache.open(binariesDir(target, dir), target.cache).catch((error: unknown) => Promise.reject(cacheError(options, error)));
    await stopLeftover({ ledgerFile, target: target.name, processes, stop: target.stop, emit });
    profile = await setUpProfile(target, dir, { ...options.env });
    debug = await setUpDebug(target, profile.spec, { ...options.env });
    // A debug build keeps DWARF, whatever go.build.dwarf says.
    spec = debug?.spec ?? (target.dwarf ? profile.spec : { ...profile.spec, leanLink: true });
  } catch (error) {
    await lock.release();
    throw error;
  }
  const lines = shared.programLines;
  const profiler = targetProfiler(options, target, dir, profile.source, emit);
  const programEnv = new ProgramEnv({
    files: target.program.envFiles,
    inherited: options.env,
    explicit: { ...target.program.env, ...profile.env },
    shown: (file) => path.relative(options.cwd, file) || file,
    warn: (message) => emit({ event: 'warning', target: target.name, message }),
  });
  // Read once now too: a missing or broken env file is said at start, not only once a build is done.
  programEnv.read();
  const supervisor = new Supervisor({
    target: target.name,
    program: {
      args: target.program.args,
      env: () => programEnv.read(),
      cwd: options.cwd,
      stdout: options.json ? 'stderr' : 'inherit',
      ...(lines ? { lines: (stream: 'stdout' | 'stderr', line: string) => lines(target.name, stream, line) } : {}),
      stdin: programStdin(target.program.stdin, shared.hotkeys),
      deathSignal: target.stop.signal,
      ...debug?.program,
    },
    runId: randomUUID(),
    stop: debug?.stop ?? target.stop,
    restart: target.restart,
    memory: target.memoryLimitBytes === undefined ? undefined : { limitBytes: target.memoryLimitBytes, checkMs: MEMORY_CHECK_MS },
    observer: profiler,
    processes,
    ledger: fileLedger(ledgerFile, { pid: process.pid, startTime: processes.startTimeOf(process.pid) }),
    emit,
  });
  const state = new TargetState({ ...spec, env: { ...options.env } }, shared.hashes);
  const loop = new ReloadLoop({
    target: state,
    warm: new WarmStart(dir, state, options.targets.length === 1),
    patterns: compilePatterns(target.patterns),
    patternList: target.patterns,
    gitignores: shared.gitignores,
    envFiles: new Set(target.program.envFiles),
    projectRoot: options.projectRoot,
    displayDir: options.cwd,
    force: options.force,
    cache: binaries,
    supervisor,
    plans: shared.plans,
    ...goBuilds(shared.slots),
    nextBatch: () => shared.hashes.nextBatch(),
    hooks: hookRunner({
      target: target.name,
      commands: target.hooks.commands,
      cwd: options.cwd,
      // The program's environment, but for what makes it serve profiles: a hook running the binary must not.
      env: () => Object.fromEntries(Object.entries(programEnv.read()).filter(([name]) => !Object.hasOwn(profile.env, name))),
      timeoutMs: target.hooks.timeoutMs,
      stop: target.stop,
      warn: (message) => emit({ event: 'warning', target: target.name, message }),
    }),
    changesPending: () => shared.router.pending,
    emit,
  });
  shared.router.add(loop);
  if (debug) emit(debug.event);
  if (debug?.warning) emit({ event: 'warning', target: target.name, message: debug.warning });
  return { options: target, loop, supervisor, lock, profiler };
};

/**
 * Composes the layers: one watcher → one change router → per target: classify (closure,
 * patterns) → build key → build → supervise. Files are read once for every target.
 */
export const startGowatch = async (options: RunOptions, sink: EventSink, start: StartOptions = {}): Promise<Gowatch> => {
  const emit = (event: EventInput) => sink({ ...event, ts: Date.now() } as GowatchEvent);
  const processes = start.processes ?? createRealProcesses({ warn: (message) => emit({ event: 'warning', message }) });
  const hashes = new ContentHashes();
  const gitignores = options.gitignore ? gitIgnoresFor(options.projectRoot, (message) => emit({ event: 'warning', message })) : undefined;
  const router = new ChangeRouter(options.delayMs, hashes, ownOutputFiles());
  const watchSet = new WatchSet({
    poll: options.poll,
    pollIntervalMs: options.pollIntervalMs,
    env: options.env,
    emit,
    onPaths: (paths) => router.onPaths(paths),
    onResubscribed: (root, why) => router.onResubscribed(root, why),
  });
  const shared: Shared = {
    options,
    emit,
    processes,
    hashes,
    plans: new WatchPlans(options.projectRoot, watchSet, gitignores),
    gitignores,
    slots: new BuildSlots(os.availableParallelism()),
    router,
    programLines: start.programLines,
    hotkeys: start.hotkeys === true,
  };
  // buddy.watch.json is read at start only: a change to it is said, and applies at the next start.
  const configNotice = options.configFile ? configChangeNotice(options.cwd, options.configFile, emit) : undefined;
  if (configNotice) router.add(configNotice);
  // First in line: a batch that changes what is ignored is classified with the new rules.
  router.add(planNotice(shared.plans, gitignores !== undefined));
  const targets: Awaited<ReturnType<typeof openTarget>>[] = [];
  const close = async () => {
    await watchSet.close();
    router.close();
    configNotice?.close();
    await Promise.all(targets.map(async ({ loop, supervisor, lock }) => {
      await loop.close();
      await supervisor.stop();
      await lock.release();
    }));
  };
  try {
    for (const target of options.targets) targets.push(await openTarget(target, shared));
    await Promise.all(targets.map(({ options: target, loop }) => loop.start().catch((error: unknown) => Promise.reject(blameTarget(target, error)))));
  } catch (error) {
    await close();
    throw error;
  }
  const profileOf = async ({ target: name, ...request }: ProfileRequest & { readonly target?: string | undefined }) => {
    const chosen = chooseProfileTarget(options.targets, name, 'watcher.profile()');
    const profiler = targets.find((target) => target.options === chosen)?.profiler;
    if (!profiler) throw profilingOff(chosen);
    return profiler.request(request);
  };
  const rebuild = async ({ force = false }: { readonly force?: boolean } = {}) => {
    await Promise.all(targets.map(({ loop }) => loop.rebuild({ force })));
  };
  return { close, killNow: () => targets.forEach(({ supervisor }) => supervisor.killNow()), profile: profileOf, rebuild };
};
