import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { resolveRunOptions } from '../src/config/options.js';
import { ContentHashes } from '../src/go/content-hashes.js';
import { debugLinkFlags, leanBuildFlags } from '../src/go/lean-link.js';
import { TargetState } from '../src/go/target-state.js';
import { installDelve } from './support/delve.js';
import { tempDir, writeTree } from './support/fixtures.js';
import { GowatchProcess, stopAllGowatch } from './support/gowatch-process.js';
import { freePort } from './support/net.js';

/**
 * A dev build links without DWARF (go.build.dwarf false), keeping the user's own -ldflags, stack
 * traces, runtime/pprof symbols and build info; go.build.dwarf and --debug build a full binary.
 */
const TIMEOUT = { timeout: 240_000 };

let delve: { readonly dir: string } | { readonly skip: string };
before(async () => {
  delve = await installDelve();
});
after(stopAllGowatch);

test('leanBuildFlags adds -w for the main package when the user has no -ldflags', () => {
  assert.deepEqual(leanBuildFlags(['-tags', 'dev'], ''), ['-tags', 'dev', '-ldflags=-w']);
});

test("leanBuildFlags puts -w into the user's own -ldflags, from GOFLAGS first, then the command line", () => {
  assert.deepEqual(leanBuildFlags(['-ldflags', '-X main.version=v1', '-trimpath'], ''), ['-trimpath', '-ldflags=-w -X main.version=v1']);
  assert.deepEqual(leanBuildFlags([], '-buildvcs=false -ldflags=-X=main.version=v1'), ['-ldflags=-w -X=main.version=v1']);
  // GOFLAGS' field quoted whole, and a quoted value inside the flags, as go splits them.
  assert.deepEqual(leanBuildFlags(["-ldflags=-X 'main.version=v 1'"], `'-ldflags=-X main.commit=abc -X main.date=today'`), [
    '-ldflags=-w -X main.commit=abc -X main.date=today',
    "-ldflags=-w -X 'main.version=v 1'",
  ]);
  assert.deepEqual(leanBuildFlags(['-ldflags='], ''), ['-ldflags=-w']);
});

test("leanBuildFlags keeps a bare -ldflags=-w first when the user's values all name a pattern", () => {
  assert.deepEqual(leanBuildFlags(['-ldflags=all=-X main.version=v1', '-ldflags=example.com/other=-linkmode=internal'], ''), [
    '-ldflags=-w',
    '-ldflags=all=-w -X main.version=v1',
    '-ldflags=example.com/other=-w -linkmode=internal',
  ]);
});

test('leanBuildFlags leaves a value alone that says itself whether there is DWARF, or that go refuses', () => {
  for (const value of ['-s', '-w', '-X main.v=1 -w=false', '--w=0', '-s -X main.v=1']) {
    assert.deepEqual(leanBuildFlags([`-ldflags=${value}`], ''), [`-ldflags=${value}`], value);
  }
  // -s=false says nothing of DWARF: -w is still added.
  assert.deepEqual(leanBuildFlags(['-ldflags=-s=false'], ''), ['-ldflags=-w -s=false']);
  // The value of a flag that takes one is no -s of the linker's own.
  assert.deepEqual(leanBuildFlags(['-ldflags=-extldflags -s'], ''), ['-ldflags=-w -extldflags -s']);
  assert.deepEqual(leanBuildFlags(["-ldflags='-X a=b'"], ''), ['-ldflags=-w', "-ldflags='-X a=b'"]);
});

