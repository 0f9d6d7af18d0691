/**
 * What the side-by-side bench found, as figures per tool and scenario, goals met or missed, and
 * the "side-by-side" section of BENCHMARKS.md. Works from the result JSON alone, so a section can
 * be written again without measuring (`--render`).
 */
import { plural } from '../src/text/plural.js';
import type { machine } from './machine.js';
import type { Tool, ToolId } from './peers/tool.js';
import type { BigTreeRun } from './scenarios/big-tree-peers.js';
import type { RssSample, StartupSamples } from './scenarios/footprint.js';
import type { Sample } from './scenarios/measure.js';
import type { StartFailure } from './scenarios/session.js';
import { summarize, type Summary } from './stats.js';

export type ToolInfo = {
  readonly id: ToolId;
  readonly label: string;
  readonly command: string;
  readonly config?: string;
  readonly version?: string;
  readonly install?: string;
  /** Why the peer is not measured: it could not be installed. */
  readonly unavailable?: string;
};

/** What the report says of `tool`; `install`: how a peer was installed. */
export const toolInfo = (tool: Tool, install?: string): ToolInfo => ({ id: tool.id, label: tool.label, command: tool.command, version: tool.version, ...(tool.config ? { config: tool.config } : {}), ...(install ? { install } : {}) });

export type ProjectName = 'hello' | 'service' | 'pocketbase';

export type ScenarioId =
  | 'hello-edit'
  | 'hello-undo'
  | 'hello-noop'
  | 'hello-readme'
  | 'hello-test'
  | 'hello-warm'
  | 'service-edit'
  | 'service-undo'
  | 'service-burst'
  | 'service-warm'
  | 'pocketbase-edit'
  | 'pocketbase-undo'
  | 'pocketbase-warm';

/** The watchers' RSS while serving, per project, and `gowatch --version` against `node -e 0`. */
export type Footprint = {
  readonly rssSeconds: number;
  readonly rss: Partial<Record<ProjectName, readonly RssSample[]>>;
  readonly startup: StartupSamples;
};

export type ScenarioResult = { readonly samples: readonly Sample[]; readonly failures: readonly StartFailure[] };

/** Where and under what load a bench ran. */
export type Measured = {
  readonly machine: ReturnType<typeof machine>;
  readonly loadAverage: { readonly start: string; readonly end: string };
};

export type SideBySideResult = Measured & {
  readonly totalSeconds: number;
  readonly quick: boolean;
  readonly seed: number;
  readonly settings: {
    readonly helloRounds: number;
    readonly serviceRounds: number;
    readonly undoRounds: number;
    readonly serviceUndoRounds: number;
    readonly pocketbaseRounds?: number;
    readonly pocketbaseUndoRounds?: number;
    readonly warmRounds?: number;
    readonly burstFiles: number;
    readonly probeIntervalMs: number;
    readonly pollIntervalMs: number;
    /** Quiet time after a timed change before the next tool's change. */
    readonly quietMs: number;
    /** Settling after a burst or an untimed change: quiet this long, and at least minMs after the write. */
    readonly settle: { readonly minMs: number; readonly quietMs: number };
  };
  readonly service: { readonly packages: number; readonly packageFiles: number; readonly requirements: Record<string, string>; readonly closurePackages?: number; readonly binaryMB?: number };
  readonly pocketbase?: { readonly module: string; readonly version: string; readonly binaryMB?: number };
  readonly tools: readonly ToolInfo[];
  readonly scenarios: Partial<Record<ScenarioId, ScenarioResult>>;
  readonly footprint?: Footprint;
};

// ---------------------------------------------------------------------------------------------
// Figures

export type Row = {
  readonly tool: ToolInfo;
  readonly latency: Summary | undefined;
  readonly lost: number;
  readonly ratio: number | undefined;
  readonly builds: number;
  readonly restarts: number;
  readonly samples: number;
};

const PEERS: readonly ToolId[] = ['air', 'air-delay1', 'reflex', 'nodemon'];

