import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ListenAddress } from '../debug/listen.js';

/** Between tries of an address that is in use. */
const RETRY_MS = 50;

/** The error code of listening on `listen` now, or undefined when it could be listened on. */
const tryListen = (listen: ListenAddress): Promise<string | undefined> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen({ host: listen.host === '' ? undefined : listen.host, port: listen.port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });

/**
 * Waits until `listen` can be listened on, for at most `timeoutMs`: the previous Delve's port is
 * released as its process ends, and the new one must get that very port, which editors attach
 * to. Undefined once free; otherwise why it is not (EADDRINUSE: held by another program).
 */
export const waitForFreeAddress = async (listen: ListenAddress, timeoutMs: number): Promise<string | undefined> => {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const problem = await tryListen(listen);
    if (problem !== 'EADDRINUSE' || performance.now() >= deadline) return problem;
    await sleep(RETRY_MS);
  }
};
