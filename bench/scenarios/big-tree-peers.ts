/**
 * The watchers on the 100,000-file tree of bench/big-tree.ts, each measured the same way: spawn →
 * the program's first start, the watcher's own RSS (after start and peak), its inotify watches
 * (from /proc/PID/fdinfo), its idle CPU, and write → the program restarted for edits of handler.go.
 * Every tool runs alone in one copy of the tree (made once per run: the tools write build outputs
 * into it), which is restored between tools.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuTicks, generateBigTree, handlerGo, inotifyWatches, statusKB } from '../big-tree.js';
import type { Tool, ToolId } from '../peers/tool.js';
import { startsOf, toolEnv } from '../peers/tool-process.js';
import { freePort } from '../../test/support/net.js';
import { addrArgs, startsFile, startsGo, type Project } from './project.js';

const TICKS_PER_SECOND = 100;
const START_TIMEOUT_MS = 240_000;
const EDIT_TIMEOUT_MS = 60_000;

export type BigTreeRun = {
  readonly tool: ToolId;
  /** spawn → the program's first start; undefined: it did not start. */
  readonly startMs: number | undefined;
  readonly rssAfterStartMB: number;
  readonly peakRssMB: number;
  readonly inotifyWatches: number;
  readonly idleCpuPercent: number | undefined;
  /** write → the program started again, one per edit; null: not restarted within the timeout. */
  readonly restartMs: readonly (number | null)[];
  readonly problem?: string;
};

const mb = (kb: number) => Math.round((kb / 1024) * 10) / 10;

/** Waits until the program recorded `count` starts; the time it took, or undefined. */
const startsReach = async (startsFileOf: () => number, count: number, timeoutMs: number): Promise<number | undefined> => {
  const began = performance.now();
  while (performance.now() - began < timeoutMs) {
    if (startsFileOf() >= count) return performance.now() - began;
    await sleep(10);
  }
  return undefined;
};

export type BigTreeOptions = { readonly workRoot: string; readonly shimDir: string; readonly marker: string; readonly idleSeconds: number; readonly edits: number; readonly log: (line: string) => void };

export const bigTreePeers = async (tools: readonly Tool[], options: BigTreeOptions): Promise<{ runs: BigTreeRun[]; files: number; dirs: number }> => {
  const tree = generateBigTree();
  const dir = path.join(options.workRoot, 'big-tree');
  options.log(`big tree: copying ${tree.dir} (${tree.files.toLocaleString('en-US')} files) to ${dir}`);
  execFileSync('cp', ['-a', tree.dir, dir]);
  const editFile = path.join(dir, path.relative(tree.dir, tree.editFile));
  writeFileSync(startsFile(dir), startsGo);
  const project: Project = {
    name: 'big-tree',
    dir,
    args: addrArgs,
    probePath: '/',
    servedFile: editFile,
    initialText: '',
    servedContent: () => handlerGo(0),
    unrelated: { readme: path.join(dir, 'README.md'), test: path.join(dir, 'main_test.go') },
  };
  const runs: BigTreeRun[] = [];
  try {
    for (const tool of tools) {
      const workDir = path.join(options.workRoot, 'big-tree-work', tool.id);
      mkdirSync(workDir, { recursive: true });
      const te = toolEnv(process.env, options.shimDir, `${options.marker}-${tool.id}`, workDir);
      writeFileSync(editFile, handlerGo(0));
      const running = await tool.launch({ project, port: await freePort(), te, workDir });
      const pid = running.pid!;
      try {
        const startMs = await startsReach(() => startsOf(te), 1, START_TIMEOUT_MS);
        if (startMs === undefined) {
          runs.push({ tool: tool.id, startMs, rssAfterStartMB: mb(statusKB(pid, 'VmRSS')), peakRssMB: mb(statusKB(pid, 'VmHWM')), inotifyWatches: inotifyWatches(pid), idleCpuPercent: undefined, restartMs: [], problem: `no start within ${START_TIMEOUT_MS / 1000} s: ${running.tail().trim().split('\n').slice(-2).join(' / ')}` });
          continue;
        }
        await sleep(1000);
        const rssAfterStartMB = mb(statusKB(pid, 'VmRSS'));
        const watches = inotifyWatches(pid);
        // Idle from 4 s after the start, as bench/big-tree.ts measures gowatch.
        await sleep(3000);
        const ticks = cpuTicks(pid);
        const idleFrom = performance.now();
        await sleep(options.idleSeconds * 1000);
        const idleCpuPercent = Math.round(((cpuTicks(pid) - ticks) / TICKS_PER_SECOND / ((performance.now() - idleFrom) / 1000)) * 100 * 100) / 100;
        const restartMs: (number | null)[] = [];
        for (let edit = 1; edit <= options.edits; edit++) {
          const before = startsOf(te);
          writeFileSync(editFile, handlerGo(edit));
          restartMs.push((await startsReach(() => startsOf(te), before + 1, EDIT_TIMEOUT_MS)) ?? null);
          await sleep(1500);
        }
        const run = { tool: tool.id, startMs, rssAfterStartMB, peakRssMB: mb(statusKB(pid, 'VmHWM')), inotifyWatches: watches, idleCpuPercent, restartMs };
        runs.push(run);
        options.log(`  ${tool.label}: ${JSON.stringify({ ...run, tool: undefined, restartMs: restartMs.map((ms) => (ms === null ? null : Math.round(ms))) })}`);
      } finally {
        await running.stop();
        // What the tools left in the tree: their build outputs and configuration.
        for (const left of ['app', '.air.toml', path.join('tmp', 'main'), path.join('tmp', 'build-errors.log')]) rmSync(path.join(dir, left), { force: true });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { runs, files: tree.files, dirs: tree.dirs };
};
