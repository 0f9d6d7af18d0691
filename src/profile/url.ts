import { BlockList, isIP } from 'node:net';
import { quote } from '../text/quote.js';

/**
 * go.run.profile given as a URL: the base of a program's own net/http/pprof, such as
 * "http://127.0.0.1:6060/debug/pprof/". Profile names are appended to it, so it takes no query
 * or fragment, and gowatch sends no credentials.
 */

/** Why `text` cannot be the base URL of net/http/pprof, or undefined. */
export const profileUrlProblem = (text: string): string | undefined => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${quote(text)} is not a URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${quote(text)} is not an http or https URL`;
  if (url.search !== '' || url.hash !== '') return `${quote(text)} has a query or a fragment; give the base that profile names follow, such as "http://127.0.0.1:6060/debug/pprof/"`;
  if (url.username !== '' || url.password !== '') return `${quote(text)} holds credentials, which gowatch does not send`;
  return undefined;
};

/** The base URL with the "/" that profile names follow: ".../debug/pprof" and ".../debug/pprof/" are one. */
export const profileBaseUrl = (text: string): string => {
  const url = new URL(text);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
};

/** 127.0.0.0/8 and ::1; a BlockList also matches 127.x written as an IPv4-mapped IPv6 address. */
const loopbackAddresses = (): BlockList => {
  const list = new BlockList();
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addAddress('::1', 'ipv6');
  return list;
};

/**
 * Whether the URL's host is this machine's loopback: "localhost" or a loopback address. Any
 * other name may resolve to another machine.
 */
export const isLoopbackUrl = (text: string): boolean => isLoopbackHost(new URL(text).hostname);

/** Whether a host name or address (IPv6 with or without brackets) is this machine's loopback. */
export const isLoopbackHost = (name: string): boolean => {
  const host = name.replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost') return true;
  const family = isIP(host);
  return family !== 0 && loopbackAddresses().check(host, family === 4 ? 'ipv4' : 'ipv6');
};
