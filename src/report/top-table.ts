import type { ProfileKind } from '../profile/kinds.js';
import { TOP_UNIT, type TopEntry } from '../profile/top.js';
import { formatBytes } from './bytes.js';

/** A duration from nanoseconds, in the largest unit that keeps it above 1. */
const formatNanoseconds = (ns: number): string => {
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(ns < 1e10 ? 2 : 1)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(ns < 1e7 ? 1 : 0)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(0)} µs`;
  return `${Math.round(ns)} ns`;
};

/** A value of a kind's table for people; a change since a base keeps its sign. */
export const formatTopValue = (value: number, kind: ProfileKind): string => {
  const sign = value < 0 ? '-' : '';
  const size = Math.abs(value);
  switch (TOP_UNIT[kind]) {
    case 'bytes':
      return `${sign}${formatBytes(Math.round(size))}`;
    case 'nanoseconds':
      return `${sign}${formatNanoseconds(size)}`;
    case 'goroutines':
      return `${sign}${Math.round(size)}`;
  }
};

/** `go tool pprof -top`'s columns that matter, figures aligned: flat, flat%, cum, function. */
export const topTable = (entries: readonly TopEntry[], kind: ProfileKind): string[] => {
  const rows = entries.map((entry) => [formatTopValue(entry.flat, kind), `${entry.flatPercent.toFixed(1)}%`, formatTopValue(entry.cum, kind), entry.function] as const);
  const header = ['flat', 'flat%', 'cum', 'function'] as const;
  const widths = [0, 1, 2].map((column) => Math.max(header[column]!.length, ...rows.map((row) => row[column]!.length)));
  const line = (row: readonly string[]) => `${row.slice(0, 3).map((cell, column) => cell.padStart(widths[column]!)).join('  ')}  ${row[3]}`;
  return [line(header), ...rows.map(line)];
};
