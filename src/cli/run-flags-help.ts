import type { Command } from 'commander';

/**
 * The end of `gowatch --help`: what gowatch without a command does, and the flags of
 * `gowatch run` (all of them but --help), laid out as commander lays out a command's own.
 */
export const runFlagsHelp = (run: Command): string => {
  const help = run.createHelp();
  const options = help.visibleOptions(run).filter((option) => option.long !== '--help');
  const width = Math.max(...options.map((option) => help.optionTerm(option).length));
  return [
    '',
    'Without a command, gowatch [PACKAGE] [flags] [-- PROGRAM ARGS] is gowatch run: bare gowatch runs',
    'what buddy.watch.json says, or the main package of the current directory.',
    '',
    'Flags of gowatch run (and of gowatch without a command):',
    ...options.map((option) => help.formatItem(help.optionTerm(option), width, help.optionDescription(option), help)),
  ].join('\n');
};
