/**
 * `npm run bench:profile`: what `go.run.profile: "inject"` costs a change. gowatch with the key
 * "off" and "inject", interleaved, on examples/hello and the generated service of the side-by-side
 * bench: edit → serve after the first build, and the binary's size. Goal: the overlay costs at
 * most 3 % (ratio of medians). Writes the "profile-overlay" section of BENCHMARKS.md and
 * bench/results/profile-overlay.json; `--quick` (fewer rounds) prints the section and writes nothing.
 *
 *   node dist/bench/profile-overlay.js [--quick] [--rounds N] [--service-rounds N] [--seed N] [--keep] [--no-write]
 *   node dist/bench/profile-overlay.js --render     (the section again from bench/results/profile-overlay.json)
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { seededRandom } from '../test/support/random.js';
import { benchArgv, CLI, numberOption, REPO } from './bench-args.js';
import { PROBE_INTERVAL_MS } from './http-probe.js';
import { loadAverage, machine, progressLog, safeRead } from './machine.js';
import { writeGoShim } from './peers/go-shim.js';
import { gowatchEnv, gowatchProfile } from './peers/gowatch.js';
import { programBinaryBytes } from './peers/tool-process.js';
import type { Tool } from './peers/tool.js';
import { GOAL_RATIO, goal, INJECT, markdown, variantRows, type ProfileCheck, type ProfileOverlayResult, type ProjectResult } from './profile-overlay-report.js';
import { editRounds, QUIET_MS } from './scenarios/changes.js';
import { helloProject } from './scenarios/hello-project.js';
import type { Project } from './scenarios/project.js';
import { serviceProject, serviceTemplate, SERVICE_TEMPLATE_DIR } from './scenarios/service-project.js';
import { withSession, type Entry } from './scenarios/session.js';
import { replaceSection } from './sections.js';
import { toolInfo } from './side-by-side-report.js';

const quick = benchArgv.includes('--quick');
const write = !quick && !benchArgv.includes('--no-write');
const HELLO_ROUNDS = numberOption('--rounds', quick ? 3 : 15);
const SERVICE_ROUNDS = numberOption('--service-rounds', quick ? 2 : 7);
const SEED = numberOption('--seed', Date.now() % 2 ** 31);

const JSON_FILE = path.join(REPO, 'bench', 'results', 'profile-overlay.json');
/** Where the copies live: stable paths, so Go's build cache is warm after the first run. */
const PROJECTS_ROOT = path.join(os.tmpdir(), 'gowatch-bench-profile');
/** The first `go tool pprof` on a build cache builds pprof itself. */
const PROFILE_CHECK_TIMEOUT_MS = 180_000;

const log = progressLog();
const run = promisify(execFile);

/** `gowatch profile --heap` as a person would run it beside the inject variant's `gowatch run`. */
const checkProfile = async (entry: Entry): Promise<ProfileCheck> => {
  try {
    const { stdout } = await run(process.execPath, [CLI, 'profile', '--heap'], { cwd: entry.project.dir, env: gowatchEnv(entry.te, entry.workDir), timeout: PROFILE_CHECK_TIMEOUT_MS });
    const file = stdout.trim().split('\n')[0] ?? '';
    return { ok: true, detail: `a heap profile of ${statSync(file).size.toLocaleString('en-US')} bytes` };
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    return { ok: false, detail: (stderr?.trim() || message).split('\n').at(-1)! };
  }
};

type Plan = { readonly name: 'hello' | 'service'; readonly rounds: number; readonly timeoutMs: number; readonly startTimeoutMs: number; readonly makeProject: (dir: string) => Project };

type Context = { readonly tools: readonly Tool[]; readonly workRoot: string; readonly shimDir: string; readonly runId: string; readonly random: { next: () => number } };

const measureProject = async (plan: Plan, context: Context): Promise<ProjectResult> => {
  log(`\n${plan.name}: starting both variants, one after the other (the first build, not counted)`);
  const sessionPlan = {
    tools: context.tools,
    makeProject: plan.makeProject,
    projectsRoot: path.join(PROJECTS_ROOT, plan.name),
    workRoot: path.join(context.workRoot, plan.name),
    shimDir: context.shimDir,
    markerPrefix: `${context.runId}-${plan.name}`,
    startTimeoutMs: plan.startTimeoutMs,
    log,
  };
  return withSession(sessionPlan, async (session) => {
    log(`${plan.name}: edit → serve, ${plan.rounds} rounds`);
    const samples = await editRounds(session, { rounds: plan.rounds, random: context.random, nonce: context.runId, timeoutMs: plan.timeoutMs, log });
    const variants = session.entries.map((entry) => {
      const binaryBytes = programBinaryBytes(entry.te);
      return { tool: entry.tool.id, firstServeMs: entry.startMs, ...(binaryBytes === undefined ? {} : { binaryBytes }) };
    });
    const injected = session.entries.find((entry) => entry.tool.id === INJECT);
    const profileCheck = injected && (await checkProfile(injected));
    if (profileCheck) log(`${plan.name}: gowatch profile --heap: ${profileCheck.ok ? 'answered' : 'FAILED'}, ${profileCheck.detail}`);
    return { project: plan.name, rounds: plan.rounds, samples, failures: session.failures, variants, ...(profileCheck ? { profileCheck } : {}) };
  });
};

