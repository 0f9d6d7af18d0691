import type { ReadStream } from 'node:tty';
import type { RunOptions } from '../config/options.js';
import { errorMessage } from '../errors.js';
import type { EventSink } from '../events.js';
import type { Gowatch } from '../gowatch.js';
import { readKeys, type KeyReader } from '../hotkeys/key-reader.js';
import { actionsOf, helpText, type HotkeyAction } from '../hotkeys/keys.js';

export type HotkeyContext = {
  readonly gowatch: Gowatch;
  readonly options: RunOptions;
  readonly sink: EventSink;
  readonly input: ReadStream;
  readonly output: NodeJS.WriteStream;
  /** c: clears the terminal, the status line kept. */
  readonly clear: () => void;
  /** q: a stop asked for, status 0. */
  readonly quit: () => void;
  /** Ctrl-C: what SIGINT does. */
  readonly interrupt: () => void;
};

/** The hotkeys of `gowatch run` on a terminal (see stdin-rule.ts for when): each key's action, its failures said as warnings. */
export const listenForHotkeys = ({ gowatch, options, sink, input, output, clear, quit, interrupt }: HotkeyContext): KeyReader => {
  const profiling = options.targets.filter((target) => target.profile.source !== undefined).map((target) => target.name);
  const warn = (message: string, target?: string) => sink({ event: 'warning', ...(target === undefined ? {} : { target }), message, ts: Date.now() });
  const profile = async () => {
    if (profiling.length === 0) return warn('p: profiling is off: set "go.run.profile": "inject" in buddy.watch.json, then start gowatch run again');
    // Each capture is said by its profile event; a program not running yet is said here.
    await Promise.all(profiling.map((target) => gowatch.profile({ target, kind: 'heap' }).catch((error: unknown) => warn(`p: ${errorMessage(error)}`, target))));
  };
  const act = (action: HotkeyAction) => {
    switch (action) {
      case 'rebuild':
      case 'force':
        return void gowatch.rebuild({ force: action === 'force' }).catch((error: unknown) => warn(errorMessage(error)));
      case 'clear':
        return clear();
      case 'help':
        return void output.write(helpText(profiling));
      case 'profile':
        return void profile();
      case 'quit':
        return quit();
      case 'interrupt':
        return interrupt();
    }
  };
  return readKeys(input, (text) => actionsOf(text).forEach(act));
};
