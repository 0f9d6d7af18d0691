import { isLive, readProcEntry } from '../supervise/proc-table.js';

/** How often gowatch looks at its launcher: a few /proc reads, or one getppid where there is no chain. */
const CHECK_MS = 1000;

/** A process named by pid and start time, so that a reused pid is never taken for it. */
type ProcessId = { readonly pid: number; readonly startTime: number };

/**
 * Who started gowatch, as far as gowatch follows it.
 * - `own-session`: gowatch leads its own session (setsid, a systemd service, a container's first
 *   process, a terminal that runs it directly). Nothing above it is followed: it was started to
 *   stand alone, and a terminal it leads sends it SIGHUP itself.
 * - `chain`: every process from the parent up to the leader of gowatch's session, included (npm,
 *   the sh that runs its script, make, the interactive shell). Without /proc (macOS, the BSDs)
 *   the chain is empty and only the parent is followed.
 */
export type Launcher =
  | { readonly kind: 'own-session'; readonly parent: number }
  | { readonly kind: 'chain'; readonly parent: number; readonly chain: readonly ProcessId[] };

const isLinux = process.platform === 'linux';

/** gowatch's launcher now: call it at start, before the first build, so a launcher dying meanwhile counts. */
export const findLauncher = (): Launcher => {
  const parent = process.ppid;
  const self = isLinux ? readProcEntry(process.pid) : undefined;
  if (self === undefined) return { kind: 'chain', parent, chain: [] };
  if (self.sid === self.pid) return { kind: 'own-session', parent };
  const chain: ProcessId[] = [];
  // Parents within gowatch's session only: one of another session lies beyond a leader that
  // died (its orphans went to a reaper). An ancestor /proc hides (hidepid) ends the chain too.
  for (let entry = readProcEntry(self.ppid); entry !== undefined && entry.sid === self.sid; entry = readProcEntry(entry.ppid)) {
    chain.push({ pid: entry.pid, startTime: entry.startTime });
    if (entry.pid === self.sid) break;
  }
  return { kind: 'chain', parent, chain };
};

/**
 * Whether the launcher is gone: gowatch was reparented, or a process of the chain exited (a
 * zombie has) or its pid now names another process.
 */
const launcherGone = (launcher: Launcher): boolean =>
  process.ppid !== launcher.parent ||
  (launcher.kind === 'chain' &&
    launcher.chain.some(({ pid, startTime }) => {
      const entry = readProcEntry(pid);
      return !isLive(entry) || entry.startTime !== startTime;
    }));

export type LauncherEvents = {
  /** The launcher died: gowatch stops as for SIGHUP. Called once. */
  readonly gone: () => void;
  /** gowatch leads its own session and its parent exited: it runs on. Called once. */
  readonly parentLeft: (parent: number) => void;
};

/** Looks at the launcher every second until it is gone or `stop` is called; never keeps the process alive. */
export const watchLauncher = (launcher: Launcher, on: LauncherEvents): { stop: () => void } => {
  const timer = setInterval(() => {
    if (!launcherGone(launcher)) return;
    clearInterval(timer);
    if (launcher.kind === 'own-session') on.parentLeft(launcher.parent);
    else on.gone();
  }, CHECK_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
};

/** The warning of a gowatch that leads its own session and outlives its parent. */
export const parentLeftMessage = (parent: number): string =>
  `the process that started gowatch (pid ${parent}) exited; gowatch leads its own session (setsid, a service), so it runs on until it gets SIGINT, SIGTERM or SIGHUP`;
