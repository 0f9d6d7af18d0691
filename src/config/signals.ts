import { constants } from 'node:os';

/** The signals people stop servers with come first, so a typo is matched to them before SIGTRAP. */
const COMMON = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGKILL', 'SIGUSR1', 'SIGUSR2'];

/** Signal names this platform knows, as accepted by process.kill, common ones first. */
export const signalNames = (): string[] => {
  const known = Object.keys(constants.signals);
  return [...COMMON.filter((name) => known.includes(name)), ...known.filter((name) => !COMMON.includes(name))];
};

export const isSignalName = (name: string): name is NodeJS.Signals => Object.hasOwn(constants.signals, name);
