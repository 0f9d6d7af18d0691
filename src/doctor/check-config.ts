import path from 'node:path';
import { shownPath } from '../config/quote.js';
import type { Check } from './check.js';
import { fail, ok } from './report.js';

const FIXES = {
  config: 'correct what the message names (the file, the key and what is expected); with "$schema" in buddy.watch.json, your editor completes and checks it',
  usage: 'correct the arguments: --cwd must be a directory, and target names those of "targets" in buddy.watch.json',
  other: 'correct what the message names',
} as const;

/** buddy.watch.json (or --config) valid, and the arguments naming targets in it. */
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
    if (!options.configFile) return ok(`no buddy.watch.json (defaults, project root ${shownPath(options.projectRoot)}); ${which}`, detail);
    return ok(`${shownPath(options.configFile)} is valid; ${which}`, detail);
  },
};
