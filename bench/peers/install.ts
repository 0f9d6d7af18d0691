/**
 * Installs the peers for one run into a temporary directory, each the way its docs say:
 * air with `go install`, reflex from Debian's package (unpacked, no root needed) or else with
 * `go install`, nodemon with npm. A peer that cannot be installed is returned with the reason.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const TIMEOUT_MS = 5 * 60_000;

export type Installed = { readonly ok: true; readonly binary: string; readonly version: string; readonly how: string };
export type NotInstalled = { readonly ok: false; readonly reason: string; readonly how: string };
export type Install = Installed | NotInstalled;

const failure = (how: string, error: unknown): NotInstalled => {
  const e = error as { stderr?: string; message?: string };
  const detail = (e.stderr?.trim() || e.message || String(error)).split('\n').filter(Boolean).slice(-2).join(' / ');
  return { ok: false, how, reason: detail };
};

const run = (command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env) =>
  exec(command, args, { cwd, env, timeout: TIMEOUT_MS, maxBuffer: 16 << 20, encoding: 'utf8' });

const goInstall = async (dir: string, module: string): Promise<string> => {
  const bin = path.join(dir, 'bin');
  await run('go', ['install', `${module}@latest`], dir, { ...process.env, GOBIN: bin });
  return path.join(bin, path.basename(module));
};

/** The module version `go version -m` reads from a binary built by go install. */
const moduleVersion = async (binary: string, dir: string) => /\tmod\t\S+\t(\S+)/.exec((await run('go', ['version', '-m', binary], dir)).stdout)?.[1] ?? 'unknown';

export const installAir = async (dir: string): Promise<Install> => {
  const how = 'go install github.com/air-verse/air@latest';
  try {
    const binary = await goInstall(dir, 'github.com/air-verse/air');
    return { ok: true, binary, version: await moduleVersion(binary, dir), how };
  } catch (error) {
    return failure(how, error);
  }
};

export const installReflex = async (dir: string): Promise<Install> => {
  const how = 'apt-get download reflex && dpkg -x';
  try {
    await run('apt-get', ['download', 'reflex'], dir);
    const deb = readdirSync(dir).find((name) => name.startsWith('reflex_') && name.endsWith('.deb'));
    if (!deb) throw new Error('apt-get download left no reflex_*.deb');
    await run('dpkg', ['-x', deb, 'root'], dir);
    const version = (await run('dpkg-deb', ['-f', deb, 'Version'], dir)).stdout.trim();
    return { ok: true, binary: path.join(dir, 'root', 'usr', 'bin', 'reflex'), version: `${version} (Debian package)`, how };
  } catch (debianError) {
    const fallback = 'go install github.com/cespare/reflex@latest';
    try {
      const binary = await goInstall(dir, 'github.com/cespare/reflex');
      return { ok: true, binary, version: await moduleVersion(binary, dir), how: `${fallback} (the Debian package failed: ${failure(how, debianError).reason})` };
    } catch (error) {
      return failure(`${how}, then ${fallback}`, error);
    }
  }
};

export const installNodemon = async (dir: string): Promise<Install> => {
  const how = 'npm install --prefix <tmp> nodemon';
  try {
    await run('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--no-save', 'nodemon'], dir);
    const root = path.join(dir, 'node_modules', 'nodemon');
    const { version, bin } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> | string };
    return { ok: true, binary: path.join(root, typeof bin === 'string' ? bin : bin['nodemon']!), version, how };
  } catch (error) {
    return failure(how, error);
  }
};
