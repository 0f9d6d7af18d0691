import { Command } from 'commander';
import { GowatchError } from '../errors.js';
import { insteadOf } from './peer-flags.js';

/** Commander's own handling of an unknown flag, with its suggestions: a method its typings leave out. */
const commanderUnknownOption = (Command.prototype as unknown as { unknownOption(this: Command, flag: string): void }).unknownOption;

/** `gowatch run --help` for a command, `gowatch --help` for gowatch itself. */
const helpOf = (command: Command): string => {
  const names: string[] = [];
  for (let at: Command | null = command; at; at = at.parent) names.unshift(at.name());
  return `${names.join(' ')} --help`;
};

/** Commander's words on one line: without its `error: ` and its full stop, its suggestion in brackets after. */
const asOneLine = (message: string): string =>
  message
    .replace(/^error: /, '')
    .split('\n')
    .map((line) => line.replace(/\.$/, ''))
    .join(' ');

/**
 * A commander command whose usage mistakes are gowatch's: a usage error (so that --json
 * reports it as an `error` event) of one line that says what was wrong, what gowatch does
 * instead of a flag other watchers have, and which help to read.
 */
export class GowatchCommand extends Command {
  override createCommand(name?: string): GowatchCommand {
    return new GowatchCommand(name);
  }

  override error(message: string): never {
    throw new GowatchError('usage', `${asOneLine(message)}; see ${helpOf(this)}`);
  }

  /** Called by commander for a flag this command does not have. */
  unknownOption(flag: string): void {
    const instead = insteadOf(flag);
    if (instead !== undefined) this.error(`unknown option '${flag}': ${instead}`);
    commanderUnknownOption.call(this, flag);
  }
}
