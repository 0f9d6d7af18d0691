import type { LoadedConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { DEBUG_LISTEN_KEY, formatListen, offsetListen, parseListen, remoteListenProblem, type ListenAddress } from './listen.js';

/** How a target runs under `gowatch run --debug`. */
export type DebugSettings = { readonly listen: ListenAddress };

/** Where a target's Delve address comes from. */
export type ListenSource = {
  /** go.debug.listen as written: the flag's, the target's own, or the top level's (the default when unset). */
  readonly text: string;
  /** Added to the port: the target's place in "targets" when it takes the top level's address, else 0. */
  readonly offset: number;
  /** The key (or flag) that set `text`, as messages name it. */
  readonly key: string;
  readonly allowRemote: boolean;
};

/**
 * The rule behind every target's Delve address, which `gowatch init`'s attach configurations
 * follow too: a target's own go.debug.listen; else the top level's (or the default) with the
 * port counted up by the target's place in "targets", so that several targets each have one
 * whichever of them run. An address given over the file (a flag, a
 * watch() option) is taken as it is. `name` is undefined for a package run without "targets".
 */
export const listenSource = (loaded: LoadedConfig, name: string | undefined, overrides: Partial<Config> = {}, overrideName = `"${DEBUG_LISTEN_KEY}"`): ListenSource => {
  const config: Config = { ...(name === undefined ? loaded.config : loaded.targets.get(name)!), ...overrides };
  const allowRemote = config['go.debug.allowRemote'];
  const given = overrides[DEBUG_LISTEN_KEY];
  if (given !== undefined) return { text: given, offset: 0, key: overrideName, allowRemote };
  if (name !== undefined && loaded.ownKeys.get(name)?.has(DEBUG_LISTEN_KEY)) {
    return { text: config[DEBUG_LISTEN_KEY], offset: 0, key: `"targets" item ${name}: "${DEBUG_LISTEN_KEY}"`, allowRemote };
  }
  const place = name === undefined ? 0 : [...loaded.targets.keys()].indexOf(name);
  return { text: loaded.config[DEBUG_LISTEN_KEY], offset: Math.max(0, place), key: `"${DEBUG_LISTEN_KEY}"`, allowRemote };
};

/** The address `source` gives, or why not: past the last port (the key's schema made sure the text parses). */
const listenOf = (source: ListenSource): { readonly listen: ListenAddress } | { readonly problem: string } => {
  const written = parseListen(source.text)!;
  const listen = offsetListen(written, source.offset);
  if (!listen) return { problem: `${formatListen(written)} counted up by ${source.offset} (the target's place in "targets") passes port 65535: give the target its own address` };
  return { listen };
};

/** Two targets debugged at once on one address, named for the refusal; undefined when each has its own. */
const sharedListen = (listens: readonly { readonly name: string; readonly listen: ListenAddress }[]): string | undefined => {
  const seen = new Map<string, string>();
  for (const { name, listen } of listens) {
    const shown = formatListen(listen);
    const other = seen.get(shown);
    if (other !== undefined) return `targets ${other} and ${name} would both have Delve listen on ${shown}: give one of them its own "${DEBUG_LISTEN_KEY}"`;
    seen.set(shown, name);
  }
  return undefined;
};

export type DebugRequest = {
  readonly loaded: LoadedConfig;
  /** The targets run, by their name in "targets"; undefined for a package run without them. */
  readonly names: readonly (string | undefined)[];
  /** Whether they run under Delve (gowatch run --debug); the addresses are checked either way. */
  readonly on: boolean;
  /** Settings given over the file's, and how messages name go.debug.listen's. */
  readonly overrides: Partial<Config>;
  readonly overrideName: string | undefined;
  /** The error of a refusal: `key` names the setting (or the flag). */
  readonly refuse: (key: string, problem: string) => Error;
};

/** Each target's debug settings (undefined when not under --debug), in the order of `names`. */
export const debugSettingsOf = ({ loaded, names, on, overrides, overrideName, refuse }: DebugRequest): (DebugSettings | undefined)[] => {
  const given = overrideName ?? `"${DEBUG_LISTEN_KEY}"`;
  if (on && names.length > 1 && overrides[DEBUG_LISTEN_KEY] !== undefined) {
    throw refuse(given, `one address serves one target, and ${names.length} run (${names.join(', ')}): give each its own "${DEBUG_LISTEN_KEY}" in "targets", or run one of them`);
  }
  const sources = names.map((name) => listenSource(loaded, name, overrides, given));
  // Refused with --debug or without: a config that would open Delve to the network is wrong either way.
  for (const source of sources) {
    const remote = remoteListenProblem(source.text, source.allowRemote);
    if (remote) throw refuse(source.key, remote);
  }
  if (!on) return names.map(() => undefined);
  const listens = sources.map((source, index) => {
    const found = listenOf(source);
    if ('problem' in found) throw refuse(source.key, found.problem);
    return { name: names[index] ?? '', listen: found.listen };
  });
  const shared = sharedListen(listens);
  if (shared) throw refuse(`"targets"`, shared);
  return listens.map(({ listen }) => ({ listen }));
};
