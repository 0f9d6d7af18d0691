/**
 * gowatch itself, as built in this repository: `gowatch run --json`, native events or polling,
 * or with settings in the project's buddy.watch.json (the profile bench's pair).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { GowatchEvent } from '../../src/events.js';
import { CLI, REPO } from '../bench-args.js';
import { ARGS_SHOWN, type Tool, type ToolId } from './tool.js';
import { spawnTool, type ToolEnv } from './tool-process.js';

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

/** The environment gowatch runs with in `workDir`: its cache is the tool's own, for this run only. */
export const gowatchEnv = (te: ToolEnv, workDir: string): NodeJS.ProcessEnv => ({ ...te.env, GOWATCH_CACHE_DIR: path.join(workDir, 'gowatch-cache') });

type Variant = {
  readonly id: ToolId;
  readonly label: string;
  readonly flags: readonly string[];
  /** Written to the project's buddy.watch.json before gowatch starts; none when undefined. */
  readonly settings?: Readonly<Record<string, unknown>>;
};

const gowatchTool = ({ id, label, flags, settings }: Variant): Tool => ({
  id,
  label,
  command: `gowatch run ${flags.map((f) => `${f} `).join('')}-- ${ARGS_SHOWN}`,
  ...(settings === undefined ? {} : { config: `buddy.watch.json: ${JSON.stringify(settings)}` }),
  version: gowatchVersion(),
  launch: async ({ project, port, te, workDir }) => {
    if (settings !== undefined) writeFileSync(path.join(project.dir, 'buddy.watch.json'), `${JSON.stringify(settings, null, 2)}\n`);
    const events: GowatchEvent[] = [];
    const proc = spawnTool(process.execPath, [CLI, 'run', '--json', ...flags, '--', ...project.args(port)], project.dir, { ...te, env: gowatchEnv(te, workDir) }, (line) => {
      try {
        events.push(JSON.parse(line) as GowatchEvent);
      } catch {
        // the program's own output goes to stderr under --json: nothing else is expected here
      }
    });
    return { events, pid: proc.child.pid, tail: proc.tail, stop: () => proc.stop('SIGINT') };
  },
});

export const gowatch = (polling: boolean): Tool =>
  polling
    ? gowatchTool({ id: 'gowatch-poll', label: `gowatch --poll=${POLL_INTERVAL_MS}`, flags: [`--poll=${POLL_INTERVAL_MS}`] })
    : gowatchTool({ id: 'gowatch', label: 'gowatch', flags: [] });

/**
 * gowatch with `go.run.profile` "off" or "inject", everything else alike. No baseline heap profile:
 * one taken some seconds after a start would land on the other variant's timed edit, and what is
 * measured is the overlay's cost to edit → serve.
 */
export const gowatchProfile = (profile: 'off' | 'inject'): Tool =>
  gowatchTool({
    id: profile === 'inject' ? 'gowatch-inject' : 'gowatch',
    label: `gowatch, go.run.profile "${profile}"`,
    flags: [],
    settings: { 'go.run.profile': profile, 'go.run.profileBaseline': null },
  });
