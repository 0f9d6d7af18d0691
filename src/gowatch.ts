import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { RunOptions } from './config/options.js';
import { BinaryCache } from './go/binary-cache.js';
import { errorMessage, GowatchError } from './errors.js';
import { cacheRoot, ensureProjectCache, targetCacheDir } from './go/cache-dir.js';
import { TargetState } from './go/target-state.js';
import { ReloadLoop } from './reload/loop.js';
import type { EventInput, EventSink, GowatchEvent } from './report/events.js';
import type { ProcessBoundary } from './supervise/boundary.js';
import { fileLedger } from './supervise/ledger.js';
import { stopLeftover } from './supervise/leftovers.js';
import { createRealProcesses } from './supervise/real-processes.js';
import { Supervisor } from './supervise/supervisor.js';
import { compilePatterns } from './watch/patterns.js';
import { WatchSet } from './watch/watch-set.js';

export type Gowatch = {
  /** Stops watching, cancels a build, stops the program tree; resolves when nothing is left. */
  close(): Promise<void>;
  /** For exits that cannot wait (uncaught errors): kills the program tree at once. */
  killNow(): void;
};

/** How often the memory watchdog samples the program tree. */
const MEMORY_CHECK_MS = 1000;

const openTargetCache = async (options: RunOptions): Promise<{ binaries: BinaryCache; ledgerFile: string }> => {
  try {
    const projectCache = await ensureProjectCache(options.projectRoot);
    const targetId = [options.target.cwd, options.target.pkg, ...options.target.buildFlags].join('\0');
    const dir = targetCacheDir(projectCache, targetId);
    return { binaries: await BinaryCache.open(dir, options.cache), ledgerFile: path.join(dir, 'running.json') };
  } catch (error) {
    throw new GowatchError('cache', `cannot use gowatch's cache directory ${cacheRoot()}: ${errorMessage(error)} (set GOWATCH_CACHE_DIR to a writable directory)`);
  }
};

/** Composes the layers: watch → classify (closure, patterns) → build key → build → supervise. */
export const startGowatch = async (
  options: RunOptions,
  sink: EventSink,
  boundary?: ProcessBoundary,
): Promise<Gowatch> => {
  const emit = (event: EventInput) => sink({ ...event, ts: Date.now() } as GowatchEvent);
  const processes = boundary ?? createRealProcesses({ warn: (message) => emit({ event: 'warning', target: options.target.name, message }) });
  const target = new TargetState(options.target);
  const { binaries, ledgerFile } = await openTargetCache(options);
  await stopLeftover({ ledgerFile, target: options.target.name, processes, stop: options.stop, emit });
  const supervisor = new Supervisor({
    target: options.target.name,
    program: {
      args: options.program.args,
      env: options.program.env,
      cwd: options.cwd,
      stdout: options.json ? 'stderr' : 'inherit',
      stdin: options.program.stdin,
      deathSignal: options.stop.signal,
    },
    runId: randomUUID(),
    stop: options.stop,
    restart: options.restart,
    memory: options.memoryLimitBytes === undefined ? undefined : { limitBytes: options.memoryLimitBytes, checkMs: MEMORY_CHECK_MS },
    processes,
    ledger: fileLedger(ledgerFile, { pid: process.pid, startTime: processes.startTimeOf(process.pid) }),
    emit,
  });
  let loop: ReloadLoop | undefined;
  const watchSet = new WatchSet({
    poll: options.poll,
    pollIntervalMs: options.pollIntervalMs,
    env: process.env,
    emit,
    onPaths: (paths) => loop?.onPaths(paths),
    onRootBack: (root) => loop?.onRootBack(root),
  });
  loop = new ReloadLoop({
    target,
    patterns: compilePatterns(options.patterns),
    projectRoot: options.projectRoot,
    displayDir: options.cwd,
    delayMs: options.delayMs,
    force: options.force,
    cache: binaries,
    supervisor,
    watchSet,
    emit,
  });
  const close = async () => {
    await watchSet.close();
    await loop.close();
    await supervisor.stop();
  };
  try {
    await loop.start();
  } catch (error) {
    await close();
    throw error;
  }
  return { close, killNow: () => supervisor.killNow() };
};
