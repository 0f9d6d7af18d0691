/**
 * `npm run bench`: gowatch beside the tools people use to hot-reload Go — air (default config and
 * `delay = 1`, its fastest), reflex, nodemon — and beside the bare `go build -o` + restart, in one run
 * on one machine, interleaved. Peers are installed at run time into a temporary directory.
 *
 *   hello       examples/hello: edit → serve (rounds), undo, no-op, README and _test.go edits
 *   service     a generated module of a few hundred packages with third-party modules: edit → serve,
 *               undo, and a burst of 500 closure files rewritten at once
 *   pocketbase  a main running a pinned PocketBase (a binary over 30 MB): edit → serve, undo
 * On each: warm starts (every tool stopped and started again, nothing changed) and every watcher's
 * RSS while it serves; once: `gowatch --version` against `node -e 0`.
 *
 * Writes the "side-by-side" section of BENCHMARKS.md, bench/results/side-by-side.json and the chart
 * bench/results/edit-to-serve.svg. `--tree` adds the watchers on the 100,000-file tree of bench/big-tree.ts
 * (section "big-tree-peers", bench/results/big-tree-peers.json); `--all` does too, then runs the
 * big-tree and soak benches, which write their own sections (with `--quick`, all three shortened
 * and not written).
 *
 *   node dist/bench/side-by-side.js [--quick] [--tree | --all] [--rounds N] [--service-rounds N] [--pocketbase-rounds N]
 *       [--warm-rounds N] [--projects hello,service,pocketbase] [--tools baseline,gowatch,...] [--seed N] [--keep] [--no-write | --out DIR]
 *   node dist/bench/side-by-side.js --render     (section and chart again from bench/results/side-by-side.json)
 *
 * --projects and --tools (ids: baseline, gowatch, gowatch-poll, air, air-delay1, reflex, nodemon) run a
 * part, for a quick check; --no-write writes nothing, --out DIR writes the results, the chart and a copy
 * of BENCHMARKS.md into DIR. A full run takes about 15 minutes on 2 quiet cores: some 3 on hello, 5 on
 * the service, 4 on pocketbase, the rest installing the peers and starting every tool once per project.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seededRandom } from '../test/support/random.js';
import { benchArgv, listOption, numberOption, REPO, stringOption } from './bench-args.js';
import { editToServeSvg, type ChartPoint } from './chart.js';
import { PROBE_INTERVAL_MS } from './http-probe.js';
import { loadAverage, machine, progressLog, safeRead } from './machine.js';
import { air } from './peers/air.js';
import { baseline } from './peers/baseline.js';
import { writeGoShim } from './peers/go-shim.js';
import { gowatch, POLL_INTERVAL_MS } from './peers/gowatch.js';
import { installAir, installNodemon, installReflex, type Install } from './peers/install.js';
import { nodemon } from './peers/nodemon.js';
import { reflex } from './peers/reflex.js';
import type { Tool, ToolId } from './peers/tool.js';
import { bigTreePeers } from './scenarios/big-tree-peers.js';
import { BURST_SETTLE, bursts, editRounds, QUIET_MS, undoRounds, untimed, warmStarts, type Untimed } from './scenarios/changes.js';
import { startupRounds, watcherRss } from './scenarios/footprint.js';
import { helloProject } from './scenarios/hello-project.js';
import type { Project } from './scenarios/project.js';
import { pocketbaseProject, pocketbaseTemplate, POCKETBASE, POCKETBASE_TEMPLATE_DIR } from './scenarios/pocketbase-project.js';
import { serviceProject, serviceTemplate, SERVICE_SHAPE, SERVICE_TEMPLATE_DIR } from './scenarios/service-project.js';
import { withSession as runSession, type Session } from './scenarios/session.js';
import { bigTreePeersMarkdown, goals, markdown, rows, toolInfo, type BigTreePeersResult, type Footprint, type ProjectName, type ScenarioId, type ScenarioResult, type SideBySideResult, type ToolInfo } from './side-by-side-report.js';
import { replaceSection } from './sections.js';
import { summarize } from './stats.js';

const quick = benchArgv.includes('--quick');
const write = !benchArgv.includes('--no-write');
const HELLO_ROUNDS = numberOption('--rounds', quick ? 2 : 10);
const SERVICE_ROUNDS = numberOption('--service-rounds', quick ? 1 : 5);
const UNDO_ROUNDS = quick ? 1 : 5;
const SERVICE_UNDO_ROUNDS = quick ? 1 : 3;
const POCKETBASE_ROUNDS = numberOption('--pocketbase-rounds', quick ? 1 : 5);
const POCKETBASE_UNDO_ROUNDS = quick ? 1 : 3;
const WARM_ROUNDS = numberOption('--warm-rounds', quick ? 1 : 3);
const STARTUP_ROUNDS = quick ? 3 : 20;
const RSS_SECONDS = 2;
const BURST_FILES = 500;
const PROJECTS: readonly ProjectName[] = ['hello', 'service', 'pocketbase'];
const selectedProjects = listOption('--projects') ?? PROJECTS;
const selectedTools = listOption('--tools');
const selected = (id: ToolId) => selectedTools === undefined || selectedTools.includes(id);
const SEED = numberOption('--seed', Date.now() % 2 ** 31);
const HELLO_TIMEOUT_MS = 20_000;
const SERVICE_TIMEOUT_MS = 90_000;

/** `--out DIR`: the results, the chart and a copy of BENCHMARKS.md go there instead, for a check that leaves the recorded ones alone. */
const OUT = stringOption('--out');
const RESULTS = OUT === undefined ? path.join(REPO, 'bench', 'results') : path.resolve(OUT);
const BENCHMARKS = path.join(OUT === undefined ? REPO : RESULTS, 'BENCHMARKS.md');
const JSON_FILE = path.join(RESULTS, 'side-by-side.json');
const SVG_FILE = path.join(RESULTS, 'edit-to-serve.svg');
const BIG_TREE_JSON = path.join(RESULTS, 'big-tree-peers.json');
/** Where the fixture copies live: stable paths, so Go's build cache is warm after the first run. */
const PROJECTS_ROOT = path.join(os.tmpdir(), 'gowatch-bench-sbs');

