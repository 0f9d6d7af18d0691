/** gowatch itself, as built in this repository: `gowatch run --json`, native events or polling. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GowatchEvent } from '../../src/events.js';
import { CLI, REPO } from '../bench-args.js';
import type { Tool } from './tool.js';
import { spawnTool } from './tool-process.js';

export const POLL_INTERVAL_MS = 100;

/** The package version and the commit measured, and whether src/ had changes not committed yet. */
const gowatchVersion = () => {
  const { version } = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: REPO, encoding: 'utf8' }).trim() !== '';
    return `${version} (${commit}${dirty ? ' with uncommitted changes in src/' : ''})`;
  } catch {
    return version;
  }
};

export const gowatch = (polling: boolean): Tool => {
  const flags = polling ? [`--poll=${POLL_INTERVAL_MS}`] : [];
  return {
    id: polling ? 'gowatch-poll' : 'gowatch',
    label: polling ? `gowatch --poll=${POLL_INTERVAL_MS}` : 'gowatch',
    command: `gowatch run ${flags.map((f) => `${f} `).join('')}-- -addr 127.0.0.1:PORT`,
    version: gowatchVersion(),
    launch: async ({ project, port, te, workDir }) => {
      const events: GowatchEvent[] = [];
      const env = { ...te.env, GOWATCH_CACHE_DIR: path.join(workDir, 'gowatch-cache') };
      const proc = spawnTool(process.execPath, [CLI, 'run', '--json', ...flags, '--', '-addr', `127.0.0.1:${port}`], project.dir, { ...te, env }, (line) => {
        try {
          events.push(JSON.parse(line) as GowatchEvent);
        } catch {
          // the program's own output goes to stderr under --json: nothing else is expected here
        }
      });
      return { events, pid: proc.child.pid, tail: proc.tail, stop: () => proc.stop('SIGINT') };
    },
  };
};
