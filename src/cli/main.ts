#!/usr/bin/env node
import { CommanderError } from 'commander';
import { splitArgv } from './argv.js';
import { reportFailure, reportUncaught } from './failure.js';
import { leaveHungUpTerminalAlone } from './hung-up-terminal.js';
import { impliedCommand } from './implied-command.js';
import { buildProgram } from './program.js';

leaveHungUpTerminalAlone();
const argv = process.argv.slice(2);
const separator = argv.indexOf('--');
// Known before parsing, so that even a refused flag is reported as a JSON event.
const json = (separator === -1 ? argv : argv.slice(0, separator)).includes('--json');
const exit = (code: number) => {
  process.exitCode = code;
  // Let stdout drain (JSON consumers read to the end), then leave even if a handle lingers.
  setImmediate(() => process.exit(code));
};
reportUncaught(json, exit);

try {
  const { args, programArgs } = splitArgv(argv);
  const program = buildProgram(programArgs, exit);
  const commands = [...program.commands.flatMap((command) => [command.name(), ...command.aliases()]), 'help'];
  const invocation = await impliedCommand(args, commands, process.cwd());
  if (invocation.kind === 'nothing-to-run') {
    const code = reportFailure(invocation.reason, json);
    process.stderr.write(`gowatch: ${invocation.whatToDo}\n`);
    exit(code);
  } else {
    await program.parseAsync(invocation.args, { from: 'user' });
  }
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with status 0; a command's help shown for want of a subcommand with 2.
    // Usage mistakes are GowatchErrors (gowatch-command.ts).
    exit(error.exitCode === 0 ? 0 : 2);
  } else {
    exit(reportFailure(error, json));
  }
}
