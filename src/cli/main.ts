#!/usr/bin/env node
import { CommanderError } from 'commander';
import { isGowatchError } from '../errors.js';
import { splitArgv } from './argv.js';
import { impliedCommand } from './implied-command.js';
import { printError } from './output.js';
import { buildProgram } from './program.js';

const argv = process.argv.slice(2);
const separator = argv.indexOf('--');
// Known before parsing, so that even a refused flag is reported as a JSON event.
const json = (separator === -1 ? argv : argv.slice(0, separator)).includes('--json');
const exit = (code: number) => {
  process.exitCode = code;
  // Let stdout drain (JSON consumers read to the end), then leave even if a handle lingers.
  setImmediate(() => process.exit(code));
};

try {
  const { args, programArgs } = splitArgv(argv);
  const program = buildProgram(programArgs, exit);
  const commands = [...program.commands.flatMap((command) => [command.name(), ...command.aliases()]), 'help'];
  const invocation = await impliedCommand(args, commands, process.cwd());
  if (invocation.kind === 'help') {
    program.outputHelp({ error: true });
    if (invocation.hint) process.stderr.write(`\ngowatch: ${invocation.hint}\n`);
    exit(2);
  } else {
    await program.parseAsync(invocation.args, { from: 'user' });
  }
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with status 0; usage mistakes with 2.
    exit(error.exitCode === 0 ? 0 : 2);
  } else if (isGowatchError(error)) {
    printError(error, json);
    exit(error.exitCode);
  } else {
    process.stderr.write(`gowatch: internal error, please report it:\n${(error as Error).stack ?? String(error)}\n`);
    exit(1);
  }
}