export const rows = (result: SideBySideResult, scenario: ScenarioId): Row[] => {
  const samples = result.scenarios[scenario]?.samples ?? [];
  const latencies = (id: ToolId) => samples.filter((s) => s.tool === id && s.latencyMs !== null).map((s) => s.latencyMs!);
  const base = summarize(latencies('baseline'))?.median;
  return result.tools
    .filter((tool) => samples.some((s) => s.tool === tool.id))
    .map((tool) => {
      const own = samples.filter((s) => s.tool === tool.id);
      const latency = summarize(latencies(tool.id));
      return {
        tool,
        latency,
        lost: own.filter((s) => s.latencyMs === null).length,
        ratio: latency && base ? latency.median / base : undefined,
        builds: own.reduce((sum, s) => sum + s.builds, 0),
        restarts: own.reduce((sum, s) => sum + s.restarts, 0),
        samples: own.length,
      };
    });
};

const ms = (value: number | undefined) => (value === undefined ? '—' : Math.round(value).toLocaleString('en-US'));
const ratio = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(2));

// ---------------------------------------------------------------------------------------------
// Goals

export type Goal = { readonly text: string; readonly met: boolean | undefined; readonly detail: string };

const medianOf = (result: SideBySideResult, scenario: ScenarioId, id: ToolId) => rows(result, scenario).find((r) => r.tool.id === id)?.latency?.median;

const aheadOfPeers = (result: SideBySideResult, scenario: ScenarioId, id: ToolId, what: string): Goal => {
  const own = medianOf(result, scenario, id);
  const peers = rows(result, scenario).filter((r) => PEERS.includes(r.tool.id) && r.latency);
  const lost = rows(result, scenario).find((r) => r.tool.id === id)?.lost ?? 0;
  if (own === undefined || peers.length === 0) return { text: what, met: undefined, detail: 'not measured' };
  const best = peers.reduce((a, b) => (a.latency!.median <= b.latency!.median ? a : b));
  const beaten = peers.filter((p) => p.latency!.median <= own);
  return {
    text: what,
    met: beaten.length === 0 && lost === 0,
    detail: `${ms(own)} ms against ${best.tool.label}'s ${ms(best.latency!.median)} ms, the fastest peer${beaten.length ? `; as fast or faster: ${beaten.map((p) => `${p.tool.label} ${ms(p.latency!.median)} ms`).join(', ')}` : ''}${lost ? `; ${lost} lost` : ''}`,
  };
};

const countsGoal = (result: SideBySideResult, scenario: ScenarioId, what: string, ok: (builds: number, restarts: number) => boolean): Goal[] =>
  (['gowatch', 'gowatch-poll'] as const).map((id) => {
    const samples = result.scenarios[scenario]?.samples.filter((s) => s.tool === id) ?? [];
    if (samples.length === 0) return { text: `${label(result, id)}: ${what}`, met: undefined, detail: 'not measured' };
    // gowatch's events count a build it canceled before go even started: the stricter count decides.
    const started = samples.reduce((sum, s) => sum + (s.gowatch?.builds ?? 0), 0);
    const canceled = samples.reduce((sum, s) => sum + (s.gowatch?.canceled ?? 0), 0);
    const runs = samples.reduce((sum, s) => sum + s.builds, 0);
    const restarts = samples.reduce((sum, s) => sum + s.restarts, 0);
    return {
      text: `${label(result, id)}: ${what}`,
      met: ok(Math.max(started, runs), restarts),
      detail: `${started} \`build-start\` (${canceled} canceled), ${plural(runs, 'go build run')} counted on PATH, ${plural(restarts, 'restart')}`,
    };
  });

const label = (result: SideBySideResult, id: ToolId) => result.tools.find((t) => t.id === id)?.label ?? id;