const log = progressLog();

// ---------------------------------------------------------------------------------------------
// Tools

type Peer = { readonly install: Install; readonly make: (binary: string, version: string) => Tool[] };

const installAll = async (dir: string): Promise<Peer[]> => {
  const install = (name: string, how: (dir: string) => Promise<Install>) => {
    mkdirSync(path.join(dir, name), { recursive: true });
    return how(path.join(dir, name));
  };
  const wanted = (...ids: ToolId[]) => ids.some(selected);
  const [airInstall, reflexInstall, nodemonInstall] = await Promise.all([
    wanted('air', 'air-delay1') ? install('air', installAir) : undefined,
    wanted('reflex') ? install('reflex', installReflex) : undefined,
    wanted('nodemon') ? install('nodemon', installNodemon) : undefined,
  ]);
  const peers: (Peer | undefined)[] = [
    airInstall && { install: airInstall, make: (binary, version) => [air(binary, version, false), air(binary, version, true)].filter((t) => selected(t.id)) },
    reflexInstall && { install: reflexInstall, make: (binary, version) => [reflex(binary, version)] },
    nodemonInstall && { install: nodemonInstall, make: (binary, version) => [nodemon(binary, version)] },
  ];
  return peers.filter((peer): peer is Peer => peer !== undefined);
};

// ---------------------------------------------------------------------------------------------
// Scenarios

type Context = { readonly tools: readonly Tool[]; readonly shimDir: string; readonly workRoot: string; readonly runId: string; readonly random: { next: () => number } };

