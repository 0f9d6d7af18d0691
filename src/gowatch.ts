import type { RunOptions } from './config/options.js';
import { BinaryCache } from './go/binary-cache.js';
import { errorMessage, GowatchError } from './errors.js';
import { cacheRoot, ensureProjectCache, targetCacheDir } from './go/cache-dir.js';
import { TargetState } from './go/target-state.js';
import { ReloadLoop } from './reload/loop.js';
import type { EventInput, EventSink, GowatchEvent } from './report/events.js';
import { Supervisor } from './supervise/supervisor.js';
import { compilePatterns } from './watch/patterns.js';
import { WatchSet } from './watch/watch-set.js';

export type Gowatch = {
  /** Stops watching, cancels a build, stops the program tree; resolves when nothing is left. */
  close(): Promise<void>;
  /** For exits that cannot wait (uncaught errors): kills the program group at once. */
  killNow(): void;
};

const openBinaryCache = async (options: RunOptions): Promise<BinaryCache> => {
  try {
    const projectCache = await ensureProjectCache(options.projectRoot);
    const targetId = [options.target.cwd, options.target.pkg, ...options.target.buildFlags].join('\0');
    return await BinaryCache.open(targetCacheDir(projectCache, targetId), options.cache);
  } catch (error) {
    throw new GowatchError('cache', `cannot use gowatch's cache directory ${cacheRoot()}: ${errorMessage(error)} (set GOWATCH_CACHE_DIR to a writable directory)`);
  }
};

/** Composes the layers: watch → classify (closure, patterns) → build key → build → supervise. */
export const startGowatch = async (options: RunOptions, sink: EventSink): Promise<Gowatch> => {
  const emit = (event: EventInput) => sink({ ...event, ts: Date.now() } as GowatchEvent);
  const target = new TargetState(options.target);
  const cache = await openBinaryCache(options);
  const supervisor = new Supervisor({
    target: options.target.name,
    program: { args: options.program.args, env: options.program.env, cwd: options.cwd, stdout: options.json ? 'stderr' : 'inherit' },
    stop: options.stop,
    emit,
  });
  let loop: ReloadLoop | undefined;
  const watchSet = new WatchSet({
    poll: options.poll,
    pollIntervalMs: options.pollIntervalMs,
    env: process.env,
    emit,
    onPaths: (paths) => loop?.onPaths(paths),
  });
  loop = new ReloadLoop({
    target,
    patterns: compilePatterns(options.patterns),
    projectRoot: options.projectRoot,
    displayDir: options.cwd,
    delayMs: options.delayMs,
    force: options.force,
    cache,
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
