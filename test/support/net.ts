import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A port that was free a moment ago on loopback. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** GET over loopback; undefined when nothing answers. */
export const get = async (port: number): Promise<string | undefined> => {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
    return await response.text();
  } catch {
    return undefined;
  }
};

/** Polls until the server answers `expected` (generous: behaviour, not speed, is under test). */
export const waitForReply = async (port: number, expected: string, timeoutMs = 60_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined;
  while (Date.now() < deadline) {
    last = await get(port);
    if (last === expected) return;
    await sleep(100);
  }
  throw new Error(`port ${port} answered ${JSON.stringify(last)}, expected ${JSON.stringify(expected)}`);
};
