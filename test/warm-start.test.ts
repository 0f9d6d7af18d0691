import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import type { EventOf } from '../src/events.js';
import { tempDir, writeTree } from './support/fixtures.js';
import { GowatchProcess, stopAllGowatch } from './support/gowatch-process.js';
import { seededRandom, testSeed } from './support/random.js';
import { which } from './support/which.js';

/**
 * A start with nothing changed since the last run takes that run's closure and contents again
 * (no go env, no go list), and one after any change — an edit, a rename, a deletion, a file
 * added, a branch switch, `go env -w`, another environment — serves the program the sources
 * make. The program prints a sum with one term per file (Go files by build constraint, embedded
 * files by content), so the program served says which sources it was built from.
 */

after(stopAllGowatch);

const SUM = /^SUM=(\d+)$/m;

const MAIN_GO = `package main

import (
	"fmt"
	"time"

	"example.com/warm/p"
)

var total int

func main() {
	fmt.Printf("SUM=%d\\n", total+p.Total())
	time.Sleep(time.Hour)
}
`;

const P_GO = `package p

import (
	"embed"
	"io/fs"
	"strconv"
	"strings"
)

//go:embed data
var data embed.FS

var total int

func Total() int {
	sum := total
	_ = fs.WalkDir(data, "data", func(name string, entry fs.DirEntry, err error) error {
		if err == nil && !entry.IsDir() {
			content, _ := data.ReadFile(name)
			n, _ := strconv.Atoi(strings.TrimSpace(string(content)))
			sum += n
		}
		return err
	})
	return sum
}
`;

/** A file adding `k` to its package's total, only in builds with `tag` when one is given. */
const term = (pkg: string, k: number, tag?: string) => `${tag ? `//go:build ${tag}\n\n` : ''}package ${pkg}\n\nfunc init() { total += ${k} }\n`;

const initialTree = (): Record<string, string> => ({
  'go.mod': 'module example.com/warm\n\ngo 1.22\n',
  'main.go': MAIN_GO,
  'm1.go': term('main', 1),
  'p/p.go': P_GO,
  'p/f1.go': term('p', 20),
  'p/f2.go': term('p', 300),
  'p/tagx.go': term('p', 4000, 'x'),
  'p/tagy.go': term('p', 50000, 'y'),
  'p/tagcgo.go': term('p', 600000, 'cgo'),
  'p/data/a.txt': '7000000\n',
  'p/data/sub/b.txt': '80000000\n',
});

type Env = { readonly goflags: string | undefined; readonly cgo: '0' | '1' };

/** The tags a build has: GOFLAGS from the environment wins over the go env file's. */
const tagsOf = (env: Env, fileGoflags: string | undefined): Set<string> => {
  const flags = env.goflags ?? fileGoflags ?? '';
  const tags = new Set(/-tags=(\S+)/.exec(flags)?.[1]?.split(',') ?? []);
  if (env.cgo === '1') tags.add('cgo');
  return tags;
};

/** What the program built from the tree at `dir` prints. */
const expectedSum = (dir: string, tags: ReadonlySet<string>): number => {
  let sum = 0;
  for (const pkgDir of [dir, path.join(dir, 'p')]) {
    for (const name of readdirSync(pkgDir).filter((n) => n.endsWith('.go'))) {
      const text = readFileSync(path.join(pkgDir, name), 'utf8');
      const tag = /^\/\/go:build (\w+)/.exec(text)?.[1];
      const k = /total \+= (\d+)/.exec(text)?.[1];
      if (k && (!tag || tags.has(tag))) sum += Number(k);
    }
  }
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(d, entry.name));
      else sum += Number(readFileSync(path.join(d, entry.name), 'utf8').trim());
    }
  };
  walk(path.join(dir, 'p', 'data'));
  return sum;
};

type Run = { readonly sum: number; readonly closure: EventOf<'closure'> };