export const goals = (result: SideBySideResult): Goal[] => {
  const out: Goal[] = [];
  const within = (scenario: ScenarioId, id: ToolId, limit: number, text: string) => {
    const r = rows(result, scenario).find((x) => x.tool.id === id);
    const base = medianOf(result, scenario, 'baseline');
    out.push(
      r?.ratio === undefined || base === undefined
        ? { text, met: undefined, detail: 'not measured' }
        : { text, met: r.ratio <= limit && r.lost === 0, detail: `${ms(r.latency!.median)} ms against the baseline's ${ms(base)} ms: ${ratio(r.ratio)} ×${r.lost ? `; ${r.lost} lost` : ''}` },
    );
  };
  within('hello-edit', 'gowatch', 0.9, 'hello, edit → serve: gowatch at most 0.9 × the bare rebuild (median)');
  within('pocketbase-edit', 'gowatch', 0.8, 'pocketbase, edit → serve: gowatch at most 0.8 × the bare rebuild (median)');
  within('service-edit', 'gowatch', 1.05, 'service, edit → serve: gowatch within 1.05 × the bare rebuild (median)');
  const polled = rows(result, 'hello-edit').find((x) => x.tool.id === 'gowatch-poll');
  const base = medianOf(result, 'hello-edit', 'baseline');
  out.push(
    polled?.latency === undefined || base === undefined
      ? { text: `hello, edit → serve: ${label(result, 'gowatch-poll')} within the baseline + ${result.settings.pollIntervalMs} ms`, met: undefined, detail: 'not measured' }
      : {
          text: `hello, edit → serve: ${label(result, 'gowatch-poll')} within the baseline + ${result.settings.pollIntervalMs} ms`,
          met: polled.latency.median <= base + result.settings.pollIntervalMs && polled.lost === 0,
          detail: `${ms(polled.latency.median)} ms against ${ms(base)} + ${result.settings.pollIntervalMs} ms`,
        },
  );
  for (const [scenario, name] of [
    ['hello-edit', 'hello, edit → serve'],
    ['service-edit', 'service, edit → serve'],
    ['pocketbase-edit', 'pocketbase, edit → serve'],
    ['hello-undo', 'hello, undo → serve'],
    ['service-undo', 'service, undo → serve'],
    ['pocketbase-undo', 'pocketbase, undo → serve'],
    ['service-burst', 'service, burst → serve'],
  ] as const) {
    for (const id of ['gowatch', 'gowatch-poll'] as const) out.push(aheadOfPeers(result, scenario, id, `${name}: ${label(result, id)} ahead of every peer (median)`));
  }
  for (const [scenario, name] of [
    ['hello-undo', 'hello'],
    ['service-undo', 'service'],
    ['pocketbase-undo', 'pocketbase'],
  ] as const) {
    const own = medianOf(result, scenario, 'gowatch');
    const reference = medianOf(result, scenario, 'baseline');
    const text = `${name}, undo: gowatch serves the old content in under a third of the baseline's time`;
    out.push(own === undefined || reference === undefined ? { text, met: undefined, detail: 'not measured' } : { text, met: own < reference / 3, detail: `${ms(own)} ms against the baseline's ${ms(reference)} ms (a third: ${ms(reference / 3)} ms)` });
  }
  const warmService = rows(result, 'service-warm').find((r) => r.tool.id === 'gowatch');
  const warmText = 'service, warm start: gowatch serves within 300 ms of its start (median)';
  out.push(warmService?.latency === undefined ? { text: warmText, met: undefined, detail: 'not measured' } : { text: warmText, met: warmService.latency.median <= 300 && warmService.lost === 0, detail: `${ms(warmService.latency.median)} ms${warmService.lost ? `; ${warmService.lost} lost` : ''}` });
  const warmPb = rows(result, 'pocketbase-warm').find((r) => r.tool.id === 'gowatch');
  const warmPbBase = medianOf(result, 'pocketbase-warm', 'baseline');
  const warmPbText = 'pocketbase, warm start: gowatch serves sooner than `go build -o` (nothing to rebuild) + start (median)';
  out.push(
    warmPb?.latency === undefined || warmPbBase === undefined
      ? { text: warmPbText, met: undefined, detail: 'not measured' }
      : { text: warmPbText, met: warmPb.latency.median < warmPbBase && warmPb.lost === 0, detail: `${ms(warmPb.latency.median)} ms against the baseline's ${ms(warmPbBase)} ms: ${ratio(warmPb.ratio)} ×` },
  );
  const helloRss = result.footprint?.rss.hello?.find((r) => r.tool === 'gowatch');
  const rssText = 'hello: gowatch\'s own RSS at most 60 MB while it serves (median of the samples)';
  const rssMedian = helloRss && summarize(helloRss.rssMB)?.median;
  out.push(rssMedian === undefined ? { text: rssText, met: undefined, detail: 'not measured' } : { text: rssText, met: rssMedian <= 60, detail: `${rssMedian} MB (peak ${helloRss!.peakMB} MB)` });
  out.push(...countsGoal(result, 'service-burst', `a ${result.settings.burstFiles}-file burst costs at most 2 go build runs and exactly 1 restart`, (b, r) => b <= 2 && r === 1));
  out.push(...countsGoal(result, 'hello-noop', 'a no-op rewrite costs no build and no restart', (b, r) => b === 0 && r === 0));
  out.push(...countsGoal(result, 'hello-readme', 'a README edit costs no build and no restart', (b, r) => b === 0 && r === 0));
  out.push(...countsGoal(result, 'hello-test', 'a _test.go edit costs no build and no restart', (b, r) => b === 0 && r === 0));
  return out;
};