test("debugLinkFlags undoes the user's -s and -w, and only when there are some", () => {
  assert.deepEqual(debugLinkFlags(['-ldflags=-X main.v=1'], ''), { buildFlags: ['-ldflags=-X main.v=1'], kept: false });
  assert.deepEqual(debugLinkFlags(['-ldflags=-w=false'], ''), { buildFlags: ['-ldflags=-w=false'], kept: false });
  assert.deepEqual(debugLinkFlags(['-tags', 'dev', '-ldflags', '-s -w -X main.v=1'], ''), {
    buildFlags: ['-tags', 'dev', '-ldflags=-s -w -X main.v=1 -s=false -w=false'],
    kept: true,
  });
  assert.deepEqual(debugLinkFlags(['-ldflags=-X main.v=1'], '-ldflags=all=-s'), { buildFlags: ['-ldflags=all=-s -s=false', '-ldflags=-X main.v=1'], kept: true });
});

test("a lean target's flags take GOFLAGS from the go env it read, and are part of its build key", TIMEOUT, async (t) => {
  const project = tempDir('gowatch-lean-');
  t.after(project.cleanup);
  writeTree(project.dir, { 'go.mod': 'module example.com/lean\n\ngo 1.22\n', 'main.go': 'package main\n\nfunc main() {}\n' });
  const spec = { name: '.', from: project.dir, cwd: project.dir, pkg: '.', buildFlags: ['-tags', 'dev'], env: { ...process.env, GOFLAGS: '-ldflags=-X=main.v=1' } };
  const lean = new TargetState({ ...spec, leanLink: true }, new ContentHashes());
  const full = new TargetState(spec, new ContentHashes());
  await Promise.all([lean.load(), full.load()]);
  assert.deepEqual(lean.spec.buildFlags, ['-tags', 'dev', '-ldflags=-w -X=main.v=1']);
  assert.deepEqual(full.spec.buildFlags, ['-tags', 'dev']);
  assert.notEqual(lean.key(), full.key());
});

test('go.build.dwarf is false by default, and a target may set its own', (t) => {
  const project = tempDir('gowatch-lean-');
  t.after(project.cleanup);
  const targets = { api: { 'go.build.package': './cmd/api' }, debuggable: { 'go.build.package': './cmd/api', 'go.build.dwarf': true } };
  writeTree(project.dir, { 'go.mod': 'module example.com/lean\n\ngo 1.22\n', 'buddy.watch.json': JSON.stringify({ targets }) });
  const dwarf = resolveRunOptions({ names: [] }, project.dir).targets.map((target) => [target.name, target.dwarf]);
  assert.deepEqual(dwarf, [['api', false], ['debuggable', true]]);
});

/** A program that reports, into the file $LEAN_REPORT, what its own binary holds and what a stack trace names. */
const MAIN_GO = `package main

import (
	"bytes"
	"debug/elf"
	"encoding/json"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"
)

var version = "unset"

func trace() (stack string) {
	defer func() {
		recover()
		stack = string(debug.Stack())
	}()
	panic("traced")
}

func main() {
	// Its own binary as the kernel maps it, even if its path has gone since.
	file, err := elf.Open("/proc/self/exe")
	if err != nil {
		panic(err)
	}
	dwarf, symtab := false, false
	for _, section := range file.Sections {
		dwarf = dwarf || strings.HasPrefix(section.Name, ".debug_") || strings.HasPrefix(section.Name, ".zdebug_")
		symtab = symtab || section.Name == ".symtab"
	}
	var goroutines bytes.Buffer
	pprof.Lookup("goroutine").WriteTo(&goroutines, 1)
	report, _ := json.Marshal(map[string]any{"pid": os.Getpid(), "dwarf": dwarf, "symtab": symtab, "version": version, "stack": trace(), "goroutines": goroutines.String()})
	os.WriteFile(os.Getenv("LEAN_REPORT")+".tmp", report, 0o644)
	os.Rename(os.Getenv("LEAN_REPORT")+".tmp", os.Getenv("LEAN_REPORT"))
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}
`;

const PANIC_LINE = MAIN_GO.split('\n').findIndex((line) => line.includes('panic("traced")')) + 1;

type Report = { pid: number; dwarf: boolean; symtab: boolean; version: string; stack: string; goroutines: string };

