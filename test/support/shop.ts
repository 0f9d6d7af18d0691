import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { GowatchEvent } from '../../src/events.js';
import { httpMainGo, tempDir, writeTree } from './fixtures.js';
import { GowatchProcess } from './gowatch-process.js';
import { freePort, waitForReply } from './net.js';

/**
 * The `example.com/shop` module of the Go-aware watching tests:
 * - cmd/api: a net/http server on -addr answering "<a.Reply()>|<a.Banner()>";
 * - internal/a: imported by cmd/api; embeds static/banner.txt; has a test file and a
 *   `//go:build debug` file that appends to the reply when the tag is set;
 * - internal/b: a package nothing imports (until a test makes internal/a import it).
 */
export const SHOP_MODULE = 'example.com/shop';

export const shopGoMod = (extra = ''): string => `module ${SHOP_MODULE}\n\ngo 1.22\n${extra}`;

/** internal/a/a.go: `Reply()` returns `reply` (plus b.Value() when `importB`), plus the debug suffix. */
export const shopAFile = (reply: string, importB = false): string =>
  importB
    ? `package a

import "${SHOP_MODULE}/internal/b"

var debugSuffix string

// Reply is what the server answers.
func Reply() string { return ${JSON.stringify(reply)} + "+" + b.Value() + debugSuffix }
`
    : `package a

var debugSuffix string

// Reply is what the server answers.
func Reply() string { return ${JSON.stringify(reply)} + debugSuffix }
`;

export const shopBFile = (value: string): string => `package b

// Value is not used by the server until internal/a imports this package.
func Value() string { return ${JSON.stringify(value)} }
`;

/** internal/a/extra_debug.go: only built with -tags debug. */
export const shopDebugFile = (suffix: string): string => `//go:build debug

package a

func init() { debugSuffix = ${JSON.stringify(suffix)} }
`;

export const shopTestFile = (want: string): string => `package a

import "testing"

func TestReply(t *testing.T) {
	if got := Reply(); got != ${JSON.stringify(want)} {
		t.Fatalf("Reply() = %q", got)
	}
}
`;

export const shopFiles = (): Record<string, string> => ({
  'go.mod': shopGoMod(),
  'cmd/api/main.go': httpMainGo('fmt.Fprintf(w, "%s|%s", a.Reply(), a.Banner())', [`${SHOP_MODULE}/internal/a`]),
  'internal/a/a.go': shopAFile('a1'),
  'internal/a/banner.go': `package a

import (
	_ "embed"
	"strings"
)

//go:embed static/banner.txt
var banner string

// Banner is the embedded static/banner.txt, served next to the reply.
func Banner() string { return strings.TrimSpace(banner) }
`,
  'internal/a/static/banner.txt': 'banner1\n',
  'internal/a/a_test.go': shopTestFile('a1'),
  'internal/a/extra_debug.go': shopDebugFile('+debug1'),
  'internal/b/b.go': shopBFile('b1'),
});

/** What the server answers for the initial files (without the debug tag). */
export const SHOP_FIRST_REPLY = 'a1|banner1';

export type ShopRun = {
  readonly dir: string;
  readonly port: number;
  readonly gowatch: GowatchProcess;
  /**
   * Replaces `rel` (relative to the module root) with `content` atomically: written beside the
   * tree, then renamed into place. An in-place write (truncate, then write) can be seen half
   * done by a loaded machine, an empty file being a change of its own; a rename cannot.
   */
  readonly write: (rel: string, content: string) => void;
  readonly file: (rel: string) => string;
  /** Stops gowatch with SIGINT and checks the exit status and the event stream. */
  readonly finish: () => Promise<void>;
};

export type ShopRunOptions = {
  /** Where the module goes; a fresh temp dir by default. */
  readonly dir?: string;
  /** gowatch arguments before `--` (the package is ./cmd/api unless given). */
  readonly args?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** GOWATCH_CACHE_DIR; a fresh temp dir (removed afterwards) by default. */
  readonly cacheDir?: string;
  /** The reply expected once the first program runs. */
  readonly firstReply?: string;
};