// ---------------------------------------------------------------------------------------------
// Markdown

const latencyTable = (result: SideBySideResult, scenario: ScenarioId) => {
  const lines = ['| tool | n | median (ms) | p90 (ms) | min (ms) | lost | ratio to baseline | go build runs | restarts |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const r of rows(result, scenario)) {
    lines.push(`| ${r.tool.label} | ${r.latency?.n ?? 0} | ${ms(r.latency?.median)} | ${ms(r.latency?.p90)} | ${ms(r.latency?.min)} | ${r.lost} | ${ratio(r.ratio)} | ${r.builds} | ${r.restarts} |`);
  }
  return lines.join('\n');
};

/** Tools that did not start, and what each lost change answered instead. */
const failuresOf = (result: SideBySideResult, scenario: ScenarioId) => {
  const failures = result.scenarios[scenario]?.failures ?? [];
  const lost = (result.scenarios[scenario]?.samples ?? []).filter((s) => s.lost !== undefined);
  const lines = [
    ...failures.map((f) => `- ${label(result, f.tool)} did not start: ${f.reason}`),
    ...lost.map((s) => `- ${label(result, s.tool)}, round ${s.round}, lost: ${s.lost!.replace(/\|/g, '\\|')}`),
  ];
  return lines.length ? `\n${lines.join('\n')}\n` : '';
};

/** One scenario's table for each project, under the project's name. */
const perProject = (result: SideBySideResult, kind: 'undo' | 'warm'): string =>
  (['hello', 'service', 'pocketbase'] as const)
    .map((project) => `${project}:\n\n${latencyTable(result, `${project}-${kind}`)}\n${failuresOf(result, `${project}-${kind}`)}\n`)
    .join('')
    .replace(/\n$/, '');

const countsCell = (result: SideBySideResult, scenario: ScenarioId, id: ToolId) => {
  const samples = result.scenarios[scenario]?.samples.filter((s) => s.tool === id) ?? [];
  if (samples.length === 0) return '—';
  const builds = samples.reduce((sum, s) => sum + s.builds, 0);
  const restarts = samples.reduce((sum, s) => sum + s.restarts, 0);
  const started = samples.reduce((sum, s) => sum + (s.gowatch?.builds ?? 0), 0);
  const canceled = samples.reduce((sum, s) => sum + (s.gowatch?.canceled ?? 0), 0);
  const events = samples.some((s) => s.gowatch) && (started !== builds || canceled > 0) ? ` (events: ${started} \`build-start\`, ${canceled} canceled)` : '';
  return `${builds} / ${restarts}${events}`;
};