const withSession = async <T>(context: Context, name: ProjectName, makeProject: (dir: string) => Project, startTimeoutMs: number, body: (session: Session) => Promise<T>): Promise<T> => {
  log(`\n${name}: starting ${context.tools.length} tools, one after the other`);
  const plan = {
    tools: context.tools,
    makeProject,
    projectsRoot: path.join(PROJECTS_ROOT, name),
    workRoot: path.join(context.workRoot, name),
    shimDir: context.shimDir,
    markerPrefix: `${context.runId}-${name}`,
    startTimeoutMs,
    log,
  };
  return runSession(plan, body);
};

const helloScenarios = (context: Context) =>
  withSession(context, 'hello', helloProject, 120_000, async (session) => {
    const options = { random: context.random, nonce: context.runId, timeoutMs: HELLO_TIMEOUT_MS, log };
    const scenarios: Partial<Record<ScenarioId, ScenarioResult>> = {};
    const rss = await watcherRss(session, RSS_SECONDS);
    log(`hello: edit → serve, ${HELLO_ROUNDS} rounds`);
    scenarios['hello-edit'] = { samples: await editRounds(session, { ...options, rounds: HELLO_ROUNDS }), failures: session.failures };
    log(`hello: undo, ${UNDO_ROUNDS} rounds`);
    scenarios['hello-undo'] = { samples: await undoRounds(session, { ...options, rounds: UNDO_ROUNDS }), failures: session.failures };
    for (const [kind, id] of [['no-op', 'hello-noop'], ['readme', 'hello-readme'], ['test', 'hello-test']] as [Untimed, ScenarioId][]) {
      const samples = await untimed(session, kind, context.runId, 60_000);
      log(`hello: ${kind}: ${samples.map((s) => `${s.tool} ${s.builds}/${s.restarts}`).join(', ')} (go build / restarts)`);
      scenarios[id] = { samples, failures: session.failures };
    }
    log(`hello: warm start, ${WARM_ROUNDS} rounds`);
    scenarios['hello-warm'] = { samples: await warmStarts(session, { ...options, rounds: WARM_ROUNDS }), failures: session.failures };
    return { scenarios, rss };
  });

/** What the service fixture is: packages in the binary's closure, and the size of the baseline's binary. */
const serviceFacts = (template: string, workRoot: string) => {
  const closurePackages = execFileSync('go', ['list', '-deps', '.'], { cwd: template, encoding: 'utf8' }).trim().split('\n').length;
  const mb = binaryMB(path.join(workRoot, 'service', 'baseline', 'app'));
  return { closurePackages, ...(mb === undefined ? {} : { binaryMB: mb }) };
};

/**
 * The rounds every big project gets, in one session: edit → serve, undo, a burst (when `burst`),
 * and warm starts; with each watcher's RSS once all serve.
 */
const bigProjectScenarios = (
  context: Context,
  name: 'service' | 'pocketbase',
  project: (dir: string) => Project,
  rounds: { readonly edit: number; readonly undo: number },
  burst: boolean,
) =>
  withSession(context, name, project, 600_000, async (session) => {
    const options = { random: context.random, nonce: context.runId, timeoutMs: SERVICE_TIMEOUT_MS, log };
    const out: Partial<Record<ScenarioId, ScenarioResult>> = {};
    const rss = await watcherRss(session, RSS_SECONDS);
    log(`${name}: edit → serve, ${rounds.edit} rounds`);
    out[`${name}-edit`] = { samples: await editRounds(session, { ...options, rounds: rounds.edit }), failures: session.failures };
    log(`${name}: undo, ${rounds.undo} rounds`);
    out[`${name}-undo`] = { samples: await undoRounds(session, { ...options, rounds: rounds.undo }), failures: session.failures };
    if (burst) {
      log(`${name}: burst of ${BURST_FILES} files`);
      out['service-burst'] = { samples: await bursts(session, BURST_FILES, options), failures: session.failures };
    }
    log(`${name}: warm start, ${WARM_ROUNDS} rounds`);
    out[`${name}-warm`] = { samples: await warmStarts(session, { ...options, rounds: WARM_ROUNDS }), failures: session.failures };
    return { scenarios: out, rss };
  });

