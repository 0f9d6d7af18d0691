import type { RunOptions } from '../config/options.js';

export type StdinSetting = RunOptions['targets'][number]['program']['stdin'];

/** Which of gowatch's standard streams are terminals. */
export type Terminals = { readonly stdin: boolean; readonly stderr: boolean };

/**
 * Whether `gowatch run` reads hotkeys. A terminal has one reader at a time, so keys and a
 * program reading the terminal exclude each other: keys only when gowatch is typed to (its
 * stdin and its stderr are terminals, no --json) and no target has asked for the terminal with
 * go.run.stdin "inherit". Piped input is never taken for keys: it stays the program's.
 */
export const hotkeysOn = (options: Pick<RunOptions, 'json' | 'targets'>, terminals: Terminals): boolean =>
  !options.json && terminals.stdin && terminals.stderr && options.targets.every((target) => target.program.stdin !== 'inherit');

/** What a program's standard input is: "keys" closes it while gowatch reads keys, and is "inherit" otherwise. */
export const programStdin = (setting: StdinSetting, hotkeys: boolean): 'inherit' | 'ignore' =>
  setting === 'keys' ? (hotkeys ? 'ignore' : 'inherit') : setting;