const countsTable = (result: SideBySideResult) => {
  const burst = rows(result, 'service-burst');
  const lines = [
    `| tool | burst: served after (ms) | burst: go build / restarts | no-op | README edit | _test.go edit |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const tool of result.tools.filter((t) => !t.unavailable)) {
    const b = burst.find((r) => r.tool.id === tool.id);
    const served = b === undefined ? '—' : b.lost ? 'lost' : ms(b.latency?.median);
    lines.push(`| ${tool.label} | ${served} | ${countsCell(result, 'service-burst', tool.id)} | ${tool.id === 'baseline' ? '—' : countsCell(result, 'hello-noop', tool.id)} | ${tool.id === 'baseline' ? '—' : countsCell(result, 'hello-readme', tool.id)} | ${tool.id === 'baseline' ? '—' : countsCell(result, 'hello-test', tool.id)} |`);
  }
  return lines.join('\n');
};

/** Medians of gowatch's own timeline over the hello edits: where its time goes. */
const timelineTable = (result: SideBySideResult) => {
  const lines = ['| | write → `change` | → `build-start` | → `build-ok` | → `start` | → served |', '|---|---:|---:|---:|---:|---:|'];
  for (const [scenario, name] of [
    ['hello-edit', 'hello, edit'],
    ['service-edit', 'service, edit'],
    ['pocketbase-edit', 'pocketbase, edit'],
    ['hello-undo', 'hello, undo'],
    ['service-undo', 'service, undo'],
    ['pocketbase-undo', 'pocketbase, undo'],
    ['hello-warm', 'hello, warm start'],
    ['service-warm', 'service, warm start'],
    ['pocketbase-warm', 'pocketbase, warm start'],
  ] as const) {
    for (const id of ['gowatch', 'gowatch-poll'] as const) {
      const samples = result.scenarios[scenario]?.samples.filter((s) => s.tool === id && s.gowatch && s.latencyMs !== null) ?? [];
      if (samples.length === 0) continue;
      const med = (pick: (s: Sample) => number | undefined) => summarize(samples.map(pick).filter((v): v is number => v !== undefined))?.median;
      const t = (s: Sample) => s.gowatch!;
      lines.push(
        `| ${name}: ${label(result, id)} | ${ms(med((s) => t(s).change))} | ${ms(med((s) => t(s).buildStart))} | ${ms(med((s) => t(s).buildDone))} | ${ms(med((s) => t(s).start))} | ${ms(med((s) => s.latencyMs ?? undefined))} |`,
      );
    }
  }
  return lines.join('\n');
};

/** Every watcher's RSS while serving, one column per project: median of the samples (peak). */
const rssTable = (result: SideBySideResult) => {
  const rss = result.footprint?.rss ?? {};
  const projects = (['hello', 'service', 'pocketbase'] as const).filter((p) => rss[p]);
  const lines = [`| tool | ${projects.map((p) => `${p}: RSS (MB), peak`).join(' | ')} |`, `|---|${projects.map(() => '---:').join('|')}|`];
  for (const tool of result.tools.filter((t) => t.id !== 'baseline' && !t.unavailable)) {
    const cells = projects.map((p) => {
      const own = rss[p]!.find((r) => r.tool === tool.id);
      return own ? `${summarize(own.rssMB)?.median ?? '—'} (${own.peakMB})` : '—';
    });
    lines.push(`| ${tool.label} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
};

const startupLine = (startup: StartupSamples | undefined) => {
  const own = startup && summarize(startup.gowatchVersionMs);
  const node = startup && summarize(startup.nodeMs);
  return own && node
    ? `\`gowatch --version\`: median ${ms(own.median)} ms (${ms(own.min)} … ${ms(own.max)}); \`node -e 0\`: median ${ms(node.median)} ms (${ms(node.min)} … ${ms(node.max)}); ${own.n} rounds each, interleaved.`
    : 'Not measured.';
};

export const markdown = (result: SideBySideResult, chartPath: string): string => {
  const m = result.machine;
  const s = result.settings;
  const all = goals(result);
  const missed = all.filter((g) => g.met === false);
  const unmeasured = all.filter((g) => g.met === undefined);
  const tools = result.tools;
  const service = result.service;
  const pocketbase = result.pocketbase;
  return `## Side by side: gowatch, air, reflex and nodemon

\`npm run bench\` (bench/side-by-side.ts)${result.quick ? ', **with `--quick`** (fewer rounds: a smoke run, not the reference figures)' : ''}. Measured ${m.date} on ${m.nproc} cores
(${m.cpu}), ${m.memory}, ${m.os}, Node ${m.node}, ${m.go}; load average ${result.loadAverage.start} at the start and
${result.loadAverage.end} at the end; ${result.totalSeconds} s in all; shuffle seed ${result.seed}. Raw samples:
bench/results/side-by-side.json.

![edit to serve, per tool](${chartPath})

### Goals

${all.map((g) => `- ${g.met === true ? '**met**' : g.met === false ? '**missed**' : 'not measured'}: ${g.text} — ${g.detail}`).join('\n')}

${missed.length === 0 && unmeasured.length === 0 ? 'Every goal met.' : `${missed.length} of ${all.length} goals missed${unmeasured.length ? `, ${unmeasured.length} not measured` : ''}.`}

### Tools

Each tool runs the way its documentation says for a Go program. The peers are installed by the bench
into a temporary directory at every run; the baseline is the bench itself. air is measured at its default
and with \`delay = 1\`, its fastest: air replaces a \`delay = 0\` by its default of 1,000 ms when it merges
configs.

| tool | version | command | installed with |
|---|---|---|---|
${tools.map((t) => `| ${t.label} | ${t.unavailable ? `**not measured: could not be installed** (${t.unavailable})` : (t.version ?? '—')} | \`${t.command}\`${t.config ? `; ${t.config}` : ''} | ${t.install ?? '—'} |`).join('\n')}

### How it is measured

