import { GowatchError } from '../errors.js';
import { runGo } from './run-go.js';

/** go env values that change what go build produces; they all go into the build key. */
export const KEY_ENV_VARS = [
  'GOOS', 'GOARCH', 'GOAMD64', 'GOARM', 'GOARM64', 'GO386', 'GOMIPS', 'GOMIPS64', 'GOPPC64', 'GORISCV64', 'GOWASM',
  'CGO_ENABLED', 'CC', 'CXX', 'CGO_CFLAGS', 'CGO_CPPFLAGS', 'CGO_CXXFLAGS', 'CGO_FFLAGS', 'CGO_LDFLAGS',
  'GOFLAGS', 'GOEXPERIMENT', 'GOFIPS140', 'GOVERSION', 'GOROOT', 'GOTOOLCHAIN', 'GOWORK', 'GOMOD',
] as const;

export type GoEnv = Readonly<Record<string, string>>;

/**
 * `go env -json` from the build's directory: it sees `go env -w` settings and the toolchain
 * that go.mod/go.work select, which a plain read of process.env would miss.
 */
export const readGoEnv = async (dir: string, env?: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<GoEnv> => {
  const result = await runGo(['env', '-json'], dir, env, signal);
  if (result.exitCode !== 0) {
    throw new GowatchError('go-list', `go env failed in ${dir}:\n${result.stderr.trim()}`);
  }
  return JSON.parse(result.stdout) as GoEnv;
};

/** The module context of a directory: detect a workspace by GOWORK, never by GOPATH. */
export type ModuleContext = {
  /** Absolute go.work in use, or undefined outside workspace mode. */
  readonly goWork: string | undefined;
};

export const moduleContext = (env: GoEnv): ModuleContext => {
  const goWork = env['GOWORK'];
  return { goWork: goWork && goWork !== 'off' ? goWork : undefined };
};
