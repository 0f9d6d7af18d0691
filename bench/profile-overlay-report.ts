/**
 * What the profile-overlay bench found: per project, edit → serve of gowatch with
 * `go.run.profile` "off" and "inject", the ratio of their medians against the goal, the binary
 * sizes, and the "profile-overlay" section of BENCHMARKS.md. Works from the result JSON alone.
 */
import { plural } from '../src/text/plural.js';
import type { ToolId } from './peers/tool.js';
import type { Sample } from './scenarios/measure.js';
import type { StartFailure } from './scenarios/session.js';
import type { Measured, ToolInfo } from './side-by-side-report.js';
import { summarize, type Summary } from './stats.js';

/** The goal: with the overlay, edit → serve takes at most this many times as long (medians). */
export const GOAL_RATIO = 1.03;

export const OFF: ToolId = 'gowatch';
export const INJECT: ToolId = 'gowatch-inject';

/** One variant in one project, besides its edits. */
export type VariantFacts = {
  readonly tool: ToolId;
  /** Spawn → first answer, the first build included. */
  readonly firstServeMs?: number;
  /** The binary the program ran at the end of the rounds. */
  readonly binaryBytes?: number;
};

/** `gowatch profile --heap` against the inject variant after its rounds: the overlay was in effect. */
export type ProfileCheck = { readonly ok: boolean; readonly detail: string };

export type ProjectResult = {
  readonly project: 'hello' | 'service';
  readonly rounds: number;
  readonly samples: readonly Sample[];
  readonly failures: readonly StartFailure[];
  readonly variants: readonly VariantFacts[];
  readonly profileCheck?: ProfileCheck;
};

export type ProfileOverlayResult = Measured & {
  readonly totalSeconds: number;
  readonly quick: boolean;
  readonly seed: number;
  readonly settings: { readonly probeIntervalMs: number; readonly quietMs: number; readonly goalRatio: number };
  readonly tools: readonly ToolInfo[];
  readonly projects: readonly ProjectResult[];
};

// ---------------------------------------------------------------------------------------------
// Figures

export type VariantRow = {
  readonly tool: ToolInfo;
  /** write → served, over the edits served. */
  readonly latency: Summary | undefined;
  /** The build alone: gowatch's `build-start` → `build-ok`. */
  readonly build: Summary | undefined;
  readonly lost: number;
  readonly facts: VariantFacts | undefined;
};

const served = (samples: readonly Sample[], id: ToolId) => samples.filter((s) => s.tool === id && s.latencyMs !== null);

export const variantRows = (result: ProfileOverlayResult, project: ProjectResult): VariantRow[] =>
  result.tools
    .filter((tool) => project.samples.some((s) => s.tool === tool.id) || project.variants.some((v) => v.tool === tool.id))
    .map((tool) => {
      const own = served(project.samples, tool.id);
      const builds = own.map((s) => (s.gowatch?.buildDone !== undefined && s.gowatch.buildStart !== undefined ? s.gowatch.buildDone - s.gowatch.buildStart : NaN));
      return {
        tool,
        latency: summarize(own.map((s) => s.latencyMs!)),
        build: summarize(builds),
        lost: project.samples.filter((s) => s.tool === tool.id && s.latencyMs === null).length,
        facts: project.variants.find((v) => v.tool === tool.id),
      };
    });

/**
 * inject over off, for the rounds where both were served: the two edits of a round follow each
 * other, so their ratio is less exposed to the machine's drift than the ratio of the medians.
 */
const pairedRatio = (project: ProjectResult): Summary | undefined => {
  const of = (id: ToolId, round: number) => project.samples.find((s) => s.tool === id && s.round === round)?.latencyMs ?? null;
  const ratios: number[] = [];
  for (let round = 1; round <= project.rounds; round++) {
    const off = of(OFF, round);
    const inject = of(INJECT, round);
    if (off !== null && inject !== null && off > 0) ratios.push(inject / off);
  }
  return summarize(ratios);
};

export type Goal = { readonly text: string; readonly met: boolean | undefined; readonly detail: string; readonly ratio?: number };

const ms = (value: number | undefined) => (value === undefined ? '—' : Math.round(value).toLocaleString('en-US'));

/**
 * Met when the ratio of medians is within the goal, no edit of either variant was lost, and the
 * inject variant did serve a profile; not measured when a variant has no figure at all.
 */
export const goal = (result: ProfileOverlayResult, project: ProjectResult): Goal => {
  const text = `${project.project}: the overlay costs at most ${Math.round((result.settings.goalRatio - 1) * 100)} % of edit → serve after the first build (ratio of medians ≤ ${result.settings.goalRatio})`;
  const rows = variantRows(result, project);
  const off = rows.find((r) => r.tool.id === OFF);
  const inject = rows.find((r) => r.tool.id === INJECT);
  if (off?.latency === undefined || inject?.latency === undefined) return { text, met: undefined, detail: 'not measured' };
  const ratio = inject.latency.median / off.latency.median;
  const lost = off.lost + inject.lost;
  const unchecked = project.profileCheck?.ok === false ? `; but the inject variant served no profile (${project.profileCheck.detail})` : '';
  return {
    text,
    met: ratio <= result.settings.goalRatio && lost === 0 && unchecked === '',
    detail: `${ms(inject.latency.median)} ms with the overlay against ${ms(off.latency.median)} ms without: ${ratio.toFixed(3)} ×${lost ? `; ${plural(lost, 'edit')} lost` : ''}${unchecked}`,
    ratio,
  };
};