/** One gowatch run until its program printed its sum; then it is stopped. */
const runOnce = async (dir: string, env: NodeJS.ProcessEnv): Promise<Run> => {
  const gowatch = new GowatchProcess([], { cwd: dir, env });
  try {
    const closure = await gowatch.waitForEvent('closure');
    await gowatch.waitForEvent('start');
    const deadline = Date.now() + 90_000;
    while (!SUM.test(gowatch.stderr)) {
      if (Date.now() > deadline || gowatch.child.exitCode !== null) throw new Error(`no SUM line; events:\n${gowatch.events.map((e) => JSON.stringify(e)).join('\n')}\nstderr:\n${gowatch.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { sum: Number(SUM.exec(gowatch.stderr)![1]), closure };
  } finally {
    await gowatch.stop('SIGINT');
  }
};

/** A `go` first on PATH that writes each command's arguments to `log`, then runs the real one. */
const goShim = (dir: string, log: string): string => {
  const real = which('go');
  assert.ok(real, 'go on PATH');
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'go'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`);
  chmodSync(path.join(bin, 'go'), 0o755);
  return `${bin}${path.delimiter}${process.env['PATH'] ?? ''}`;
};

test('a second run with nothing changed serves without go env -json or go list; an edit that keeps the imports is read, a new import is listed', { timeout: 300_000 }, async (t) => {
  const project = tempDir('gowatch-warm-');
  t.after(project.cleanup);
  const dir = path.join(project.dir, 'app');
  writeTree(dir, initialTree());
  const log = path.join(project.dir, 'go-commands.log');
  const commandsRun = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
  const env = { PATH: goShim(project.dir, log), GOFLAGS: undefined, CGO_ENABLED: '0', GOENV: path.join(project.dir, 'goenv') };
  const expected = expectedSum(dir, tagsOf({ goflags: undefined, cgo: '0' }, undefined));

  const first = await runOnce(dir, env);
  assert.equal(first.sum, expected);
  assert.equal(first.closure.warm, undefined, 'the first run lists');
  assert.match(commandsRun(), /^list /m);

  rmSync(log, { force: true });
  const second = await runOnce(dir, env);
  assert.equal(second.sum, expected);
  assert.equal(second.closure.warm, true);
  assert.equal(second.closure.files, first.closure.files);
  assert.doesNotMatch(commandsRun(), /^(list|env -json|build)\b/m, `go ran: ${commandsRun()}`);

  // Same bytes with a new ctime, and a new constant: only those files are read again, and go list
  // is not needed (their imports, build constraints and embeds are as they were).
  const now = new Date();
  utimesSync(path.join(dir, 'p', 'f1.go'), now, now);
  writeFileSync(path.join(dir, 'p', 'f2.go'), term('p', 301));
  rmSync(log, { force: true });
  const third = await runOnce(dir, env);
  assert.equal(third.sum, expected + 1);
  assert.equal(third.closure.warm, true, 'edits that keep the closure are read, not listed');
  assert.doesNotMatch(commandsRun(), /^(list|env -json)\b/m);

  // A new import can change the closure: go lists it.
  writeFileSync(path.join(dir, 'p', 'f2.go'), 'package p\n\nimport "strings"\n\nfunc init() { total += len(strings.Repeat("x", 302)) }\n');
  rmSync(log, { force: true });
  const fourth = await runOnce(dir, env);
  assert.equal(fourth.sum, expected + 2);
  assert.equal(fourth.closure.warm, undefined, 'a file of another shape is listed again');
  assert.match(commandsRun(), /^list /m);

  // A closure listed again while gowatch runs is recorded too: the next start takes it warm.
  const running = new GowatchProcess([], { cwd: dir, env });
  try {
    await running.waitForEvent('start');
    const mark = running.mark();
    writeFileSync(path.join(dir, 'p', 'f1.go'), 'package p\n\nimport "strconv"\n\nfunc init() { n, _ := strconv.Atoi("40"); total += n }\n');
    await running.waitFor((event) => event.event === 'closure', mark);
    await running.waitFor((event) => event.event === 'start', mark);
  } finally {
    await running.stop('SIGINT');
  }
  rmSync(log, { force: true });
  const fifth = await runOnce(dir, env);
  assert.equal(fifth.sum, expected + 2 + 20);
  assert.equal(fifth.closure.warm, true, 'the closure listed during the last run is taken again');
  assert.doesNotMatch(commandsRun(), /^(list|env -json)\b/m);
});

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'pipe' });

