import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { attachHost, DEFAULT_DEBUG_LISTEN as DEFAULT_LISTEN_TEXT, offsetListen, parseListen as parseAddress } from '../debug/listen.js';
import { listenSource } from '../debug/settings.js';

/** Where an editor attaches to Delve; `target` names the target of "targets" it serves, when the config has them. */
export type ListenAddress = { readonly host: string; readonly port: number; readonly target?: string };

/** go.debug.listen as an editor reaches it: Delve on every interface is reached through loopback. */
export const parseListen = (text: string): ListenAddress | undefined => {
  const address = parseAddress(text);
  return address && { host: attachHost(address.host), port: address.port };
};

export const DEFAULT_DEBUG_LISTEN: ListenAddress = parseListen(DEFAULT_LISTEN_TEXT)!;

/**
 * Where the editor attaches for the config in `configFile`, by the rule `gowatch run --debug`
 * follows (debug/settings.ts): one address, or one per target of "targets". No config: the
 * default. A config gowatch run would refuse is refused here too, in the same words.
 */
export const debugListensOf = (configFile: string): ListenAddress[] => {
  if (!existsSync(configFile)) return [DEFAULT_DEBUG_LISTEN];
  const loaded = loadConfig(path.dirname(configFile), configFile);
  const names = loaded.targets.size === 0 ? [undefined] : [...loaded.targets.keys()];
  return names.map((name) => {
    const source = listenSource(loaded, name);
    const written = parseListen(source.text)!;
    // Past the last port gowatch run refuses the target, and says why.
    const listen = offsetListen(written, source.offset) ?? written;
    return name === undefined ? listen : { ...listen, target: name };
  });
};
