import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import envPaths from 'env-paths';
import { GowatchError } from '../errors.js';
import { folderSize } from '../files/folder-size.js';
import { isGone } from '../files/is-gone.js';
import { inspectCacheRoot } from './cache-root.js';
import { makeDirectories } from './make-directories.js';

/**
 * gowatch's own cache directory, outside every repository (a binary inside one would flip
 * -buildvcs state and wake the watcher). One folder per project, one per target within it.
 */
const MARKER = 'gowatch-project.json';

const shortHash = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

export const cacheRoot = (env: NodeJS.ProcessEnv = process.env): string =>
  path.resolve(env['GOWATCH_CACHE_DIR'] || envPaths('gowatch', { suffix: '' }).cache);

export const projectCacheDir = (projectRoot: string, env?: NodeJS.ProcessEnv): string =>
  path.join(cacheRoot(env), 'projects', shortHash(path.resolve(projectRoot), 16));

export const targetCacheDir = (projectDir: string, targetId: string): string =>
  path.join(projectDir, 'targets', shortHash(targetId, 12));

/**
 * Creates the project folder with a marker naming the project, so `cache clean` knows what it
 * removes. A cache directory that cannot be used is refused at once, in doctor's words.
 */
export const ensureProjectCache = async (projectRoot: string, env?: NodeJS.ProcessEnv): Promise<string> => {
  const state = await inspectCacheRoot(cacheRoot(env));
  if (!state.ok) throw new GowatchError('cache', `cannot use gowatch's cache directory ${state.summary}; ${state.fix}`);
  const dir = projectCacheDir(projectRoot, env);
  await makeDirectories(dir);
  const marker = path.join(dir, MARKER);
  if (!existsSync(marker)) await writeFile(marker, `${JSON.stringify({ root: path.resolve(projectRoot) })}\n`);
  return dir;
};

export type CachedProject = {
  readonly dir: string;
  readonly root: string;
  /** The project's root no longer exists: its cache serves nothing (`cache clean --missing`). */
  readonly missing: boolean;
  readonly bytes: number;
  readonly binaries: number;
};

const UNKNOWN_PROJECT = '(unknown project)';

const cachedSize = async (dir: string): Promise<{ bytes: number; binaries: number }> => {
  const { bytes, files } = await folderSize(dir);
  return { bytes, binaries: files.filter((file) => path.basename(path.dirname(file)) === 'bins').length };
};

/** The project a cache folder belongs to; a damaged marker still lets the folder be listed and cleaned. */
const markedRoot = async (marker: string): Promise<string> => {
  try {
    const { root } = JSON.parse(await readFile(marker, 'utf8')) as { root?: unknown };
    return typeof root === 'string' ? root : UNKNOWN_PROJECT;
  } catch {
    return UNKNOWN_PROJECT;
  }
};

export const listCachedProjects = async (env?: NodeJS.ProcessEnv): Promise<CachedProject[]> => {
  const projects = path.join(cacheRoot(env), 'projects');
  if (!existsSync(projects)) return [];
  const result: CachedProject[] = [];
  for (const name of await readdir(projects)) {
    const dir = path.join(projects, name);
    const marker = path.join(dir, MARKER);
    if (!existsSync(marker)) continue;
    const root = await markedRoot(marker);
    // A folder whose project is unknown (a damaged marker) is not called missing: nobody can tell.
    const missing = root !== UNKNOWN_PROJECT && (await isGone(root));
    result.push({ dir, root, missing, ...(await cachedSize(dir)) });
  }
  return result;
};

/**
 * Removes one project's cache folder. Refuses anything that is not a marked folder directly
 * under gowatch's own projects/ directory, whatever GOWATCH_CACHE_DIR says.
 */
export const removeProjectCache = async (dir: string, env?: NodeJS.ProcessEnv): Promise<void> => {
  const projects = path.join(cacheRoot(env), 'projects');
  const resolved = path.resolve(dir);
  if (path.dirname(resolved) !== projects || !existsSync(path.join(resolved, MARKER))) {
    throw new GowatchError('cache', `refusing to remove ${resolved}: it is not a gowatch project cache`);
  }
  await rm(resolved, { recursive: true, force: true });
};
