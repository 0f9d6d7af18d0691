import { chmodSync, existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GowatchEvent } from '../../src/events.js';
import { httpMainGo, tempDir, writeTree } from './fixtures.js';
import { GowatchProcess } from './gowatch-process.js';
import { freePort, get } from './net.js';
import { replaceFile, stopGowatch } from './shop.js';

/**
 * The `example.com/multi` module of the multi-target tests: three main packages sharing code.
 * - cmd/api imports internal/shared and internal/apionly, answers "api|<shared>|<apionly>|<pid>";
 * - cmd/worker imports internal/shared, answers "worker|<shared>|<pid>";
 * - cmd/scheduler imports internal/shared, answers "scheduler|<shared>|<pid>";
 * - internal/unused: a package nobody imports; README.md: not Go at all.
 */
export const MULTI_MODULE = 'example.com/multi';

export const TARGET_NAMES = ['api', 'worker', 'scheduler'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export const packageFile = (pkg: string, text: string): string => `package ${pkg}

// Text is served by the programs that import this package.
func Text() string { return ${JSON.stringify(text)} }
`;

const shared = `${MULTI_MODULE}/internal/shared`;
const apionly = `${MULTI_MODULE}/internal/apionly`;

export const multiFiles = (): Record<string, string> => ({
  'go.mod': `module ${MULTI_MODULE}\n\ngo 1.22\n`,
  'cmd/api/main.go': httpMainGo('fmt.Fprintf(w, "api|%s|%s|%d", shared.Text(), apionly.Text(), os.Getpid())', ['os', shared, apionly]),
  'cmd/worker/main.go': httpMainGo('fmt.Fprintf(w, "worker|%s|%d", shared.Text(), os.Getpid())', ['os', shared]),
  'cmd/scheduler/main.go': httpMainGo('fmt.Fprintf(w, "scheduler|%s|%d", shared.Text(), os.Getpid())', ['os', shared]),
  'internal/shared/shared.go': packageFile('shared', 'shared1'),
  'internal/apionly/apionly.go': packageFile('apionly', 'apionly1'),
  'internal/unused/unused.go': packageFile('unused', 'unused1'),
  'README.md': '# multi\n',
});

/** What each program answers, without its pid, for the given package texts. */
export const expectedReply = (target: TargetName, texts: { shared: string; apionly?: string }): string =>
  target === 'api' ? `api|${texts.shared}|${texts.apionly ?? 'apionly1'}` : `${target}|${texts.shared}`;

/** The reply of the server on `port` split into its text and the pid that served it; undefined when nothing answers. */
export const served = async (port: number): Promise<{ text: string; pid: number } | undefined> => {
  const body = await get(port);
  const match = body === undefined ? null : /^(.*)\|(\d+)$/.exec(body);
  return match ? { text: match[1]!, pid: Number(match[2]) } : undefined;
};

/** Polls until the server on `port` answers `text`; resolves with the pid that answered. */
export const waitForServed = async (port: number, text: string, timeoutMs = 60_000): Promise<number> => {
  const deadline = Date.now() + timeoutMs;
  let last: { text: string; pid: number } | undefined;
  while (Date.now() < deadline) {
    last = await served(port);
    if (last?.text === text) return last.pid;
    await sleep(100);
  }
  throw new Error(`port ${port} answered ${JSON.stringify(last)}, expected ${JSON.stringify(text)}`);
};

/**
 * A `go build -toolexec` wrapper that sleeps `seconds` before each link (not before the `-V`
 * queries go makes for its cache keys): builds take long enough to be caught running. Each link
 * it delays is noted in `dir` first (see linksStarted): by then go has read every source, so a
 * write made after it cannot slip into the build.
 */
export const slowLinker = (dir: string, seconds: number): string => {
  const file = path.join(dir, 'slow-link.sh');
  const log = path.join(dir, LINKS_STARTED);
  writeFileSync(file, `#!/bin/sh\ncase "$1" in\n*/link) case "$2" in -V*) ;; *) echo link >> '${log}'; sleep ${seconds} ;; esac ;;\nesac\nexec "$@"\n`);
  chmodSync(file, 0o755);
  return file;
};

const LINKS_STARTED = 'links-started';

/** How many links the slowLinker in `dir` has begun. */
export const linksStarted = (dir: string): number => {
  const log = path.join(dir, LINKS_STARTED);
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').length - 1 : 0;
};

/** Resolves once the slowLinker in `dir` has begun `count` links in all. */
export const linksBegun = async (dir: string, count: number): Promise<void> => {
  while (linksStarted(dir) < count) await sleep(20);
};

/** Working directories of the `go build` processes running now (each target builds in its package directory). */
export const goBuildDirs = (): string[] => {
  const dirs: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (path.basename(argv[0] ?? '') === 'go' && argv[1] === 'build') dirs.push(readlinkSync(`/proc/${entry}/cwd`));
    } catch {
      // Gone meanwhile.
    }
  }
  return dirs;
};

