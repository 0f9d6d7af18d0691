/**
 * Counts `go build` runs whatever tool starts them: a `go` first on PATH that records each build
 * in the file $BENCH_BUILDS_FILE names, and the arguments of every go command in the file
 * $GO_SHIM_ARGV_FILE names, then execs the real go (same pid, so signals a tool sends to its
 * build reach go itself).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const BUILDS_ENV = 'BENCH_BUILDS_FILE';
export const ARGV_ENV = 'GO_SHIM_ARGV_FILE';

/** Writes the shim into `dir`/go-shim and returns that directory, to put first on PATH. */
export const writeGoShim = (dir: string): string => {
  const realGo = path.join(execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim(), 'bin', 'go');
  const shimDir = path.join(dir, 'go-shim');
  mkdirSync(shimDir, { recursive: true });
  const shim = path.join(shimDir, 'go');
  writeFileSync(
    shim,
    `#!/bin/sh\nif [ "$1" = build ] && [ -n "$${BUILDS_ENV}" ]; then echo "$$" >> "$${BUILDS_ENV}"; fi\n` +
      `if [ -n "$${ARGV_ENV}" ]; then echo "$*" >> "$${ARGV_ENV}"; fi\nexec ${JSON.stringify(realGo)} "$@"\n`,
  );
  chmodSync(shim, 0o755);
  return shimDir;
};