test('randomized: between runs, edits, renames, deletions, new files, branch switches and go env changes; every run serves the sources', { timeout: 600_000 }, async (t) => {
  const seed = testSeed();
  const random = seededRandom(seed);
  const project = tempDir('gowatch-warm-random-');
  t.after(project.cleanup);
  const dir = path.join(project.dir, 'app');
  writeTree(dir, initialTree());
  const goenv = path.join(project.dir, 'goenv');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'main');
  git(dir, 'checkout', '-q', '-b', 'alt');
  writeFileSync(path.join(dir, 'p', 'f1.go'), term('p', 21));
  rmSync(path.join(dir, 'p', 'f2.go'));
  writeFileSync(path.join(dir, 'p', 'alt.go'), term('p', 900000000));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'alt');
  git(dir, 'checkout', '-q', 'main');

  let env: Env = { goflags: undefined, cgo: '0' };
  let fileGoflags: string | undefined;
  let branch = 'main';
  let fresh = 0;
  const goFiles = () => [
    ...readdirSync(dir).filter((n) => n.endsWith('.go') && n !== 'main.go'),
    ...readdirSync(path.join(dir, 'p')).filter((n) => n.endsWith('.go') && n !== 'p.go').map((n) => path.join('p', n)),
  ];
  const dataFiles = () => {
    const found: string[] = [];
    const walk = (d: string) => readdirSync(path.join(dir, d), { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : found.push(path.join(d, e.name))));
    walk(path.join('p', 'data'));
    return found;
  };
  const goEnvWrite = (...args: string[]) => execFileSync('go', ['env', ...args], { cwd: dir, env: { ...process.env, GOENV: goenv, GOFLAGS: undefined }, stdio: 'pipe' });
  const actions: Record<string, () => string> = {
    edit: () => {
      const untagged = goFiles().filter((file) => !readFileSync(path.join(dir, file), 'utf8').startsWith('//go:build'));
      const file = random.pick(untagged.length > 0 && random.next() < 0.8 ? untagged : goFiles());
      const text = readFileSync(path.join(dir, file), 'utf8');
      // Same digit count (often the same size): only the times and the content tell.
      const k = /total \+= (\d+)/.exec(text)![1]!;
      const next = String(random.int(10 ** (k.length - 1), 10 ** k.length - 1));
      writeFileSync(path.join(dir, file), text.replace(`total += ${k}`, `total += ${next}`));
      return `edit ${file} ${k} -> ${next}`;
    },
    retag: () => {
      // In place: the directory stays as it was; the file's build constraint decides whether it is in the build.
      const file = random.pick(goFiles());
      const text = readFileSync(path.join(dir, file), 'utf8').replace(/^\/\/go:build \w+\n\n/, '');
      const tag = random.pick([undefined, 'x', 'y', 'cgo']);
      writeFileSync(path.join(dir, file), `${tag ? `//go:build ${tag}\n\n` : ''}${text}`);
      return `retag ${file} ${tag ?? '(none)'}`;
    },
    rename: () => {
      const file = random.pick(goFiles());
      const to = path.join(path.dirname(file), `r${fresh++}.go`);
      renameSync(path.join(dir, file), path.join(dir, to));
      return `rename ${file} -> ${to}`;
    },
    delete: () => {
      // go:embed needs a file to match: the last embedded one stays.
      const data = dataFiles();
      const candidates = [...goFiles(), ...(data.length > 1 ? data : [])];
      const file = random.pick(candidates);
      rmSync(path.join(dir, file));
      return `delete ${file}`;
    },
    'add go file': () => {
      const pkg = random.pick(['main', 'p']);
      const file = path.join(pkg === 'main' ? '' : 'p', `n${fresh++}.go`);
      const k = random.int(1, 9) * 10 ** random.int(0, 8);
      writeFileSync(path.join(dir, file), term(pkg, k, random.next() < 0.25 ? random.pick(['x', 'y', 'cgo']) : undefined));
      return `add ${file}`;
    },
    'add embedded file': () => {
      const file = path.join('p', 'data', random.pick(['', 'sub', path.join('sub', 'deep')]), `e${fresh++}.txt`);
      mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
      writeFileSync(path.join(dir, file), `${random.int(1, 9) * 10 ** random.int(0, 8)}\n`);
      return `add ${file}`;
    },
    'switch branch': () => {
      git(dir, 'add', '-A');
      git(dir, 'commit', '-qm', 'round', '--allow-empty');
      branch = branch === 'main' ? 'alt' : 'main';
      git(dir, 'checkout', '-q', branch);
      return `checkout ${branch}`;
    },
    'go env -w': () => {
      fileGoflags = fileGoflags ? undefined : `-tags=${random.pick(['x', 'y'])}`;
      if (fileGoflags) goEnvWrite('-w', `GOFLAGS=${fileGoflags}`);
      else goEnvWrite('-u', 'GOFLAGS');
      return `go env file GOFLAGS=${fileGoflags ?? '(unset)'}`;
    },
    'environment': () => {
      env = random.next() < 0.5 ? { ...env, cgo: env.cgo === '1' ? '0' : '1' } : { ...env, goflags: env.goflags ? undefined : `-tags=${random.pick(['x', 'y'])}` };
      return `environment GOFLAGS=${env.goflags ?? '(unset)'} CGO_ENABLED=${env.cgo}`;
    },
    nothing: () => 'nothing',
  };
  // Edits in place leave every directory as it was: only the files themselves tell, so they come often.
  const names = [...Object.keys(actions), 'edit', 'retag', 'retag'];
  const history: string[] = [];
  try {
    for (let round = 0; round < 30; round++) {
      const done = round === 0 ? ['first run'] : Array.from({ length: random.int(1, 2) }, () => actions[random.pick(names)]!());
      history.push(`${round}: ${done.join('; ')}`);
      const expected = expectedSum(dir, tagsOf(env, fileGoflags));
      const run = await runOnce(dir, { GOENV: goenv, GOFLAGS: env.goflags, CGO_ENABLED: env.cgo });
      history[round] += run.closure.warm ? ' (warm)' : ' (listed)';
      assert.equal(run.sum, expected, `round ${round}: the program served matches the sources`);
      if (round > 0 && done.every((action) => action === 'nothing')) assert.equal(run.closure.warm, true, `round ${round}: nothing changed: a warm start`);
    }
  } finally {
    t.diagnostic(`seed ${seed} (GOWATCH_TEST_SEED=${seed} replays it)\n${history.join('\n')}`);
  }
});
