import { execFile } from 'node:child_process';
import { CLI } from './gowatch-process.js';

export type CliRun = { readonly code: number | null; readonly stdout: string; readonly stderr: string };

/** `gowatch ARGS` in `cwd` to its end, with exactly `env`: its status and output. */
export const runCli = (cwd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> =>
  new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env, timeout: 90_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(new Error(`gowatch did not exit by itself: ${error.message}\n${stderr}`));
      else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
