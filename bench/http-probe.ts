/**
 * Asks a fixture program over loopback what it answers, until it answers the text a bench expects.
 * A new connection each time (agent: false): the program behind the port changes with each restart.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** How often the probe asks: the resolution of every edit-to-serve figure. */
export const PROBE_INTERVAL_MS = 5;

/** The body the program on `port` answers at `urlPath`, trimmed; undefined when nothing answers. */
export const answer = (port: number, urlPath = '/', timeoutMs = 2000): Promise<string | undefined> =>
  new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(body.trim()));
      response.on('error', () => resolve(undefined));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });

/** performance.now() when `port` first answered `expected` at `urlPath`; undefined if it did not within `timeoutMs`. */
export const servedAt = async (port: number, expected: string, timeoutMs: number, urlPath = '/'): Promise<number | undefined> => {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if ((await answer(port, urlPath)) === expected) return performance.now();
    await sleep(PROBE_INTERVAL_MS);
  }
  return undefined;
};
