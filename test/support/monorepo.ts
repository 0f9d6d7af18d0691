import { chmodSync, mkdirSync, readFileSync, realpathSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { httpMainGo, writeTree } from './fixtures.js';
import { CLI } from './gowatch-process.js';
import { packageFile } from './targets-project.js';

/** The gowatch package this test suite belongs to (its package.json, dist/ and all). */
export const GOWATCH_PACKAGE = path.resolve(path.dirname(CLI), '../../..');

export const SERVICES = ['api', 'worker'] as const;
export type Service = (typeof SERVICES)[number];

const serviceMain = (name: Service) => httpMainGo(`fmt.Fprintf(w, "${name}|%s|%d", shared.Text(), os.Getpid())`, ['os', 'example.com/shared']);

/**
 * An npm workspaces monorepo with Go services, as a team would lay it out:
 * - package.json: workspaces services/* and packages/*, `"dev": "gowatch run"`;
 * - buddy.watch.json: targets api (./services/api) and worker (./services/worker), each on its port;
 * - go.work: services/api, services/worker and libs/shared (a Go module both services import);
 * - services/{api,worker}: a Go module and a package.json with its own `"dev": "gowatch run"`;
 * - packages/web: a JavaScript package (package.json, index.js), nothing to do with Go.
 * Each service answers "<name>|<shared.Text()>|<pid>".
 */
export const monorepoFiles = (ports: Readonly<Record<Service, number>>): Record<string, string> => ({
  'package.json': JSON.stringify({ private: true, workspaces: ['services/*', 'packages/*'], scripts: { dev: 'gowatch run' } }, null, 2),
  'buddy.watch.json': JSON.stringify(
    {
      targets: Object.fromEntries(
        SERVICES.map((name) => [name, { 'go.build.package': `./services/${name}`, 'go.run.args': ['-addr', `127.0.0.1:${ports[name]}`] }]),
      ),
    },
    null,
    2,
  ),
  'go.work': 'go 1.22\n\nuse (\n\t./services/api\n\t./services/worker\n\t./libs/shared\n)\n',
  'libs/shared/go.mod': 'module example.com/shared\n\ngo 1.22\n',
  'libs/shared/shared.go': packageFile('shared', 'shared1'),
  ...Object.fromEntries(
    SERVICES.flatMap((name) => [
      [`services/${name}/go.mod`, `module example.com/${name}\n\ngo 1.22\n`],
      [`services/${name}/main.go`, serviceMain(name)],
      [`services/${name}/package.json`, JSON.stringify({ name, private: true, scripts: { dev: 'gowatch run' } }, null, 2)],
    ]),
  ),
  'packages/web/package.json': JSON.stringify({ name: 'web', version: '1.0.0', main: 'index.js' }, null, 2),
  'packages/web/index.js': "export const greeting = 'hello';\n",
});

/**
 * Makes `gowatch` resolvable in the monorepo without the network, as `npm install` would:
 * node_modules/gowatch is this package, node_modules/.bin/gowatch its bin, made executable
 * (npm's bin linking does the same chmod). `npm run` puts the root node_modules/.bin on PATH
 * for the root's scripts and for every workspace's.
 */
export const linkGowatch = (root: string): void => {
  mkdirSync(path.join(root, 'node_modules/.bin'), { recursive: true });
  symlinkSync(GOWATCH_PACKAGE, path.join(root, 'node_modules/gowatch'));
  symlinkSync(CLI, path.join(root, 'node_modules/.bin/gowatch'));
  chmodSync(CLI, statSync(CLI).mode | 0o111);
};

export const writeMonorepo = (root: string, ports: Readonly<Record<Service, number>>): void => {
  writeTree(root, monorepoFiles(ports));
  linkGowatch(root);
};

/** The parent pid of `pid`, from /proc. */
export const parentOf = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
};

const realOr = (file: string): string => {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
};

/**
 * Live gowatch processes among `pids`: node running gowatch's CLI, whichever path reached it
 * (node_modules/.bin/gowatch, node_modules/gowatch/…, dist/src/cli/main.js).
 */
export const gowatchProcesses = (pids: readonly number[]): number[] => {
  const cli = realOr(CLI);
  return pids.filter((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const cwd = realOr(`/proc/${pid}/cwd`);
      return argv.slice(1).some((arg) => arg !== '' && realOr(path.resolve(cwd, arg)) === cli);
    } catch {
      return false;
    }
  });
};
