import { constants } from 'node:os';

/** Signal names this platform knows, as accepted by process.kill. */
export const signalNames = (): string[] => Object.keys(constants.signals);

export const isSignalName = (name: string): name is NodeJS.Signals =>
  Object.hasOwn(constants.signals, name);
