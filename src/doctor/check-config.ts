import path from 'node:path';
import { shownPath } from '../text/quote.js';
import type { RunOptions } from '../config/options.js';
import { readEnvFile } from '../supervise/env-file.js';
import type { Check } from './check.js';
import { fail, ok, warn } from './report.js';

const FIXES = {
  config: 'correct what the message names (the file, the key and what is expected); with "$schema" in buddy.watch.json, your editor completes and checks it',
  usage: 'correct the arguments: --cwd must be a directory, and target names those of "targets" in buddy.watch.json',
  other: 'correct what the message names',
} as const;

/** go.run.envFile of every target, read as a start reads them: a line to list them, and what is wrong with each that cannot be used. */
const envFiles = (options: RunOptions): { line: string | undefined; problems: string[] } => {
  const files = [...new Set(options.targets.flatMap((target) => target.program.envFiles))];
  const shown = (file: string) => shownPath(path.relative(options.cwd, file) || file);
  const problems = files.flatMap((file) => {
    const read = readEnvFile(file);
    if (read.kind === 'values') return [];
    return [`${shown(file)} ${read.kind === 'missing' ? 'does not exist' : read.why}`];
  });
  return { line: files.length > 0 ? `env files (go.run.envFile): ${files.map(shown).join(', ')}` : undefined, problems };
};

/** buddy.watch.json (or --config) valid, and the arguments naming targets in it; the .env files it names usable. */
export const configCheck: Check = {
  id: 'config',
  timeoutMs: 5000,
  run: async (context) => {
    const config = context.config();
    if (!config.ok) return fail(config.message, FIXES[config.kind]);
    const { options } = config;
    const targets = options.targets.map((target) => target.name);
    const detail = options.targets.map((target) => `${target.name}: ${target.target.pkg === '.' ? shownPath(path.relative(options.cwd, target.target.cwd) || '.') : target.target.pkg} (${target.source})`).join('\n');
    const which = `${targets.length === 1 ? 'target' : `${targets.length} targets`} ${targets.join(', ')}`;
    const env = envFiles(options);
    const details = [detail, ...(env.line ? [env.line] : [])].join('\n');
    const summary = options.configFile ? `${shownPath(options.configFile)} is valid; ${which}` : `no buddy.watch.json (defaults, project root ${shownPath(options.projectRoot)}); ${which}`;
    if (env.problems.length > 0) {
      return warn(`${summary}; go.run.envFile: ${env.problems.join('; ')}`, 'create or correct the file, or take it out of go.run.envFile: until then the program starts without what it holds', details);
    }
    return ok(summary, details);
  },
};
