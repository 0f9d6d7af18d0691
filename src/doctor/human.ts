import { createColors } from 'picocolors';
import { plural } from '../text/plural.js';
import type { CheckStatus, DoctorReport } from './report.js';

export type HumanStyle = {
  /** ✓ ! ✗ in colour (a terminal without NO_COLOR), or the words ok, warn, FAIL. */
  readonly symbols: boolean;
};

const WORDS: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };
const SYMBOLS: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗' };

/**
 * One line per check — its status, id and finding — then, for a warning or a failure, its
 * detail lines and an indented "→ what to do" line; a last line counts the outcome.
 */
export const formatHuman = (report: DoctorReport, style: HumanStyle): string => {
  const c = createColors(style.symbols);
  const paint: Record<CheckStatus, (text: string) => string> = { ok: c.green, warn: c.yellow, fail: c.red };
  const width = Math.max(...report.checks.map((check) => check.id.length));
  const indent = ' '.repeat((style.symbols ? 1 : 4) + 1 + width + 2);
  const lines: string[] = [];
  for (const check of report.checks) {
    const mark = paint[check.status](style.symbols ? SYMBOLS[check.status] : WORDS[check.status]);
    lines.push(`${mark} ${c.bold(check.id.padEnd(width))}  ${check.summary}`);
    if (check.status === 'ok') continue;
    for (const line of check.detail?.split('\n') ?? []) lines.push(`${indent}${c.dim(line)}`);
    if (check.fix) lines.push(`${indent}${paint[check.status]('→')} ${check.fix}`);
  }
  const failed = report.checks.filter((check) => check.status === 'fail').length;
  const warned = report.checks.filter((check) => check.status === 'warn').length;
  const counts = [failed && `${failed} failed`, warned && plural(warned, 'warning')].filter(Boolean).join(', ');
  lines.push('', failed ? c.red(`gowatch doctor: ${counts}`) : `gowatch doctor: all hard checks passed${warned ? ` (${counts})` : ''}`);
  return `${lines.join('\n')}\n`;
};