const serviceScenarios = async (context: Context) => {
  const started = Date.now();
  const template = serviceTemplate(SERVICE_TEMPLATE_DIR);
  log(`\nservice template ${template.dir}: ${template.reused ? 'reused' : `generated in ${Date.now() - started} ms`}`);
  const scenarios = await bigProjectScenarios(context, 'service', (dir) => serviceProject(template.dir, dir), { edit: SERVICE_ROUNDS, undo: SERVICE_UNDO_ROUNDS }, true);
  return { ...scenarios, facts: serviceFacts(template.dir, context.workRoot) };
};

/** Bytes of the baseline's binary in MB, when it built. */
const binaryMB = (file: string) => {
  try {
    return Math.round(statSync(file).size / 1024 ** 2);
  } catch {
    return undefined;
  }
};

const pocketbaseScenarios = async (context: Context) => {
  const started = Date.now();
  const template = pocketbaseTemplate(POCKETBASE_TEMPLATE_DIR);
  log(`\npocketbase template ${template.dir}: ${template.reused ? 'reused' : `generated in ${Date.now() - started} ms`}`);
  const found = await bigProjectScenarios(context, 'pocketbase', (dir) => pocketbaseProject(template.dir, dir), { edit: POCKETBASE_ROUNDS, undo: POCKETBASE_UNDO_ROUNDS }, false);
  const mb = binaryMB(path.join(context.workRoot, 'pocketbase', 'baseline', 'app'));
  return { ...found, facts: { ...POCKETBASE, ...(mb === undefined ? {} : { binaryMB: mb }) } };
};

// ---------------------------------------------------------------------------------------------
// Output

const CHART_PANELS: readonly [ScenarioId, string][] = [
  ['hello-edit', 'hello: edit → serve'],
  ['service-edit', 'service: edit → serve'],
  ['pocketbase-edit', 'pocketbase: edit → serve'],
  ['hello-undo', 'hello: undo → serve'],
  ['service-undo', 'service: undo → serve'],
  ['pocketbase-undo', 'pocketbase: undo → serve'],
];

/** BENCHMARKS.md as it is where the sections go (under --out, the repository's copy until one is written there). */
const benchmarksText = () => safeRead(BENCHMARKS) || safeRead(path.join(REPO, 'BENCHMARKS.md'));

const writeOutputs = async (result: SideBySideResult) => {
  mkdirSync(RESULTS, { recursive: true });
  const points: ChartPoint[] = CHART_PANELS.flatMap(([id, panel]) =>
    (result.scenarios[id]?.samples ?? []).filter((s) => s.latencyMs !== null).map((s) => ({ panel, tool: result.tools.find((t) => t.id === s.tool)?.label ?? s.tool, ms: s.latencyMs! })),
  );
  const title = `Edit to serve per tool (${result.machine.nproc} cores, ${result.machine.go.replace(/^go version /, '')}${result.quick ? ', --quick' : ''}): each tick one sample, the dot the median`;
  writeFileSync(SVG_FILE, await editToServeSvg(points, CHART_PANELS.map(([, panel]) => panel), result.tools.filter((t) => !t.unavailable).map((t) => t.label), title));
  writeFileSync(BENCHMARKS, replaceSection(benchmarksText(), 'side-by-side', markdown(result, path.relative(path.dirname(BENCHMARKS), SVG_FILE))));
  log(`wrote the side-by-side section of ${BENCHMARKS}, ${JSON_FILE} and ${SVG_FILE}`);
};

