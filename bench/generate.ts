/**
 * Generates the benchmark workspace: a go.work with two modules (lib, app) that together hold
 * about `packages` packages of `filesPerPackage` small, valid Go files each.
 *
 *   <dir>/go.work                       use ./app ./lib
 *   <dir>/lib/gNN/pNNNN/fK.go           the lower-numbered half of the leaf packages
 *   <dir>/app/gNN/pNNNN/fK.go           the upper half (they import lib packages too)
 *   <dir>/app/agg/aNN/fK.go             aggregators: each imports `fanout` consecutive leaves
 *   <dir>/app/cmd/app/fK.go             the main package: imports every aggregator
 *
 * Leaf package i imports up to three packages numbered below i, so imports form a DAG; through
 * the aggregators the main package pulls in every package. A directory already generated with
 * the same parameters is reused (a stamp file records them).
 *
 *   node dist/bench/generate.js [DIR] [--packages N] [--files-per-package N] [--fanout N]
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type GenerateOptions = {
  readonly dir?: string;
  /** Total packages, aggregators and main included. */
  readonly packages?: number;
  readonly filesPerPackage?: number;
  /** Leaves per aggregator package. */
  readonly fanout?: number;
};

export type Workspace = {
  readonly dir: string;
  readonly appDir: string;
  readonly libDir: string;
  /** The main package, relative to appDir. */
  readonly mainPackage: string;
  readonly packages: number;
  readonly goFiles: number;
  readonly reused: boolean;
  /** A file of a leaf package only its aggregator imports: the "one-file edit" target. */
  readonly leafFile: string;
  /** f0.go of a mid-level package: the file whose imports the bench edits. */
  readonly importFile: string;
  /** Import paths that importFile does not import yet (lib's first packages). */
  readonly extraImports: readonly string[];
  /** A spread of Go files across the workspace, for batch hashing. */
  readonly sampleFiles: readonly string[];
};

/** Bump when the generated code changes, so an old directory is regenerated. */
const GENERATOR_VERSION = 1;
const STAMP = '.gowatch-bench.json';
const GROUP = 50;
const LIB = 'bench.example/lib';
const APP = 'bench.example/app';
const GO_VERSION = '1.22';

export const defaultWorkspaceDir = () => path.join(os.tmpdir(), 'gowatch-bench-ws');

const pad = (n: number, width = 4) => String(n).padStart(width, '0');

type Layout = {
  leaves: number;
  libLeaves: number;
  aggregators: number;
  leafName: (i: number) => string;
  leafRel: (i: number) => string;
  leafImport: (i: number) => string;
  aggName: (a: number) => string;
  aggImport: (a: number) => string;
};

const layout = (packages: number, fanout: number): Layout => {
  // leaves + ceil(leaves / fanout) + 1 (main) = packages
  let leaves = packages - 1;
  while (leaves + Math.ceil(leaves / fanout) + 1 > packages) leaves--;
  const libLeaves = Math.floor(leaves / 2);
  const leafName = (i: number) => `p${pad(i)}`;
  const leafRel = (i: number) => path.join(`g${pad(Math.floor(i / GROUP), 2)}`, leafName(i));
  return {
    leaves,
    libLeaves,
    aggregators: Math.ceil(leaves / fanout),
    leafName,
    leafRel,
    leafImport: (i) => `${i < libLeaves ? LIB : APP}/${leafRel(i).split(path.sep).join('/')}`,
    aggName: (a) => `a${pad(a, 2)}`,
    aggImport: (a) => `${APP}/agg/a${pad(a, 2)}`,
  };
};

/** Up to three distinct lower-numbered packages: deterministic, so the DAG is the same every time. */
export const leafDeps = (i: number): number[] =>
  [...new Set([i - 1, i - 1 - ((i * 7) % 17), i - 1 - ((i * 13) % 61)])].filter((j) => j >= 0).sort((a, b) => a - b);

const importBlock = (paths: readonly string[]) =>
  paths.length === 0 ? '' : `import (\n${paths.map((p) => `\t"${p}"`).join('\n')}\n)\n\n`;

