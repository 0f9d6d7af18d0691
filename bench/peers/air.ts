/**
 * air (github.com/air-verse/air) as its README says to use it: `air init` writes the default
 * .air.toml, in which only the program's arguments are set (and, for the second variant, `delay`).
 * air's fastest setting is `delay = 1`: it replaces a 0 by its default of 1000 ms when it merges configs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ARGS_SHOWN, type Tool } from './tool.js';
import { spawnTool } from './tool-process.js';

const replaceOnce = (text: string, pattern: RegExp, replacement: string, file: string) => {
  if (!pattern.test(text)) throw new Error(`${file}: no ${pattern} to replace (air init writes another default config)`);
  return text.replace(pattern, replacement);
};

export const air = (binary: string, version: string, delayOne: boolean): Tool => ({
  id: delayOne ? 'air-delay1' : 'air',
  label: delayOne ? 'air, delay = 1' : 'air, default config',
  command: 'air',
  config: `\`air init\`, then in .air.toml \`args_bin\` set to the program's arguments (\`${ARGS_SHOWN}\`)${delayOne ? ' and `delay = 1` (ms; default 1000, and a 0 means the default)' : ''}`,
  version,
  launch: async ({ project, port, te }) => {
    const file = path.join(project.dir, '.air.toml');
    // Started again in the same project (a warm start), air finds the config it was given.
    if (!existsSync(file)) {
      execFileSync(binary, ['init'], { cwd: project.dir, env: te.env, stdio: 'ignore' });
      let toml = replaceOnce(readFileSync(file, 'utf8'), /^(\s*)args_bin = \[\]$/m, `$1args_bin = ${JSON.stringify(project.args(port))}`, file);
      if (delayOne) toml = replaceOnce(toml, /^(\s*)delay = \d+$/m, '$1delay = 1', file);
      writeFileSync(file, toml);
    }
    const proc = spawnTool(binary, [], project.dir, te);
    return { pid: proc.child.pid, tail: proc.tail, stop: () => proc.stop('SIGINT') };
  },
});