const printSummary = (result: SideBySideResult) => {
  const label = (id: ToolId) => result.tools.find((t) => t.id === id)?.label ?? id;
  for (const id of [...CHART_PANELS.map(([scenario]) => scenario), 'service-burst', 'hello-warm', 'service-warm', 'pocketbase-warm'] as const) {
    log(`\n${id}:`);
    for (const r of rows(result, id)) {
      log(`  ${r.tool.label.padEnd(40)} median ${String(Math.round(r.latency?.median ?? NaN)).padStart(6)} ms  p90 ${String(Math.round(r.latency?.p90 ?? NaN)).padStart(6)}  min ${String(Math.round(r.latency?.min ?? NaN)).padStart(6)}  lost ${r.lost}  ratio ${r.ratio?.toFixed(2) ?? '—'}  builds ${r.builds}  restarts ${r.restarts}`);
    }
  }
  for (const [project, samples] of Object.entries(result.footprint?.rss ?? {})) {
    log(`\nRSS while serving, ${project}: ${samples.map((s) => `${label(s.tool)} ${summarize(s.rssMB)?.median ?? '—'} MB (peak ${s.peakMB})`).join(', ')}`);
  }
  const startup = result.footprint?.startup;
  if (startup) log(`\ngowatch --version ${Math.round(summarize(startup.gowatchVersionMs)?.median ?? NaN)} ms, node -e 0 ${Math.round(summarize(startup.nodeMs)?.median ?? NaN)} ms (medians of ${startup.nodeMs.length})`);
  log('\ngoals:');
  for (const g of goals(result)) log(`  ${g.met === true ? 'met    ' : g.met === false ? 'MISSED ' : 'n/a    '} ${g.text} — ${g.detail}`);
};

