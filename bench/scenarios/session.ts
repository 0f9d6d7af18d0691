/**
 * The tools of one scenario, each running in its own copy of the fixture on its own port. They
 * are started one after the other (each first build alone on the machine) and stay running for
 * the whole scenario, as in a working session; only one is edited at a time.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../test/support/net.js';
import { servedAt } from '../http-probe.js';
import type { Running, Tool, ToolId } from '../peers/tool.js';
import { building, buildsOf, startsOf, toolEnv, type ToolEnv } from '../peers/tool-process.js';
import type { Project } from './project.js';

export type Entry = {
  readonly tool: Tool;
  readonly project: Project;
  readonly port: number;
  readonly te: ToolEnv;
  /** Where the tool's logs, counters and (for gowatch) cache are. */
  readonly workDir: string;
  /** The tool as it runs now: a warm start replaces it. */
  running: Running;
  /** Spawn → first answer: the first build included. */
  readonly startMs: number;
  /** What the program answers now, and what it answered before its last change (what an undo goes back to). */
  serving: string;
  previous: string | undefined;
};

export type StartFailure = { readonly tool: ToolId; readonly reason: string };

export type Session = { readonly entries: readonly Entry[]; readonly failures: readonly StartFailure[]; readonly stop: () => Promise<void> };

export type SessionPlan = {
  readonly tools: readonly Tool[];
  /** A fresh fixture in `dir`. */
  readonly makeProject: (dir: string) => Project;
  /** Where the copies live: a stable path, so Go's build cache is warm from one run to the next. */
  readonly projectsRoot: string;
  /** Where logs, counters and gowatch's cache go for this run. */
  readonly workRoot: string;
  readonly shimDir: string;
  readonly markerPrefix: string;
  readonly startTimeoutMs: number;
  readonly log: (line: string) => void;
};

export const startSession = async (plan: SessionPlan): Promise<Session> => {
  const entries: Entry[] = [];
  const failures: StartFailure[] = [];
  for (const tool of plan.tools) {
    const dir = path.join(plan.projectsRoot, tool.id);
    rmSync(dir, { recursive: true, force: true });
    const project = plan.makeProject(dir);
    const workDir = path.join(plan.workRoot, tool.id);
    mkdirSync(workDir, { recursive: true });
    const te = toolEnv(process.env, plan.shimDir, `${plan.markerPrefix}-${tool.id}`, workDir);
    const port = await freePort();
    const began = performance.now();
    let running: Running | undefined;
    try {
      running = await tool.launch({ project, port, te, workDir });
      const served = await servedAt(port, project.initialText, plan.startTimeoutMs, project.probePath);
      if (served === undefined) throw new Error(`not serving within ${plan.startTimeoutMs / 1000} s: ${running.tail().trim().split('\n').slice(-3).join(' / ')}`);
      plan.log(`  ${tool.label}: serving after ${Math.round(served - began)} ms`);
      entries.push({ tool, project, port, te, workDir, running, startMs: served - began, serving: project.initialText, previous: undefined });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      plan.log(`  ${tool.label}: did not start: ${reason}`);
      failures.push({ tool: tool.id, reason });
      await running?.stop();
    }
  }
  return {
    entries,
    failures,
    stop: async () => {
      for (const entry of entries) await entry.running.stop();
    },
  };
};

/** `body` on a session of `plan`; every tool it started is stopped after, also when the bench is interrupted. */
export const withSession = async <T>(plan: SessionPlan, body: (session: Session) => Promise<T>): Promise<T> => {
  const session = await startSession(plan);
  const interrupted = (signal: NodeJS.Signals) => void session.stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    return await body(session);
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await session.stop();
  }
};

export type Counts = { readonly builds: number; readonly starts: number };
export const countsOf = (entry: Entry): Counts => ({ builds: buildsOf(entry.te), starts: startsOf(entry.te) });

/**
 * Waits until none of `entries` builds and their counts have not moved for `quietMs`, and at least
 * `minMs` have passed; false if that did not happen within `maxMs`.
 */
export const settle = async (entries: readonly Entry[], { minMs = 0, quietMs, maxMs }: { minMs?: number; quietMs: number; maxMs: number }): Promise<boolean> => {
  const began = performance.now();
  const snapshot = () => JSON.stringify(entries.map(countsOf));
  let last = snapshot();
  let movedAt = began;
  for (;;) {
    await sleep(100);
    const now = performance.now();
    const current = snapshot();
    if (current !== last || entries.some((entry) => building(entry.te))) {
      last = current;
      movedAt = now;
    }
    if (now - began >= minMs && now - movedAt >= quietMs) return true;
    if (now - began >= maxMs) return false;
  }
};