const smallFile = (pkg: string, k: number) => `package ${pkg}

// T${k} is one of the package's small types.
type T${k} struct{ A, B int }

// Sum adds the fields.
func (t T${k}) Sum() int { return t.A + t.B + ${k} }

// F${k} loops, so the file has a body to compile.
func F${k}(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		s += i * ${k}
	}
	return s
}
`;

/** The last file of every package carries a marker the bench rewrites for body-only edits. */
export const MARKER = /return "marker:[^"]*"/;
const markerFile = (pkg: string, k: number) => `${smallFile(pkg, k)}
// marker is rewritten by the benchmark: a body-only edit, which leaves go list's view unchanged.
func marker() string { return "marker:gen" }

var _ = marker
`;

const otherFiles = (pkg: string, filesPerPackage: number): [string, string][] =>
  Array.from({ length: filesPerPackage - 1 }, (_, index) => {
    const k = index + 1;
    return [`f${k}.go`, k === filesPerPackage - 1 ? markerFile(pkg, k) : smallFile(pkg, k)];
  });

const leafPackage = (l: Layout, i: number, filesPerPackage: number): [string, string][] => {
  const name = l.leafName(i);
  const deps = leafDeps(i);
  const refs = deps.map((j) => `${l.leafName(j)}.Value`).join(', ');
  const f0 = `// Package ${name} is generated by gowatch's benchmark (bench/generate.ts).
package ${name}

${importBlock(deps.map(l.leafImport))}// Deps references every import, so each one is used.
var Deps = []func() int{${refs}}

// Value is the package's number.
func Value() int { return ${i} }
`;
  return [['f0.go', f0], ...otherFiles(name, filesPerPackage)];
};

const aggregatorPackage = (l: Layout, a: number, fanout: number, filesPerPackage: number): [string, string][] => {
  const name = l.aggName(a);
  const members = Array.from({ length: fanout }, (_, k) => a * fanout + k).filter((i) => i < l.leaves);
  const f0 = `// Package ${name} pulls leaves ${members[0]}..${members.at(-1)} into the build.
package ${name}

${importBlock(members.map(l.leafImport))}// All references every import.
var All = []func() int{
${members.map((i) => `\t${l.leafName(i)}.Value,`).join('\n')}
}

// Value counts the aggregated packages.
func Value() int { return len(All) }
`;
  return [['f0.go', f0], ...otherFiles(name, filesPerPackage)];
};

const mainPackage = (l: Layout, filesPerPackage: number): [string, string][] => {
  const aggs = Array.from({ length: l.aggregators }, (_, a) => a);
  const f0 = `// Command app is the benchmark's main package: it imports every aggregator, hence every package.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

${aggs.map((a) => `\t"${l.aggImport(a)}"`).join('\n')}
)

var all = []func() int{
${aggs.map((a) => `\t${l.aggName(a)}.Value,`).join('\n')}
}

func main() {
	n := 0
	for _, f := range all {
		n += f()
	}
	fmt.Println("app: ready,", n, "packages aggregated,", marker())
	// Run like a server until gowatch stops it.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	<-stop
}
`;
  return [['main.go', f0], ...otherFiles('main', filesPerPackage)];
};

const writePackage = (dir: string, files: readonly [string, string][]) => {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of files) writeFileSync(path.join(dir, name), text);
  return files.length;
};