/** The watchers on the 100,000-file tree (air once: its delay changes nothing there); its own section. */
const bigTreeWatchers = async (context: Context, infos: readonly ToolInfo[]) => {
  const loadAtStart = loadAverage();
  const idleSeconds = quick ? 10 : 30;
  log(`\nbig tree: every watcher alone, idle ${idleSeconds} s`);
  const watchers = context.tools.filter((t) => t.id !== 'baseline' && t.id !== 'air-delay1');
  const found = await bigTreePeers(watchers, { workRoot: context.workRoot, shimDir: context.shimDir, marker: `${context.runId}-big-tree`, idleSeconds, edits: 3, log });
  const result: BigTreePeersResult = { machine: machine(), loadAverage: { start: loadAtStart, end: loadAverage() }, idleSeconds, files: found.files, dirs: found.dirs, tools: infos, runs: found.runs };
  if (!write || quick) return;
  writeFileSync(BIG_TREE_JSON, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(BENCHMARKS, replaceSection(benchmarksText(), 'big-tree-peers', bigTreePeersMarkdown(result)));
  log(`wrote the big-tree-peers section of ${BENCHMARKS} and ${BIG_TREE_JSON}`);
};

/** Runs another bench of this directory to completion, its output passed through. */
const runBench = (script: string, args: readonly string[]) => {
  log(`\n--all: node dist/bench/${script} ${args.join(' ')}`);
  const { status } = spawnSync(process.execPath, [path.join(REPO, 'dist', 'bench', script), ...args], { stdio: 'inherit' });
  if (status !== 0) log(`${script} exited with ${status}`);
};

// ---------------------------------------------------------------------------------------------

const main = async () => {
  const began = Date.now();
  const loadAtStart = loadAverage();
  const info = machine();
  const runId = Date.now().toString(36);
  const workRoot = mkdtempSync(path.join(os.tmpdir(), 'gowatch-bench-sbs-run-'));
  log(`side-by-side bench${quick ? ' (--quick)' : ''}: ${info.nproc} cores, ${info.cpu}, Node ${info.node}, ${info.go}; seed ${SEED}; work in ${workRoot}`);
  try {
    log('installing the peers into the work directory');
    const peers = await installAll(path.join(workRoot, 'peers'));
    const tools: Tool[] = [baseline(), gowatch(false), gowatch(true)].filter((t) => selected(t.id));
    const infos: ToolInfo[] = tools.map((t) => toolInfo(t));
    for (const { install, make } of peers) {
      if (install.ok) {
        const made = make(install.binary, install.version);
        tools.push(...made);
        infos.push(...made.map((t) => toolInfo(t, install.how)));
        log(`  ${made.map((t) => t.label).join(', ')}: ${install.version}`);
      } else {
        // Named with the tool's own label and command, and the reason instead of figures.
        const named = make('-', '');
        infos.push(...named.map((t) => ({ id: t.id, label: t.label, command: t.command, install: install.how, unavailable: install.reason })));
        log(`  ${named.map((t) => t.label).join(', ')}: NOT INSTALLED: ${install.reason}`);
      }
    }
    const context: Context = { tools, shimDir: writeGoShim(workRoot), workRoot, runId, random: seededRandom(SEED) };
    log(`gowatch --version and node -e 0, ${STARTUP_ROUNDS} rounds`);
    const startup = startupRounds(STARTUP_ROUNDS, context.random);
    const hello = selectedProjects.includes('hello') ? await helloScenarios(context) : undefined;
    const service = selectedProjects.includes('service') ? await serviceScenarios(context) : undefined;
    const pocketbase = selectedProjects.includes('pocketbase') ? await pocketbaseScenarios(context) : undefined;
    const footprint: Footprint = {
      rssSeconds: RSS_SECONDS,
      rss: { ...(hello ? { hello: hello.rss } : {}), ...(service ? { service: service.rss } : {}), ...(pocketbase ? { pocketbase: pocketbase.rss } : {}) },
      startup,
    };
    const result: SideBySideResult = {
      machine: info,
      loadAverage: { start: loadAtStart, end: loadAverage() },
      totalSeconds: Math.round((Date.now() - began) / 1000),
      quick,
      seed: SEED,
      settings: { helloRounds: HELLO_ROUNDS, serviceRounds: SERVICE_ROUNDS, undoRounds: UNDO_ROUNDS, serviceUndoRounds: SERVICE_UNDO_ROUNDS, pocketbaseRounds: POCKETBASE_ROUNDS, pocketbaseUndoRounds: POCKETBASE_UNDO_ROUNDS, warmRounds: WARM_ROUNDS, burstFiles: BURST_FILES, probeIntervalMs: PROBE_INTERVAL_MS, pollIntervalMs: POLL_INTERVAL_MS, quietMs: QUIET_MS, settle: BURST_SETTLE },
      service: { ...SERVICE_SHAPE, ...service?.facts },
      ...(pocketbase ? { pocketbase: pocketbase.facts } : {}),
      tools: infos,
      scenarios: { ...hello?.scenarios, ...service?.scenarios, ...pocketbase?.scenarios },
      footprint,
    };
    printSummary(result);
    if (write) {
      mkdirSync(RESULTS, { recursive: true });
      writeFileSync(JSON_FILE, `${JSON.stringify(result, null, 2)}\n`);
      await writeOutputs(result);
    }
    if (benchArgv.includes('--all') || benchArgv.includes('--tree')) await bigTreeWatchers(context, infos);
  } finally {
    if (!benchArgv.includes('--keep')) rmSync(workRoot, { recursive: true, force: true });
  }
  log(`\nside-by-side finished in ${Math.round((Date.now() - began) / 1000)} s`);
  if (benchArgv.includes('--all')) {
    // A quick run only checks that they run: it leaves their recorded sections as they are.
    runBench('big-tree.js', quick ? ['--quick', '--no-write'] : []);
    runBench('soak.js', quick ? ['--restarts', '100', '--idle-minutes', '1', '--no-write'] : []);
  }
};

const render = async () => {
  const result = JSON.parse(readFileSync(JSON_FILE, 'utf8')) as SideBySideResult;
  printSummary(result);
  await writeOutputs(result);
};

await (benchArgv.includes('--render') ? render() : main());
