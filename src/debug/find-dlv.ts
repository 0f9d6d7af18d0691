import { execFile } from 'node:child_process';
import path from 'node:path';
import { findExecutable, pathDirs } from '../files/find-executable.js';
import { runGoCommand } from '../go/run-go.js';

/** What to run to have Delve, as its README says. */
export const DLV_INSTALL = 'go install github.com/go-delve/delve/cmd/dlv@latest';

/** How long `go env` or `dlv version` may take when looking for Delve. */
const LOOK_TIMEOUT_MS = 10_000;

/**
 * Where `go install` puts programs, seen from `cwd`: GOBIN, else the bin directory of GOPATH's
 * first entry. Empty when go cannot say.
 */
const goInstallDir = async (cwd: string, env: NodeJS.ProcessEnv): Promise<string | undefined> => {
  const run = await runGoCommand(['env', 'GOBIN', 'GOPATH'], { cwd, env, timeoutMs: LOOK_TIMEOUT_MS });
  if (!run.started || run.exitCode !== 0) return undefined;
  const [gobin = '', gopath = ''] = run.stdout.split('\n').map((line) => line.trim());
  const first = gopath.split(path.delimiter).find(Boolean);
  return gobin || (first ? path.join(first, 'bin') : undefined);
};

export type DlvSearch =
  | { readonly found: true; readonly file: string }
  /** Where `go install` puts programs, also looked in; undefined when go could not say. */
  | { readonly found: false; readonly installDir: string | undefined };

/**
 * The dlv a debug run starts: the first on PATH, else the one `go install` left in GOBIN or
 * GOPATH/bin, which editors' tool installers use and PATH often lacks.
 */
export const findDlv = async (cwd: string, env: NodeJS.ProcessEnv): Promise<DlvSearch> => {
  const onPath = findExecutable('dlv', pathDirs(env), env);
  if (onPath) return { found: true, file: onPath };
  const installDir = await goInstallDir(cwd, env);
  const installed = installDir === undefined ? undefined : findExecutable('dlv', [installDir], env);
  if (installed) return { found: true, file: installed };
  return { found: false, installDir };
};

/** The line saying Delve is missing, with the command that installs it. */
export const dlvMissingMessage = ({ installDir }: { readonly installDir: string | undefined }): string =>
  `--debug runs the program under Delve, and dlv is ${installDir === undefined ? 'not on PATH' : `neither on PATH nor in ${installDir}`}: install it with ${DLV_INSTALL}`;

/** `dlv version`'s version ("1.27.2"), or undefined when it does not answer so. */
export const dlvVersion = (dlv: string, env: NodeJS.ProcessEnv): Promise<string | undefined> =>
  new Promise((resolve) => {
    // What it printed counts whatever its exit: only the version line is read.
    execFile(dlv, ['version'], { env, timeout: LOOK_TIMEOUT_MS, windowsHide: true }, (_error, stdout) => resolve(/^Version:\s*(\S+)/m.exec(stdout)?.[1]));
  });
