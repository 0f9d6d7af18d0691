import type { HookCommand } from './hook-keys.js';

/** An argument a POSIX shell reads as written: anything else is shown in single quotes. */
const PLAIN = /^[\w@%+=:,./-]+$/;

const shellWord = (arg: string): string => (PLAIN.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`);

/**
 * A command as a person would type it, for messages only: gowatch never hands it to a shell.
 * Control characters are escaped so the message stays one line.
 */
export const commandText = (command: HookCommand): string =>
  command
    .map(shellWord)
    .join(' ')
    .replace(/[\p{Cc}]/gu, (c) => JSON.stringify(c).slice(1, -1));
