import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ProcessRow } from './tree-members.js';

/**
 * POSIX systems without /proc (macOS, the BSDs) list processes through `ps`. When it is missing
 * or fails, descendants that left the program's group cannot be found: that must be said, not
 * silently read as "no descendants".
 */
export class ProcessTableUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProcessTableUnavailable';
  }
}

/** Parses `ps -A -o pid=,ppid=,pgid=` output. */
export const parsePs = (stdout: string): ProcessRow[] =>
  stdout.split('\n').flatMap((line) => {
    const [pid, ppid, pgrp] = line.trim().split(/\s+/).map(Number);
    return pid && ppid !== undefined && pgrp !== undefined && Number.isInteger(ppid) && Number.isInteger(pgrp) ? [{ pid, ppid, pgrp }] : [];
  });

export const psTable = async (): Promise<ProcessRow[]> => {
  try {
    const { stdout } = await promisify(execFile)('ps', ['-A', '-o', 'pid=,ppid=,pgid='], { maxBuffer: 64 * 1024 * 1024 });
    return parsePs(stdout);
  } catch (error) {
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
    const why = code === 'ENOENT' ? 'ps was not found on PATH' : `ps failed: ${stderr?.trim() || (error as Error).message}`;
    throw new ProcessTableUnavailable(`cannot list processes (${why}): descendants that left the program's process group cannot be found and may survive a stop`);
  }
};