// ---------------------------------------------------------------------------------------------
// Markdown

const spread = (s: Summary | undefined) => (s === undefined ? '—' : `${ms(s.min)} … ${ms(s.max)}`);
const mb = (bytes: number | undefined) => (bytes === undefined ? '—' : (bytes / 1024 ** 2).toFixed(2));

/** The inject binary against the off one: "+1,234 KB (+12.3 %)". */
const binaryGrowth = (rows: readonly VariantRow[]) => {
  const off = rows.find((r) => r.tool.id === OFF)?.facts?.binaryBytes;
  const inject = rows.find((r) => r.tool.id === INJECT)?.facts?.binaryBytes;
  if (off === undefined || inject === undefined) return undefined;
  const kb = Math.round((inject - off) / 1024);
  return `${kb >= 0 ? '+' : ''}${kb.toLocaleString('en-US')} KB (${inject >= off ? '+' : ''}${(((inject - off) / off) * 100).toFixed(1)} %)`;
};

const projectTable = (result: ProfileOverlayResult, project: ProjectResult) => {
  const rows = variantRows(result, project);
  const off = rows.find((r) => r.tool.id === OFF)?.latency?.median;
  const lines = [
    '| variant | n | edit → serve median (ms) | spread: min … max (ms) | ratio to "off" | go build median (ms) | lost | first build → serving (ms) | binary (MiB) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const ratio = r.latency && off ? (r.latency.median / off).toFixed(3) : '—';
    lines.push(`| ${r.tool.label} | ${r.latency?.n ?? 0} | ${ms(r.latency?.median)} | ${spread(r.latency)} | ${ratio} | ${ms(r.build?.median)} | ${r.lost} | ${ms(r.facts?.firstServeMs)} | ${mb(r.facts?.binaryBytes)} |`);
  }
  const paired = pairedRatio(project);
  const growth = binaryGrowth(rows);
  const notes = [
    paired ? `Per round (the two edits of a round follow each other), inject over off: median ${paired.median.toFixed(3)}, ${paired.min.toFixed(3)} … ${paired.max.toFixed(3)} over ${paired.n} rounds.` : undefined,
    growth ? `The overlay's binary: ${growth}.` : undefined,
    project.profileCheck ? `\`gowatch profile --heap\` against the inject variant after its rounds: ${project.profileCheck.ok ? 'answered' : 'FAILED'} (${project.profileCheck.detail}).` : undefined,
    ...project.failures.map((f) => `${result.tools.find((t) => t.id === f.tool)?.label ?? f.tool} did not start: ${f.reason}`),
    ...project.samples.filter((s) => s.lost !== undefined).map((s) => `${result.tools.find((t) => t.id === s.tool)?.label ?? s.tool}, round ${s.round}, lost: ${s.lost!.replace(/\|/g, '\\|')}`),
  ].filter((line): line is string => line !== undefined);
  return `${lines.join('\n')}\n\n${notes.map((line) => `- ${line}`).join('\n')}`;
};

export const markdown = (result: ProfileOverlayResult): string => {
  const m = result.machine;
  const goals = result.projects.map((p) => goal(result, p));
  const word = (g: Goal) => (g.met === true ? '**met**' : g.met === false ? '**MISSED**' : 'not measured');
  const rounds = result.projects.map((p) => `${p.rounds} on ${p.project}`).join(', ');
  const tools = result.tools;
  return `## Profile injection: what the overlay costs

\`npm run bench:profile\` (bench/profile-overlay.ts)${result.quick ? ', **with `--quick`** (a smoke run, not the reference figures)' : ''}. Measured ${m.date} on ${m.nproc} cores
(${m.cpu}), ${m.memory}, ${m.os}, Node ${m.node}, ${m.go}; load average ${result.loadAverage.start} at the start and
${result.loadAverage.end} at the end; ${result.totalSeconds} s in all; shuffle seed ${result.seed}. Raw samples:
bench/results/profile-overlay.json.

### Goal

${goals.map((g) => `- ${word(g)}: ${g.text} — ${g.detail}`).join('\n')}

### How

Two gowatch runs side by side, alike but for one key of their project's buddy.watch.json:
${tools.map((t) => `${t.label} (\`${t.config ?? t.command}\`)`).join(' and ')}. The baseline heap profile is off in
both, so that only the overlay is measured (one taken some seconds after a start would land on the other run's timed edit).
Each project is copied once per variant (examples/hello, and the generated service of "Side by side"); both are
started one after the other and their first build is not counted. Then rounds of edit → serve (${rounds}): in each
round each variant gets one edit of the served file, in a shuffled order, and the next edit waits until the last
one's tool has been quiet for ${result.settings.quietMs} ms. edit → serve is from the write until the program first answers the new text
(asked every ${result.settings.probeIntervalMs} ms); go build is gowatch's own \`build-start\` → \`build-ok\`. The binary is the one
the program ran after the rounds (/proc/PID/exe). gowatch ${tools[0]?.version ?? ''}.

${result.projects.map((p) => `### ${p.project}\n\n${projectTable(result, p)}`).join('\n\n')}
`;
};
