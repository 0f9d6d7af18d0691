import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { shownPath } from '../text/quote.js';
import { isDirectory } from '../paths.js';
import type { Check } from './check.js';
import { FIX_GO_FIRST } from './probe.js';
import { fail, ok, warn } from './report.js';


const goIn = (root: string) => path.join(root, 'bin', process.platform === 'win32' ? 'go.exe' : 'go');

const realOrUndefined = (file: string): string | undefined => {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
};

/** What is wrong with `root` as a Go installation, or undefined. */
const rootProblem = (root: string): string | undefined => {
  if (!root) return 'is empty';
  if (!isDirectory(root)) return statSync(root, { throwIfNoEntry: false }) ? 'is not a directory' : 'does not exist';
  if (!statSync(goIn(root), { throwIfNoEntry: false })?.isFile()) return 'has no bin/go: it is not a Go installation';
  if (!isDirectory(path.join(root, 'src', 'runtime'))) return 'has no src/runtime: its standard library is missing';
  return undefined;
};

/** GOROOT: a Go installation, and the one the go on PATH belongs to. */
export const gorootCheck: Check = {
  id: 'goroot',
  timeoutMs: 20_000,
  run: async (context) => {
    const probe = await context.probe();
    const fromEnv = context.env['GOROOT'];
    const own = probe.ownRoot?.goroot;
    const resetTo = own ? `unset GOROOT (the go on PATH finds its own root, ${shownPath(own)}) or set it to ${shownPath(own)}` : 'unset GOROOT, or set it to the Go installation the go on PATH belongs to';
    if (!probe.found) return warn('not checked: go was not found on PATH', FIX_GO_FIRST);
    if (!probe.env.ok) {
      if (fromEnv) {
        const problem = rootProblem(fromEnv) ?? 'is not usable';
        return fail(`GOROOT=${shownPath(fromEnv)} (set in the environment) ${problem}; ${probe.env.message}`, resetTo);
      }
      return warn(`not checked: ${probe.env.message}`, FIX_GO_FIRST);
    }
    const goroot = probe.env.values['GOROOT'] ?? '';
    const source = fromEnv ? ' (set in the environment)' : '';
    const problem = rootProblem(goroot);
    if (problem) return fail(`GOROOT=${shownPath(goroot)}${source} ${problem}`, fromEnv ? resetTo : 'reinstall Go (https://go.dev/dl)');
    const rootGo = realOrUndefined(goIn(goroot));
    if (rootGo === probe.found.real) return ok(`${shownPath(goroot)}${source}, the root of ${probe.found.file}`);
    const sameAsOwn = own !== undefined && realOrUndefined(own) === realOrUndefined(goroot);
    if (fromEnv && !sameAsOwn) {
      return fail(
        `GOROOT=${shownPath(goroot)} (set in the environment) is not where the go on PATH comes from (${probe.found.real}): builds would mix two Go installations`,
        resetTo,
      );
    }
    // The root go finds by itself: the go on PATH is a wrapper (asdf, goenv, a shell script) that runs this one.
    return ok(`${shownPath(goroot)}${source}, run through ${probe.found.file} (a wrapper of ${shownPath(goIn(goroot))})`);
  },
};
