import { formatListen } from '../debug/listen.js';
import type { ProgramSpec } from './boundary.js';

export type Command = { readonly command: string; readonly args: readonly string[] };

/**
 * What starts the program: the built binary itself, or under --debug Delve serving it headless
 * to editors that attach and detach at will (--accept-multiclient), the program running at once
 * (--continue) with its own arguments after "--".
 */
export const programCommand = (spec: Pick<ProgramSpec, 'binary' | 'args' | 'debugger'>): Command =>
  spec.debugger === undefined
    ? { command: spec.binary, args: spec.args }
    : {
        command: spec.debugger.dlv,
        args: ['exec', spec.binary, '--headless', `--listen=${formatListen(spec.debugger.listen)}`, '--api-version=2', '--accept-multiclient', '--continue', '--', ...spec.args],
      };
