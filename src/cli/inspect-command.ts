import path from 'node:path';
import { blameTarget, resolveRunOptions, type RunFlags } from '../config/options.js';
import { inspectTarget, type Topology, type Why } from '../reload/inspect.js';
import { plural } from '../text/plural.js';
import { targetPrefixes } from '../report/target-prefix.js';

export type InspectFlags = RunFlags & { readonly why?: string };

const describe = (t: Topology, cwd: string): string => {
  const rel = (p: string) => path.relative(cwd, p) || '.';
  const lines = [
    `project root   ${t.projectRoot}${t.configFile ? ` (${rel(t.configFile)})` : ' (no buddy.watch.json: defaults)'}`,
    `target         ${t.target.name} → ${t.target.importPath} (${rel(t.target.dir)})${t.target.buildFlags.length ? ` flags ${t.target.buildFlags.join(' ')}` : ''}`,
    `workspace      ${t.workspace ? rel(t.workspace) : 'none (single module)'}`,
    `main modules   ${t.mainModules.map(rel).join(', ') || 'none'}`,
    `depends on     ${t.modules.map(rel).join(', ')}`,
    `closure        ${plural(t.packages, 'package')}, ${plural(t.edges, 'import edge')}, ${plural(t.files, 'file')} (go list: ${t.closureMs} ms)`,
    `package dirs   ${t.packageDirs.map(rel).join(', ')}`,
    `module files   ${t.moduleFiles.map(rel).join(', ') || 'none'}`,
    ...(t.moduleFilesIfCreated.length ? [`               (would count if created: ${t.moduleFilesIfCreated.map(rel).join(', ')})`] : []),
    'watched roots',
    ...t.roots.map((r) => `  ${r.root}: ${r.backend} (${r.reason}); ${plural(r.watchedDirs, 'directory', 'directories')} watched${r.pruned.length ? `; pruned ${r.pruned.map((p) => path.relative(r.root, p)).join(', ')}` : ''}`),
    `patterns       ${t.patterns.join(' ')}`,
    ...(t.envFiles.length ? [`env files      ${t.envFiles.map(({ file, exists }) => `${rel(file)}${exists ? '' : ' (does not exist)'}`).join(', ')}`] : []),
  ];
  return `${lines.join('\n')}\n`;
};

/** With several targets, each answer starts with its target's name, as `gowatch run` prints it. */
const describeWhy = (why: Why, prefix: (target: string) => string): string => {
  const outcome = { build: 'rebuilds', recheck: 'rechecks the closure, then rebuilds if it joins the build', restart: 'restarts the program (no build)', skip: `does nothing (${why.reason})` }[why.verdict];
  const head = prefix(why.target);
  return `${head}${why.path}: a change ${outcome}\n${head}  why: ${why.why}\n`;
};

/** `gowatch inspect [TARGET... | PACKAGE] [--json] [--why PATH]`: one section (or JSON object) per target. */
export const inspectCommand = async (flags: InspectFlags): Promise<number> => {
  const options = resolveRunOptions(flags);
  const results = [];
  for (const target of options.targets) {
    const { topology, explain } = await inspectTarget(options, target).catch((error: unknown) => {
      throw blameTarget(target, error);
    });
    results.push(flags.why ? explain(flags.why) : topology);
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
  else {
    const prefix = targetPrefixes(options.targets.map((target) => target.name), false);
    process.stdout.write(flags.why ? results.map((result) => describeWhy(result as Why, prefix)).join('') : results.map((result) => describe(result as Topology, options.cwd)).join('\n'));
  }
  return 0;
};