/**
 * Writes the shop module and runs `gowatch run --json ./cmd/api -- -addr 127.0.0.1:PORT` in it,
 * with its own GOWATCH_CACHE_DIR; resolves once the program serves its first reply.
 */
export const startShop = async (t: TestContext, options: ShopRunOptions = {}): Promise<ShopRun> => {
  const fixture = options.dir ? undefined : tempDir('gowatch-shop-');
  const dir = options.dir ?? fixture!.dir;
  const cache = options.cacheDir ? undefined : tempDir('gowatch-cache-');
  const cacheDir = options.cacheDir ?? cache!.dir;
  const staging = tempDir('gowatch-staging-');
  writeTree(dir, shopFiles());
  const port = await freePort();
  const gowatch = new GowatchProcess([...(options.args ?? ['./cmd/api']), '--', '-addr', `127.0.0.1:${port}`], {
    cwd: dir,
    env: { GOWATCH_CACHE_DIR: cacheDir, ...options.env },
  });
  let finished = false;
  const cleanup = () => {
    fixture?.cleanup();
    cache?.cleanup();
    staging.cleanup();
  };
  // Whatever happens in the test, gowatch (and with it the program) stops and the dirs go.
  t.after(async () => {
    await stopGowatch(gowatch);
    cleanup();
  });
  await gowatch.waitForEvent('start');
  await waitForReply(port, options.firstReply ?? SHOP_FIRST_REPLY);
  return {
    dir,
    port,
    gowatch,
    write: (rel, content) => replaceFile(staging.dir, path.join(dir, rel), content),
    file: (rel) => path.join(dir, rel),
    finish: async () => {
      if (finished) return;
      finished = true;
      const exit = await gowatch.stop('SIGINT');
      assert.deepEqual(gowatch.invalidLines, [], 'stdout carries only valid events');
      assert.equal(exit.code, 130, `gowatch exit status; stderr:\n${gowatch.stderr}`);
    },
  };
};

/** SIGINT (gowatch then stops the program tree), SIGKILL if it has not exited after a while. */
export const stopGowatch = async (gowatch: GowatchProcess): Promise<void> => {
  const timer = setTimeout(() => gowatch.child.kill('SIGKILL'), 30_000);
  await gowatch.stop('SIGINT');
  clearTimeout(timer);
};

/** Writes `content` to `file` through a rename from `stagingDir` (same filesystem: both under the temp dir). */
export const replaceFile = (stagingDir: string, file: string, content: string): void => {
  const temporary = path.join(stagingDir, `${randomUUID()}-${path.basename(file)}`);
  writeFileSync(temporary, content);
  renameSync(temporary, file);
};

let checkpoints = 0;

/** Writes a new file no pattern names into `dir`; resolves with the `skip` that says it (once: it is new). */
const checkpoint = (gowatch: GowatchProcess, dir: string, displayDir: string): Promise<GowatchEvent> => {
  const file = path.join(dir, `checkpoint-${process.pid}-${++checkpoints}.txt`);
  const rel = path.relative(displayDir, file);
  const from = gowatch.mark();
  writeFileSync(file, 'checkpoint\n');
  return gowatch.waitFor((e) => e.event === 'skip' && e.reason === 'not-watched' && e.files.includes(rel), from);
};

/**
 * Everything gowatch did about the changes made before this call, from `mark` on: no timing
 * involved. Batches are handled one at a time, in order, so once a first checkpoint file is
 * skipped, every earlier change was in its batch or before; the `skip` of a second checkpoint
 * is emitted only after that batch was fully handled (a build-start it caused included).
 */
export const eventsUntilCheckpoint = async (gowatch: GowatchProcess, dir: string, displayDir: string, mark: number): Promise<GowatchEvent[]> => {
  await checkpoint(gowatch, dir, displayDir);
  const second = await checkpoint(gowatch, dir, displayDir);
  return gowatch.events.slice(mark, gowatch.events.indexOf(second));
};

/** Names of `events`, e.g. for "no build-start" assertions with a readable failure. */
export const names = (events: readonly GowatchEvent[]): string[] => events.map((e) => e.event);
