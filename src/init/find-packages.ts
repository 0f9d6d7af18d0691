import os from 'node:os';
import { oneLine } from '../text/quote.js';
import { GowatchError } from '../errors.js';
import { moduleContext, type GoEnv } from '../go/env.js';
import { listMainPackages, type MainPackage } from '../go/main-packages.js';
import { runGo } from '../go/run-go.js';

/** What go sees from a directory: a go.mod, a go.work, or neither. */
export const moduleOf = (goEnv: GoEnv): { goMod: string | undefined; goWork: string | undefined } => {
  const goMod = goEnv['GOMOD'];
  return { goMod: goMod && goMod !== os.devNull ? goMod : undefined, goWork: moduleContext(goEnv).goWork };
};

/** Why init found nothing, said with what it looked for and what to do. */
const nothingFound = async (cwd: string, goEnv: GoEnv, env: NodeJS.ProcessEnv): Promise<GowatchError> => {
  const { goMod, goWork } = moduleOf(goEnv);
  if (!goMod && !goWork) {
    return new GowatchError(
      'go-list',
      `no Go module in ${cwd}: init looks for the main packages of the module (go.mod) or workspace (go.work) of this directory or a parent, and go found neither; run it inside your module, or create one with go mod init MODULE-PATH`,
      1,
    );
  }
  const modules = await runGo(['list', '-m', '-f', '{{.Path}}'], cwd, env);
  if (modules.exitCode !== 0) {
    return new GowatchError('go-list', `go list cannot load the module of ${cwd}: ${oneLine(modules.stderr, 400)}`, 1);
  }
  const paths = modules.stdout.split('\n').filter(Boolean);
  const where = goWork ? `the workspace ${goWork} (modules ${paths.join(', ') || 'none'})` : `the module ${paths.join(', ')} (${goMod})`;
  return new GowatchError(
    'go-list',
    `no main package in ${where}: init looks for packages named main with go list ${paths.map((p) => `${p}/...`).join(' ')}, and found none; write your program (package main with func main, e.g. in cmd/app/main.go), or run init in the module that holds it`,
    1,
  );
};

/** The main packages of the module or workspace seen from `cwd`; none at all is an error saying why. */
export const findMainPackages = async (cwd: string, goEnv: GoEnv, env: NodeJS.ProcessEnv): Promise<MainPackage[]> => {
  const found = await listMainPackages(cwd, env);
  if (found.length > 0) return found;
  throw await nothingFound(cwd, goEnv, env);
};

/** The go.work in use from `cwd`, if any. */
export const workspaceOf = (goEnv: GoEnv): string | undefined => moduleOf(goEnv).goWork;
