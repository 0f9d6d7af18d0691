import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { cacheRoot, listCachedProjects, projectCacheDir, removeProjectCache, type CachedProject } from '../go/cache-dir.js';
import { formatBytes } from '../report/bytes.js';
import { plural } from '../text/plural.js';

export type CacheFlags = {
  readonly cwd?: string;
  readonly config?: string;
  readonly json?: boolean;
  readonly all?: boolean;
  readonly missing?: boolean;
};

const projectRootOf = (flags: CacheFlags) => loadConfig(path.resolve(flags.cwd ?? '.'), flags.config).root;

const totalBytes = (projects: readonly CachedProject[]) => projects.reduce((sum, project) => sum + project.bytes, 0);

/** `gowatch cache info`: what is cached, for which project, and where; and which projects are gone. */
export const cacheInfoCommand = async (flags: CacheFlags): Promise<number> => {
  const projects = await listCachedProjects();
  const current = projectCacheDir(projectRootOf(flags));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ root: cacheRoot(), current, projects }, null, 2)}\n`);
    return 0;
  }
  const lines = [`cache directory ${cacheRoot()}`];
  if (projects.length === 0) lines.push('  empty');
  for (const project of projects) {
    const mark = project.dir === current ? ' (this project)' : project.missing ? ' (no longer exists)' : '';
    lines.push(`  ${project.root}${mark}: ${plural(project.binaries, 'binary', 'binaries')}, ${formatBytes(project.bytes)} in ${project.dir}`);
  }
  const missing = projects.filter((project) => project.missing);
  if (missing.length > 0) {
    const gone = missing.length === 1 ? '1 project no longer exists' : `${missing.length} projects no longer exist`;
    lines.push(`${gone} (${formatBytes(totalBytes(missing))}): gowatch cache clean --missing removes ${missing.length === 1 ? 'its cache' : 'their caches'}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
};

/** --all and --missing need no project: they can be run from anywhere. */
const chosenProjects = (flags: CacheFlags, projects: readonly CachedProject[]): readonly CachedProject[] => {
  if (flags.all) return projects;
  if (flags.missing) return projects.filter((project) => project.missing);
  const current = projectCacheDir(projectRootOf(flags));
  return projects.filter((project) => project.dir === current);
};

/**
 * `gowatch cache clean [--all | --missing]`: removes this project's cache, every project's, or
 * those of projects whose root no longer exists; nothing outside gowatch's own folders.
 */
export const cacheCleanCommand = async (flags: CacheFlags): Promise<number> => {
  const chosen = chosenProjects(flags, await listCachedProjects());
  for (const project of chosen) await removeProjectCache(project.dir);
  const nothing = flags.all ? 'nothing cached' : flags.missing ? 'no cached project is missing' : 'nothing cached for this project';
  process.stdout.write(chosen.length === 0 ? `${nothing}\n` : `removed ${plural(chosen.length, 'project cache')}, ${formatBytes(totalBytes(chosen))}\n`);
  return 0;
};