const describe = (dir: string, l: Layout, params: Required<Omit<GenerateOptions, 'dir'>>, goFiles: number, reused: boolean): Workspace => {
  const appDir = path.join(dir, 'app');
  const libDir = path.join(dir, 'lib');
  const leafDir = (i: number) => path.join(i < l.libLeaves ? libDir : appDir, l.leafRel(i));
  const last = params.filesPerPackage - 1;
  const mid = l.libLeaves + Math.floor((l.leaves - l.libLeaves) / 2);
  const step = Math.max(1, Math.floor(l.leaves / 100));
  return {
    dir,
    appDir,
    libDir,
    mainPackage: './cmd/app',
    packages: params.packages,
    goFiles,
    reused,
    // The last leaf: only its aggregator imports it, so a build recompiles little besides the link.
    leafFile: path.join(leafDir(l.leaves - 1), `f${last}.go`),
    importFile: path.join(leafDir(mid), 'f0.go'),
    extraImports: Array.from({ length: 8 }, (_, i) => l.leafImport(i)),
    sampleFiles: Array.from({ length: 100 }, (_, k) => path.join(leafDir((k * step) % l.leaves), `f${k % params.filesPerPackage}.go`)),
  };
};

/** Generates the workspace, or reuses it when the stamp matches. */
export const generateWorkspace = (options: GenerateOptions = {}): Workspace => {
  const dir = path.resolve(options.dir ?? defaultWorkspaceDir());
  const params = { packages: options.packages ?? 2000, filesPerPackage: options.filesPerPackage ?? 10, fanout: options.fanout ?? 100 };
  if (params.filesPerPackage < 2) throw new Error('--files-per-package: at least 2');
  const l = layout(params.packages, params.fanout);
  const stampFile = path.join(dir, STAMP);
  const stamp = { version: GENERATOR_VERSION, ...params };
  const expectedFiles = params.packages * params.filesPerPackage;
  if (existsSync(stampFile)) {
    const old = JSON.parse(readFileSync(stampFile, 'utf8')) as typeof stamp;
    if (JSON.stringify(old) === JSON.stringify(stamp)) return describe(dir, l, params, expectedFiles, true);
  }
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    // Only ever delete what this generator made.
    if (!existsSync(stampFile)) throw new Error(`${dir} exists, is not empty and was not generated by the benchmark: choose another directory`);
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'go.work'), `go ${GO_VERSION}\n\nuse (\n\t./app\n\t./lib\n)\n`);
  mkdirSync(path.join(dir, 'lib'), { recursive: true });
  mkdirSync(path.join(dir, 'app'), { recursive: true });
  writeFileSync(path.join(dir, 'lib', 'go.mod'), `module ${LIB}\n\ngo ${GO_VERSION}\n`);
  writeFileSync(path.join(dir, 'app', 'go.mod'), `module ${APP}\n\ngo ${GO_VERSION}\n`);
  let goFiles = 0;
  for (let i = 0; i < l.leaves; i++) {
    const base = i < l.libLeaves ? path.join(dir, 'lib') : path.join(dir, 'app');
    goFiles += writePackage(path.join(base, l.leafRel(i)), leafPackage(l, i, params.filesPerPackage));
  }
  for (let a = 0; a < l.aggregators; a++) {
    goFiles += writePackage(path.join(dir, 'app', 'agg', l.aggName(a)), aggregatorPackage(l, a, params.fanout, params.filesPerPackage));
  }
  goFiles += writePackage(path.join(dir, 'app', 'cmd', 'app'), mainPackage(l, params.filesPerPackage));
  writeFileSync(stampFile, `${JSON.stringify(stamp)}\n`);
  return describe(dir, l, params, goFiles, false);
};

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const index = args.indexOf(flag);
    if (index === -1) return undefined;
    const [raw] = args.splice(index, 2).slice(1);
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag}: expected a positive whole number, got ${raw}`);
    return n;
  };
  const packages = value('--packages');
  const filesPerPackage = value('--files-per-package');
  const fanout = value('--fanout');
  const started = Date.now();
  const ws = generateWorkspace({
    dir: args[0],
    ...(packages ? { packages } : {}),
    ...(filesPerPackage ? { filesPerPackage } : {}),
    ...(fanout ? { fanout } : {}),
  });
  console.log(`${ws.reused ? 'reused' : 'generated'} ${ws.dir}: ${ws.packages} packages, ${ws.goFiles} Go files (${Date.now() - started} ms)`);
  console.log(`main package: ${path.join(ws.appDir, 'cmd', 'app')}`);
}