- **Edit → serve**: the bench writes the file that decides the program's answer (in place, as an editor
  saving does), then asks the program over loopback every ${s.probeIntervalMs} ms (a new connection each time)
  until it answers the new text; the figure is write → first response with the new content. An edit not
  served within the timeout is **lost**. The ratio is the tool's median over the baseline's.
- **Interleaved**: every tool runs in its own copy of the fixture on its own port, started once and
  kept running for the whole scenario (as in a working session; start-up is measured apart: the warm
  start). A round edits each tool once, in a new shuffled order, one tool at a time: the next edit waits
  until the previous tool has no \`go build\` running and has started nothing for ${s.quietMs} ms, so only one
  tool builds at a time and machine noise falls on all of them alike.
- **Counts**: \`go build\` runs are counted by a \`go\` first on PATH that records each \`go build\` and
  execs the real one (the same process, so a tool's signals reach go), for every tool; for gowatch its
  \`--json\` events say the same (\`build-start\`). Restarts are the fixture program's own start records
  (it appends its pid to a file when it starts), whatever tool started it.
- **Fixtures**: *hello* is examples/hello (one package, the HTTP server) plus the start recorder, a
  README and a \`_test.go\`. *service* is a generated module of ${service.packages} packages
  (${service.packageFiles} package files${service.closurePackages ? `; ${service.closurePackages} packages in the binary's closure with the standard library and ${Object.keys(service.requirements).length} third-party modules` : ''}:
  ${Object.entries(service.requirements).map(([mod, v]) => `${mod} ${v}`).join(', ')}), a ${service.binaryMB ?? '?'} MB binary; an edit
  rewrites a small package a tenth of the module imports, so \`go build\` recompiles those and relinks
  (the baseline's row is that build and a restart). *pocketbase* is a \`main\` running ${pocketbase ? `${pocketbase.module} ${pocketbase.version}` : 'a pinned PocketBase'}
  (fetched through the module proxy; a ${pocketbase?.binaryMB ?? '?'} MB binary) with one route of its own, \`GET /bench\`,
  whose answer a one-line file of the main package returns; it runs as \`serve --http 127.0.0.1:PORT --dir DATA\`
  (every tool passes those arguments; DATA is outside the watched tree).
- **The baseline**, the same on every project: \`go build -o app .\` (plain, no flags), then SIGTERM to the old
  program and wait for its exit (each fixture shuts down gracefully on it: PocketBase closes its server and
  database), then \`./app ARGS\`. It is the floor a watcher has to go under.
- **Warm start**: after a project's other scenarios, each tool is stopped and started again in its copy,
  nothing changed since it last ran: the figure is spawn → first response with what it served before.
  gowatch starts with its cache from the run before; the baseline runs \`go build -o app .\` (nothing to
  rebuild) and starts the binary; air, reflex and nodemon build at start too. One tool at a time, in a new
  shuffled order each round.
- **RSS**: each watcher's own process (not its builds, not the program), VmRSS from /proc every 200 ms for
  ${result.footprint?.rssSeconds ?? '?'} s once all tools serve, before the first edit; the median of those samples and VmHWM (peak).
- **Rounds**: hello ${s.helloRounds}, service ${s.serviceRounds}, pocketbase ${s.pocketbaseRounds ?? '—'}; undo ${s.undoRounds} on hello, ${s.serviceUndoRounds} on service, ${s.pocketbaseUndoRounds ?? '—'} on pocketbase; warm starts ${s.warmRounds ?? '—'} on each.

### Edit → serve: hello

${latencyTable(result, 'hello-edit')}
${failuresOf(result, 'hello-edit')}
### Edit → serve: service (${service.packages} packages)

${latencyTable(result, 'service-edit')}
${failuresOf(result, 'service-edit')}
### Edit → serve: pocketbase (${pocketbase?.binaryMB ?? '?'} MB binary)

${latencyTable(result, 'pocketbase-edit')}
${failuresOf(result, 'pocketbase-edit')}
### Undo: back to the content before the edit

After the edit rounds, each tool's served file is written back as it was before its last edit: time
to serve the old content again (a further round redoes the edit, the next undoes it again). gowatch
restarts the binary it built before from its cache; the others rebuild (Go's build cache has the
compiled packages, so this is mostly the link).

${perProject(result, 'undo')}
### Warm start: nothing changed since the last run

Spawn → first response; go build runs and restarts are counted from the start until the tool settled.

${perProject(result, 'warm')}
### Footprint

Each watcher's own RSS while it serves, in MB: the median of the samples, and the peak (VmHWM) in brackets.

${rssTable(result)}

${startupLine(result.footprint?.startup)}

### Burst, no-op and unrelated edits

- **burst**: ${s.burstFiles} files of the service's closure rewritten at once, as a \`git checkout\` does (the
  served file among them; a string constant changed in each), one tool at a time; counted until the
  tool has been quiet for ${s.settle.quietMs} ms (at least ${s.settle.minMs} ms after the write: air's default delay is 1 s). The same checkout every run:
  from the second run on, Go's build cache holds its packages, as for a branch built before.
- **no-op**: hello's served file rewritten with identical bytes; **README edit** and **_test.go edit**:
  hello's README.md and greeting_test.go changed. These go to every watcher at once (only counted, not
  timed), and are counted the same way. The baseline is not a watcher: it builds when told to.

Cells are \`go build\` runs counted on PATH / restarts; for gowatch also its events when they differ.

${countsTable(result)}
${failuresOf(result, 'service-burst')}
### Where gowatch's time goes

Medians of gowatch's own \`--json\` events, in ms after the write (for a warm start, after the spawn; the served figure is the bench's).

${timelineTable(result)}

### Big trees and the soak

Sections of their own: "Big tree: the watchers side by side" (the 100,000-file tree: start, RSS, inotify
watches, idle CPU and restarts of every watcher), written by \`npm run bench -- --tree\` (or \`--all\`); "Big trees and polling"
(gowatch native and polling on that tree and on large watch sets, \`npm run bench:tree\`) and "Soak" (1,000
restarts: gowatch's RSS and open descriptors, \`npm run soak\`), which \`--all\` runs after the rest.
`;
};

