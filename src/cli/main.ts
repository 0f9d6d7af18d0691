#!/usr/bin/env node
import { CommanderError } from 'commander';
import { splitArgv } from './argv.js';
import { leaveHungUpTerminalAlone } from './hung-up-terminal.js';
import { impliedCommand } from './implied-command.js';
import { buildProgram } from './program.js';
import { reportUncaught } from './uncaught.js';
import { keepFootprintSmall } from './v8-settings.js';

keepFootprintSmall();
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
/** Says why gowatch ends, and returns its exit status; what says it (--json's event schemas) is loaded only then. */
const fail = async (error: unknown): Promise<number> => (await import('./failure.js')).reportFailure(error, json);
reportUncaught(fail, exit);

try {
  const { args, programArgs } = await splitArgv(argv);
  const program = buildProgram(programArgs, exit);
  const commands = [...program.commands.flatMap((command) => [command.name(), ...command.aliases()]), 'help'];
  const invocation = await impliedCommand(args, commands, process.cwd());
  if (invocation.kind === 'nothing-to-run') {
    const code = await fail(invocation.reason);
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
    exit(await fail(error));
  }
}
