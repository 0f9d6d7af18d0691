/** What a hotkey asks for. */
export type HotkeyAction = 'rebuild' | 'force' | 'clear' | 'quit' | 'help' | 'profile' | 'interrupt';

/**
 * The keys, as the terminal sends them in raw mode. Ctrl-C arrives as a byte then, not as
 * SIGINT, so it is a key here and does what the signal does.
 */
const KEYS: ReadonlyMap<string, HotkeyAction> = new Map([
  ['r', 'rebuild'],
  ['f', 'force'],
  ['c', 'clear'],
  ['q', 'quit'],
  ['h', 'help'],
  ['p', 'profile'],
  ['\x03', 'interrupt'],
]);

/**
 * The actions in what the terminal sent (Caps Lock on or off): several keys may come in one
 * read (a paste); anything else is ignored. An arrow or function key is an escape sequence
 * ("\x1b[C", "\x1bOP") whose letters are no keys: a read with ESC in it is ignored whole.
 */
export const actionsOf = (input: string): HotkeyAction[] =>
  input.includes('\x1b')
    ? []
    : [...input].flatMap((key) => {
        const action = KEYS.get(key.toLowerCase());
        return action ? [action] : [];
      });

/**
 * What `h` prints. `profiling`: the targets with go.run.profile on; `p` says how to turn it on otherwise.
 */
export const helpText = (profiling: readonly string[]): string =>
  [
    'keys: r rebuild and restart · f rebuild without the binary cache · c clear the screen · q quit · h this help',
    profiling.length > 0 ? `      p heap profile of ${profiling.join(', ')}` : '      p heap profile (needs "go.run.profile": "inject" in buddy.watch.json)',
    '      Ctrl-C stops gowatch as ever (status 130; q exits 0).',
    "stdin: while gowatch reads keys the program's standard input is closed. A program that reads the terminal",
    '       needs "go.run.stdin": "inherit" in buddy.watch.json: it gets every key, and gowatch reads none.',
    '',
  ].join('\n');
