/** nodemon as its docs run a non-Node program: `-e` for the extensions, `--exec` for the command. */
import { ARGS_SHOWN, buildAndExec, shellWords, type Tool } from './tool.js';
import { spawnTool } from './tool-process.js';

export const nodemon = (entry: string, version: string): Tool => ({
  id: 'nodemon',
  label: 'nodemon',
  command: `nodemon -e go --signal SIGTERM --exec '${buildAndExec(ARGS_SHOWN)}'`,
  version,
  launch: async ({ project, port, te }) => {
    const proc = spawnTool(process.execPath, [entry, '-e', 'go', '--signal', 'SIGTERM', '--exec', buildAndExec(shellWords(project.args(port)))], project.dir, te);
    return { pid: proc.child.pid, tail: proc.tail, stop: () => proc.stop('SIGINT') };
  },
});
