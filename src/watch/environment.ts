import { existsSync, readFileSync } from 'node:fs';
import { mountHolding, readMounts } from './mountinfo.js';

export type Environment = {
  /** What kind of container, when one is likely ("docker", "podman", "kubernetes", "a container"). */
  readonly container: string | undefined;
  /** "WSL1" or "WSL2" (or "WSL" when it cannot be told), when running under Windows. */
  readonly wsl: string | undefined;
  /** What was seen, for the report. */
  readonly hints: readonly string[];
};

const read = (file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

const CGROUP_HINTS: readonly [RegExp, string][] = [
  [/kubepods/, 'kubernetes'],
  [/libpod|podman/, 'podman'],
  [/docker/, 'docker'],
  [/containerd|cri-o|crio/, 'a container'],
  [/\/lxc\//, 'lxc'],
];

/**
 * Container and WSL hints (Linux). They are reported, never acted on: whether native events
 * work is decided by each watched root's filesystem.
 */
export const detectEnvironment = (env: NodeJS.ProcessEnv, root = ''): Environment => {
  const hints: string[] = [];
  let container: string | undefined;
  const found = (kind: string, hint: string) => {
    container ??= kind;
    hints.push(hint);
  };
  if (existsSync(`${root}/.dockerenv`)) found('docker', '/.dockerenv exists');
  if (existsSync(`${root}/run/.containerenv`)) found('podman', '/run/.containerenv exists');
  if (env['container']) found(env['container'], `container=${env['container']} in the environment`);
  if (env['KUBERNETES_SERVICE_HOST']) found('kubernetes', 'KUBERNETES_SERVICE_HOST is set');
  const cgroup = read(`${root}/proc/1/cgroup`);
  for (const [pattern, kind] of CGROUP_HINTS) {
    const match = pattern.exec(cgroup);
    if (match) {
      found(kind, `/proc/1/cgroup mentions ${match[0]}`);
      break;
    }
  }
  const rootType = mountHolding(readMounts(`${root}/proc/self/mountinfo`), '/')?.type;
  if (rootType === 'overlay' && container) hints.push('/ is an overlay filesystem');
  const version = read(`${root}/proc/version`);
  let wsl: string | undefined;
  if (/microsoft|WSL/i.test(version)) {
    wsl = /WSL2|microsoft-standard/i.test(version) ? 'WSL2' : /Microsoft/.test(version) ? 'WSL1' : 'WSL';
    hints.push(`/proc/version mentions ${/WSL2?/i.exec(version)?.[0] ?? 'Microsoft'}`);
  }
  if (env['WSL_DISTRO_NAME']) {
    wsl ??= 'WSL';
    hints.push(`WSL_DISTRO_NAME=${env['WSL_DISTRO_NAME']}`);
  }
  return { container, wsl, hints };
};

/** "in a container (docker)", "under WSL2", both, or undefined: said beside each watched root. */
export const environmentNote = (env: NodeJS.ProcessEnv): string | undefined => {
  if (process.platform !== 'linux') return undefined;
  const { container, wsl } = detectEnvironment(env);
  const parts = [container && `in a container (${container})`, wsl && `under ${wsl}`].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : undefined;
};
