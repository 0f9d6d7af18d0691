/**
 * air (github.com/air-verse/air) as its README says to use it: `air init` writes the default
 * .air.toml, in which only the program's arguments are set (and, for the second variant, `delay`).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Tool } from './tool.js';
import { spawnTool } from './tool-process.js';

const replaceOnce = (text: string, pattern: RegExp, replacement: string, file: string) => {
  if (!pattern.test(text)) throw new Error(`${file}: no ${pattern} to replace (air init writes another default config)`);
  return text.replace(pattern, replacement);
};

export const air = (binary: string, version: string, delayZero: boolean): Tool => ({
  id: delayZero ? 'air-delay0' : 'air',
  label: delayZero ? 'air, delay = 0' : 'air, default config',
  command: 'air',
  config: `\`air init\`, then in .air.toml \`args_bin = ["-addr", "127.0.0.1:PORT"]\`${delayZero ? ' and `delay = 0` (default 1000)' : ''}`,
  version,
  launch: async ({ project, port, te }) => {
    execFileSync(binary, ['init'], { cwd: project.dir, env: te.env, stdio: 'ignore' });
    const file = path.join(project.dir, '.air.toml');
    let toml = replaceOnce(readFileSync(file, 'utf8'), /^(\s*)args_bin = \[\]$/m, `$1args_bin = ["-addr", "127.0.0.1:${port}"]`, file);
    if (delayZero) toml = replaceOnce(toml, /^(\s*)delay = \d+$/m, '$1delay = 0', file);
    writeFileSync(file, toml);
    const proc = spawnTool(binary, [], project.dir, te);
    return { pid: proc.child.pid, tail: proc.tail, stop: () => proc.stop('SIGINT') };
  },
});
