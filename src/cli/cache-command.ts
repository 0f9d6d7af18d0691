import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { cacheRoot, listCachedProjects, projectCacheDir, removeProjectCache } from '../go/cache-dir.js';
import { plural } from '../report/plural.js';

export type CacheFlags = { readonly cwd?: string; readonly config?: string; readonly json?: boolean; readonly all?: boolean };

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const projectRootOf = (flags: CacheFlags) => loadConfig(path.resolve(flags.cwd ?? '.'), flags.config).root;

/** `gowatch cache info`: what is cached, for which project, and where. */
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
    const mark = project.dir === current ? ' (this project)' : '';
    lines.push(`  ${project.root}${mark}: ${plural(project.binaries, 'binary', 'binaries')}, ${megabytes(project.bytes)} in ${project.dir}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
};

/** `gowatch cache clean [--all]`: removes this project's cache (or every project's), nothing else. */
export const cacheCleanCommand = async (flags: CacheFlags): Promise<number> => {
  const current = projectCacheDir(projectRootOf(flags));
  const targets = (await listCachedProjects()).filter((project) => flags.all || project.dir === current);
  for (const project of targets) await removeProjectCache(project.dir);
  const freed = targets.reduce((sum, project) => sum + project.bytes, 0);
  process.stdout.write(
    targets.length === 0 ? 'nothing cached for this project\n' : `removed ${plural(targets.length, 'project cache')}, ${megabytes(freed)}\n`,
  );
  return 0;
};