/** Samples the running `go build`s every few milliseconds until stopped; `overlapped` says whether `dirs` ever all ran at once. */
export const sampleBuilds = (dirs: readonly string[]) => {
  let both = false;
  let running = true;
  const seen = new Set<string>();
  const done = (async () => {
    while (running) {
      const now = goBuildDirs();
      now.forEach((dir) => seen.add(dir));
      if (dirs.every((dir) => now.includes(dir))) both = true;
      await sleep(10);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return { overlapped: both, seen: [...seen] };
    },
  };
};

export type MultiRun = {
  readonly dir: string;
  readonly gowatch: GowatchProcess;
  readonly ports: Readonly<Record<TargetName, number>>;
  /** Replaces `rel` (relative to the module root) atomically, through a rename. */
  readonly write: (rel: string, content: string) => void;
  readonly finish: () => Promise<void>;
};

export type MultiOptions = {
  /** The targets buddy.watch.json declares (all three by default). */
  readonly declared?: readonly TargetName[];
  /** Positional arguments of `gowatch run` (target names). */
  readonly args?: readonly string[];
  /** Extra top-level settings of buddy.watch.json. */
  readonly config?: Record<string, unknown>;
  readonly env?: NodeJS.ProcessEnv;
};

/** The buddy.watch.json of the multi module: one target per declared name, each on its own port. */
export const multiConfig = (ports: Readonly<Record<TargetName, number>>, declared: readonly TargetName[], config: Record<string, unknown> = {}) => ({
  ...config,
  targets: Object.fromEntries(
    declared.map((name) => [name, { 'go.build.package': `./cmd/${name}`, 'go.run.args': ['-addr', `127.0.0.1:${ports[name]}`] }]),
  ),
});

/** Writes the multi module with its config, runs `gowatch run --json ARGS` in it, and waits until `running` serve. */
export const startMulti = async (t: TestContext, running: readonly TargetName[], options: MultiOptions = {}): Promise<MultiRun> => {
  const fixture = tempDir('gowatch-multi-');
  const cache = tempDir('gowatch-cache-');
  const staging = tempDir('gowatch-staging-');
  const ports = { api: await freePort(), worker: await freePort(), scheduler: await freePort() };
  writeTree(fixture.dir, {
    ...multiFiles(),
    'buddy.watch.json': JSON.stringify(multiConfig(ports, options.declared ?? TARGET_NAMES, options.config), null, 2),
  });
  const gowatch = new GowatchProcess([...(options.args ?? [])], { cwd: fixture.dir, env: { GOWATCH_CACHE_DIR: cache.dir, ...options.env } });
  t.after(async () => {
    await stopGowatch(gowatch);
    fixture.cleanup();
    cache.cleanup();
    staging.cleanup();
  });
  for (const name of running) await gowatch.waitFor((e) => e.event === 'start' && e.target === name);
  for (const name of running) await waitForServed(ports[name], expectedReply(name, { shared: 'shared1' }));
  return {
    dir: fixture.dir,
    gowatch,
    ports,
    write: (rel, content) => replaceFile(staging.dir, path.join(fixture.dir, rel), content),
    finish: async () => {
      const exit = await gowatch.stop('SIGINT');
      if (gowatch.invalidLines.length > 0) throw new Error(`stdout carries lines that are not events: ${gowatch.invalidLines.join('\n')}`);
      if (exit.code !== 130) throw new Error(`gowatch exited with ${exit.code}; stderr:\n${gowatch.stderr}`);
    },
  };
};

let checkpoints = 0;

/**
 * Everything gowatch did about the changes made before this call, from `mark` on, for every
 * target in `targets`. Each target handles batches one at a time, in order: once it has skipped
 * a first checkpoint file (a new file no pattern names: said once) and then a second, every
 * earlier batch was fully handled by it (a build-start it caused included).
 */
export const settled = async (run: { dir: string; gowatch: GowatchProcess }, targets: readonly string[], mark: number): Promise<GowatchEvent[]> => {
  let last = mark;
  for (let round = 0; round < 2; round++) {
    const rel = `checkpoint-${process.pid}-${++checkpoints}.txt`;
    const from = run.gowatch.mark();
    writeFileSync(path.join(run.dir, rel), 'checkpoint\n');
    for (const target of targets) {
      const skip = await run.gowatch.waitFor((e) => e.event === 'skip' && e.target === target && e.reason === 'not-watched' && e.files.includes(rel), from);
      if (round === 1) last = Math.max(last, run.gowatch.events.indexOf(skip));
    }
  }
  return run.gowatch.events.slice(mark, last);
};

/** The events of one target. */
export const of = (events: readonly GowatchEvent[], target: string): GowatchEvent[] =>
  events.filter((e) => 'target' in e && e.target === target);

/** Names of events, for readable failures. */
export const eventNames = (events: readonly GowatchEvent[]): string[] => events.map((e) => ('target' in e && e.target ? `${e.target}:${e.event}` : e.event));
