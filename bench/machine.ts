import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** What the figures were measured on. */
export const machine = () => {
  const cpu = /model name\s*:\s*(.*)/.exec(safeRead('/proc/cpuinfo'))?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  let nproc = String(os.availableParallelism());
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    // not on every system
  }
  return {
    nproc,
    cpu,
    memory: `${Math.round(os.totalmem() / 1024 ** 3)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    go: execFileSync('go', ['version'], { encoding: 'utf8' }).trim(),
    date: new Date().toISOString(),
  };
};

/** The one-minute load average, as the sections print it. */
export const loadAverage = (): string => os.loadavg()[0]!.toFixed(2);

/** A progress printer: each line prefixed with the seconds since `started`. */
export const progressLog =
  (started = Date.now()) =>
  (line: string): void =>
    console.log(line.replace(/^(\n?)/, `$1[${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s] `));

export function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

