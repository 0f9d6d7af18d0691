import type { createColors } from 'picocolors';
import type { EventOf } from '../events.js';
import { formatBytes } from './bytes.js';

type ProfileEvent = EventOf<'profile'>;
type Colors = ReturnType<typeof createColors>;

/** What the human reporter writes of a `profile` event, in order: its own lines ("[gowatch] …") and raw rows. */
export type ProfileLine = { readonly text: string; readonly raw?: boolean };

const filesText = (files: ProfileEvent['files']): string =>
  Object.entries(files)
    .map(([kind, file]) => `${kind} ${file}`)
    .join(', ');

/** "+48 MB  main.leakyHandler", the figures aligned: the rows a developer comes back to. */
const growthRows = (growth: NonNullable<ProfileEvent['growth']>): ProfileLine[] => {
  const figures = growth.map((entry) => `+${formatBytes(entry.bytes)}`);
  const width = Math.max(...figures.map((figure) => figure.length));
  return growth.map((entry, i) => ({ text: `    ${figures[i]!.padStart(width)}  ${entry.function}`, raw: true }));
};

const captureWords: Record<ProfileEvent['trigger'], string> = {
  baseline: 'baseline heap profile',
  memory: 'profiles before the restart',
  trend: 'heap profile of the growth',
  request: 'profile',
};

/**
 * The lines of a capture: the baseline only with --verbose (its failure always: without it no
 * growth can be read); a memory or trend capture with what grew most since the baseline, then
 * the pprof command that shows the rest.
 */
export const profileLines = (event: ProfileEvent, c: Colors, verbose: boolean): ProfileLine[] => {
  const what = captureWords[event.trigger];
  const taken = Object.keys(event.files).length > 0;
  const lines: ProfileLine[] = [];
  if (event.trigger === 'trend' && event.trend) {
    const seconds = Math.round(event.trend.windowMs / 1000);
    lines.push({ text: c.yellow(`${event.target}'s memory grows steadily: +${formatBytes(event.trend.bytesPerMinute)} a minute over the last ${seconds} s`) });
  }
  if (event.error !== undefined) lines.push({ text: c.yellow(`${taken ? `${what}: part could not be taken` : `no ${what}`}: ${event.error}`) });
  if (taken && (event.trigger !== 'baseline' || verbose)) {
    const goroutines = event.goroutines === undefined ? '' : ` (${event.goroutines} goroutines)`;
    const text = `${what}: ${filesText(event.files)}${goroutines}`;
    lines.push({ text: event.trigger === 'baseline' ? c.dim(text) : text });
  }
  const heap = event.files.heap;
  if (!event.growth || event.base === undefined || heap === undefined) return lines;
  if (event.growth.length === 0) return [...lines, { text: `nothing grew since the baseline ${event.base}` }];
  return [
    ...lines,
    { text: 'grew most since the baseline:' },
    ...growthRows(event.growth),
    { text: c.dim(`the whole difference: go tool pprof -top -base ${event.base} ${heap}`) },
  ];
};
