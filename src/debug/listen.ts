import { quote } from '../text/quote.js';
import { isLoopbackHost } from '../profile/url.js';

/** Where Delve listens for editors: a host as written ("" for every interface) and a port. */
export type ListenAddress = { readonly host: string; readonly port: number };

export const DEBUG_LISTEN_KEY = 'go.debug.listen';
export const DEFAULT_DEBUG_LISTEN = '127.0.0.1:2345';
export const LISTEN_EXPECTED = 'HOST:PORT such as "127.0.0.1:2345"';

/** Hosts that make Delve listen on every interface. */
const ANY_HOST: readonly string[] = ['', '0.0.0.0', '::'];

const ADDRESS = /^(?:\[([\w:.%]+)\]|([^\s:[\]]*)):(\d{1,5})$/;
const MAX_PORT = 65535;

/** "HOST:PORT", "[IPV6]:PORT" or ":PORT", as Delve's --listen takes them; anything else is undefined. */
export const parseListen = (text: string): ListenAddress | undefined => {
  const match = ADDRESS.exec(text);
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > MAX_PORT) return undefined;
  return { host: match[1] ?? match[2]!, port };
};

/** The address as Delve's --listen and people read it: an IPv6 host in brackets. */
export const formatListen = ({ host, port }: ListenAddress): string => `${host.includes(':') ? `[${host}]` : host}:${port}`;

/** Where a client on this machine reaches the address: Delve on every interface is reached through loopback. */
export const attachHost = (host: string): string => (ANY_HOST.includes(host) ? '127.0.0.1' : host);

/** Why `text` cannot be go.debug.listen, or undefined. */
export const listenProblem = (text: string): string | undefined =>
  parseListen(text) ? undefined : `expected ${LISTEN_EXPECTED}, got ${quote(text)}`;

/**
 * Why Delve may not listen on `text`, or undefined: its API has no authentication, so whoever
 * reaches the port runs code in the program. Only loopback unless the user allows more.
 */
export const remoteListenProblem = (text: string, allowRemote: boolean): string | undefined => {
  const listen = parseListen(text);
  if (!listen || allowRemote || (!ANY_HOST.includes(listen.host) && isLoopbackHost(listen.host))) return undefined;
  const where = ANY_HOST.includes(listen.host) ? 'every interface' : 'a host that is not this machine\'s loopback';
  return `${quote(text)} listens on ${where}, and Delve's API has no authentication (whoever reaches it controls the program): use a loopback address such as "127.0.0.1:${listen.port}", or set "go.debug.allowRemote": true`;
};

/** `listen` with its port counted up by `offset`, or undefined past the last port. */
export const offsetListen = (listen: ListenAddress, offset: number): ListenAddress | undefined =>
  listen.port + offset <= MAX_PORT ? { host: listen.host, port: listen.port + offset } : undefined;