// ---------------------------------------------------------------------------------------------
// The watchers on the big tree (`--all`)

export type BigTreePeersResult = Measured & {
  readonly idleSeconds: number;
  readonly files: number;
  readonly dirs: number;
  readonly tools: readonly ToolInfo[];
  readonly runs: readonly BigTreeRun[];
};

export const bigTreePeersMarkdown = (result: BigTreePeersResult): string => {
  const m = result.machine;
  const name = (id: ToolId) => result.tools.find((t) => t.id === id)?.label ?? id;
  const restarts = (run: BigTreeRun) => {
    const done = summarize(run.restartMs.filter((v): v is number => v !== null));
    const lost = run.restartMs.filter((v) => v === null).length;
    return `${done ? `${ms(done.median)} (${ms(done.min)} … ${ms(done.max)})` : '—'}${lost ? `, ${lost} not restarted` : ''}`;
  };
  return `## Big tree: the watchers side by side

\`npm run bench -- --tree\` (or \`--all\`; bench/scenarios/big-tree-peers.ts): the ${result.files.toLocaleString('en-US')}-file, ${result.dirs.toLocaleString('en-US')}-directory tree of
"Big trees and polling" (a one-package service among node_modules/, assets/, and .gitignore'd build/ and tmp/),
copied once, each watcher alone in it, run as in "Side by side". spawn → started: until the program recorded its
first start (the first \`go build\` included); RSS, peak RSS (VmHWM), inotify watches (\`inotify wd:\` lines in
/proc/PID/fdinfo) and idle CPU over ${result.idleSeconds} s (from 4 s after the start) are the watcher's own process, not
its builds or the program; write → restarted: an edit of handler.go until the program started again (the build
included). Measured ${m.date} on ${m.nproc} cores (${m.cpu}), ${m.go}; load average ${result.loadAverage.start} at the start,
${result.loadAverage.end} at the end.

| tool | spawn → started (ms) | RSS after start (MB) | peak RSS (MB) | inotify watches | idle CPU (% of a core) | write → restarted (ms) |
|---|---:|---:|---:|---:|---:|---:|
${result.runs.map((r) => `| ${name(r.tool)} | ${ms(r.startMs)} | ${r.rssAfterStartMB} | ${r.peakRssMB} | ${r.inotifyWatches.toLocaleString('en-US')} | ${r.idleCpuPercent ?? '—'} | ${restarts(r)} |`).join('\n')}
${result.runs.some((r) => r.problem) ? `\n${result.runs.filter((r) => r.problem).map((r) => `- ${name(r.tool)}: ${r.problem}`).join('\n')}\n` : ''}`;
};
