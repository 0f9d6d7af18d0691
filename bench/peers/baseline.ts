/**
 * The reference: no watcher. After each edit the bench itself runs `go build -o`, stops the old
 * program (SIGTERM, then waits for its exit) and starts the new one — the least any tool can do.
 * go and the program run in a session of their own, as a user's shell loop and every peer do:
 * with Linux's autogroup scheduling, sharing the bench's session would slow the build under load.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { ARGS_SHOWN, type Tool } from './tool.js';
import type { ToolEnv } from './tool-process.js';

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

const run = async (command: string, args: readonly string[], cwd: string, te: ToolEnv) => {
  const child = spawn(command, args, { cwd, env: te.env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (chunk: Buffer) => appendFileSync(te.logFile, chunk));
  const code = await exitOf(child);
  if (code !== 0) appendFileSync(te.logFile, `${command} ${args.join(' ')}: exit ${code}\n`);
};

export const baseline = (): Tool => ({
  id: 'baseline',
  label: 'bare go build + restart (no watcher)',
  command: `go build -o app . (by the bench), SIGTERM to the old program and wait for its exit, ./app ${ARGS_SHOWN}`,
  version: execFileSync('go', ['version'], { encoding: 'utf8' }).trim().replace(/^go version /, ''),
  launch: async ({ project, port, te, workDir }) => {
    const binary = path.join(workDir, 'app');
    const start = () => {
      const child = spawn(binary, [...project.args(port)], { cwd: project.dir, env: te.env, detached: true, stdio: ['ignore', 'ignore', 'ignore'] });
      child.on('error', (error) => appendFileSync(te.logFile, `start: ${error.message}\n`));
      return child;
    };
    const stop = async (child: ChildProcess) => {
      child.kill('SIGTERM');
      await exitOf(child);
    };
    await run('go', ['build', '-o', binary, '.'], project.dir, te);
    let program = start();
    return {
      afterEdit: async () => {
        await run('go', ['build', '-o', binary, '.'], project.dir, te);
        await stop(program);
        program = start();
      },
      tail: () => '',
      stop: () => stop(program),
    };
  },
});