const ms = (value: number | undefined) => (value === undefined ? '—' : String(Math.round(value)));

const printSummary = (result: ProfileOverlayResult) => {
  for (const project of result.projects) {
    log(`\n${project.project}:`);
    for (const r of variantRows(result, project)) {
      log(
        `  ${r.tool.label.padEnd(32)} median ${ms(r.latency?.median).padStart(6)} ms  spread ${ms(r.latency?.min)} … ${ms(r.latency?.max)}  go build ${ms(r.build?.median)} ms  lost ${r.lost}  first ${ms(r.facts?.firstServeMs)} ms  binary ${r.facts?.binaryBytes?.toLocaleString('en-US') ?? '—'} bytes`,
      );
    }
    const g = goal(result, project);
    log(`  ${g.met === true ? 'met   ' : g.met === false ? 'MISSED' : 'n/a   '} ${g.text} — ${g.detail}`);
  }
};

const writeSection = (result: ProfileOverlayResult) => {
  const file = path.join(REPO, 'BENCHMARKS.md');
  writeFileSync(file, replaceSection(safeRead(file), 'profile-overlay', markdown(result)));
  log(`wrote the profile-overlay section of ${file}`);
};

const main = async () => {
  const began = Date.now();
  const loadAtStart = loadAverage();
  const info = machine();
  const runId = Date.now().toString(36);
  const workRoot = mkdtempSync(path.join(os.tmpdir(), 'gowatch-bench-profile-run-'));
  log(`profile-overlay bench${quick ? ' (--quick: writes nothing)' : ''}: ${info.nproc} cores, ${info.cpu}, Node ${info.node}, ${info.go}; seed ${SEED}; work in ${workRoot}`);
  try {
    const tools = [gowatchProfile('off'), gowatchProfile('inject')];
    const context: Context = { tools, workRoot, shimDir: writeGoShim(workRoot), runId, random: seededRandom(SEED) };
    const hello = await measureProject({ name: 'hello', rounds: HELLO_ROUNDS, timeoutMs: 20_000, startTimeoutMs: 120_000, makeProject: helloProject }, context);
    const generating = Date.now();
    const template = serviceTemplate(SERVICE_TEMPLATE_DIR);
    log(`\nservice template ${template.dir}: ${template.reused ? 'reused' : `generated in ${Date.now() - generating} ms`}`);
    const service = await measureProject({ name: 'service', rounds: SERVICE_ROUNDS, timeoutMs: 90_000, startTimeoutMs: 600_000, makeProject: (dir) => serviceProject(template.dir, dir) }, context);
    const result: ProfileOverlayResult = {
      machine: info,
      loadAverage: { start: loadAtStart, end: loadAverage() },
      totalSeconds: Math.round((Date.now() - began) / 1000),
      quick,
      seed: SEED,
      settings: { probeIntervalMs: PROBE_INTERVAL_MS, quietMs: QUIET_MS, goalRatio: GOAL_RATIO },
      tools: tools.map((tool) => toolInfo(tool)),
      projects: [hello, service],
    };
    printSummary(result);
    if (write) {
      mkdirSync(path.dirname(JSON_FILE), { recursive: true });
      writeFileSync(JSON_FILE, `${JSON.stringify(result, null, 2)}\n`);
      writeSection(result);
    } else {
      log(`\nnot written (${quick ? '--quick' : '--no-write'}); the section would read:\n`);
      console.log(markdown(result));
    }
  } finally {
    if (!benchArgv.includes('--keep')) rmSync(workRoot, { recursive: true, force: true });
  }
  log(`profile-overlay finished in ${Math.round((Date.now() - began) / 1000)} s`);
};

const render = () => {
  const result = JSON.parse(readFileSync(JSON_FILE, 'utf8')) as ProfileOverlayResult;
  printSummary(result);
  writeSection(result);
};

await (benchArgv.includes('--render') ? render() : main());