/**
 * Runs gowatch on the program with `config` and `args` until the program has reported; checks
 * what every build keeps (build info, stack traces, pprof symbols) and returns the report.
 */
const report = async (t: TestContext, config: object, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ result: Report; gowatch: GowatchProcess }> => {
  const project = tempDir('gowatch-lean-');
  t.after(project.cleanup);
  writeTree(project.dir, { 'go.mod': 'module example.com/lean\n\ngo 1.22\n', 'main.go': MAIN_GO, 'buddy.watch.json': JSON.stringify(config) });
  const file = path.join(project.dir, 'report.json');
  const gowatch = new GowatchProcess([...args], { cwd: project.dir, env: { LEAN_REPORT: file, ...env } });
  t.after(() => gowatch.stop('SIGINT'));
  await gowatch.waitForEvent('start', 0, 180_000);
  await new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + 60_000;
    const poll = setInterval(() => {
      if (existsSync(file) || Date.now() > deadline || gowatch.child.exitCode !== null) {
        clearInterval(poll);
        if (existsSync(file)) resolve();
        else reject(new Error(`no report from the program; events:\n${gowatch.events.map((event) => JSON.stringify(event)).join('\n')}\nstderr:\n${gowatch.stderr}`));
      }
    }, 50);
  });
  const result = JSON.parse(readFileSync(file, 'utf8')) as Report;
  // Read while the program runs (under --debug, gowatch's pid is Delve's: the program names itself).
  const info = execFileSync('go', ['version', '-m', `/proc/${result.pid}/exe`], { encoding: 'utf8' });
  assert.match(info, /^\tpath\texample\.com\/lean$/m, info);
  assert.match(result.stack, new RegExp(`/main\\.go:${PANIC_LINE}\\b`), result.stack);
  assert.match(result.goroutines, /main\.main\+0x[0-9a-f]+\s+\S*\/main\.go:\d+/, result.goroutines);
  assert.deepEqual(gowatch.invalidLines, []);
  return { result, gowatch };
};

test("a default build has no DWARF, but keeps the user's -X, stack traces, pprof symbols and build info", TIMEOUT, async (t) => {
  const { result } = await report(t, { 'go.build.flags': ["-ldflags=-X 'main.version=v 1'"] });
  assert.equal(result.dwarf, false);
  assert.equal(result.symtab, true);
  assert.equal(result.version, 'v 1');
});

test("a default build keeps GOFLAGS' own -ldflags", TIMEOUT, async (t) => {
  const { result } = await report(t, {}, [], { GOFLAGS: '-buildvcs=false -ldflags=-X=main.version=from-goflags' });
  assert.equal(result.dwarf, false);
  assert.equal(result.version, 'from-goflags');
});

test('go.build.dwarf: true builds a full binary', TIMEOUT, async (t) => {
  const { result } = await report(t, { 'go.build.dwarf': true, 'go.build.flags': ['-ldflags=-X main.version=v2'] });
  assert.equal(result.dwarf, true);
  assert.equal(result.version, 'v2');
});

test("--debug builds a full binary even when the user's -ldflags strip it, and says so once", TIMEOUT, async (t) => {
  if (!('dir' in delve)) {
    if (process.env['CI']) assert.fail(delve.skip);
    t.skip(delve.skip);
    return;
  }
  const port = await freePort();
  const { result, gowatch } = await report(t, { 'go.build.flags': ['-ldflags=-s -w -X main.version=v3'] }, [`--debug=127.0.0.1:${port}`], {
    PATH: `${delve.dir}${path.delimiter}${process.env['PATH']}`,
  });
  assert.equal(result.dwarf, true);
  assert.equal(result.symtab, true);
  assert.equal(result.version, 'v3');
  const warnings = gowatch.events.filter((event) => event.event === 'warning' && /Delve needs/.test(event.message));
  assert.equal(warnings.length, 1, JSON.stringify(gowatch.events));
});
