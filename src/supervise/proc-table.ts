import { closeSync, openSync, readdirSync, readSync } from 'node:fs';

/**
 * Linux only: the process table read straight from /proc, so finding a tree needs no `ps`
 * (absent from slim images, and busybox's lacks the columns needed).
 */
export type ProcEntry = {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  readonly sid: number;
  /** R, S, D, Z (zombie), T, ... */
  readonly state: string;
  /** Clock ticks since boot (field 22): with the pid it names one process across pid reuse. */
  readonly startTime: number;
  /** Resident set size in pages (field 24). */
  readonly rssPages: number;
};

/**
 * A stat line is ~300 bytes; the fields read (up to 24) end well within this even with a
 * 64-byte comm. Small enough for Node's shared buffer pool: no malloc per read.
 */
const STAT_BYTES = 1024;

/**
 * Parses /proc/PID/stat. The command name sits in parentheses and may itself contain spaces and
 * parentheses, so the fields start after the LAST ')'.
 */
export const parseStat = (pid: number, text: string): ProcEntry | undefined => {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  // After ") ": field 3 (state) is index 0, so field N is index N - 3; nothing past field 24 is read.
  const fields = text.slice(close + 2).split(' ', 22);
  const field = (n: number) => Number(fields[n - 3]);
  const entry = {
    pid,
    state: fields[0] ?? '',
    ppid: field(4),
    pgrp: field(5),
    sid: field(6),
    startTime: field(22),
    rssPages: field(24),
  };
  return Number.isFinite(entry.startTime) && Number.isFinite(entry.rssPages) ? entry : undefined;
};

/** Reads a small /proc file into `buffer` (one open, one read: /proc files have no useful size). */
const readSmall = (file: string, buffer: Buffer): string | undefined => {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined; // the process is gone
  }
  try {
    return buffer.toString('latin1', 0, readSync(fd, buffer, 0, buffer.length, 0));
  } catch {
    return undefined; // it exited between open and read (ESRCH)
  } finally {
    closeSync(fd);
  }
};

/** One process's stat, or undefined when it no longer exists. */
export const readProcEntry = (pid: number, buffer: Buffer = Buffer.allocUnsafe(STAT_BYTES)): ProcEntry | undefined => {
  const text = readSmall(`/proc/${pid}/stat`, buffer);
  return text === undefined ? undefined : parseStat(pid, text);
};

/** Every process visible in /proc now (a snapshot: processes come and go while it is read). */
export const procTable = (): ProcEntry[] => {
  const buffer = Buffer.allocUnsafe(STAT_BYTES);
  const table: ProcEntry[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const entry = readProcEntry(pid, buffer);
    if (entry) table.push(entry);
  }
  return table;
};

/** Alive and not a zombie: a zombie holds no port and no file, it only waits to be reaped. */
export const isLive = (entry: ProcEntry | undefined): entry is ProcEntry => entry !== undefined && entry.state !== 'Z';
