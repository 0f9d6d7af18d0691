/** reflex (github.com/cespare/reflex) as its README runs a Go server: a regex, `-s`, and a shell command. */
import { ARGS_SHOWN, buildAndExec, shellWords, type Tool } from './tool.js';
import { spawnTool } from './tool-process.js';

export const reflex = (binary: string, version: string): Tool => ({
  id: 'reflex',
  label: 'reflex',
  command: `reflex -r '\\.go$' -s -- sh -c '${buildAndExec(ARGS_SHOWN)}'`,
  version,
  launch: async ({ project, port, te }) => {
    const proc = spawnTool(binary, ['-r', '\\.go$', '-s', '--', 'sh', '-c', buildAndExec(shellWords(project.args(port)))], project.dir, te);
    return { pid: proc.child.pid, tail: proc.tail, stop: () => proc.stop('SIGINT') };
  },
});
