import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { GowatchError } from '../errors.js';

/** Who holds a target: told to a second gowatch that asks. */
export type LockHolder = { readonly pid: number; readonly target: string };

export type TargetLock = {
  /** Lets the target go: another gowatch may run it from now on. */
  release(): Promise<void>;
};

/**
 * Where the lock of a target's cache directory listens. Linux: an abstract socket, which the
 * kernel frees the moment its process dies, however it dies, so a lock is never stale.
 * Windows: a named pipe, freed the same way. Elsewhere: a socket file, short enough for
 * sun_path, that a dead holder leaves behind (see takeStale).
 */
const lockAddress = (dir: string): { readonly address: string; readonly file: boolean } => {
  const name = `gowatch-${createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 24)}`;
  if (process.platform === 'linux') return { address: `\0${name}`, file: false };
  if (process.platform === 'win32') return { address: `\\\\?\\pipe\\${name}`, file: false };
  return { address: path.join(os.tmpdir(), `${name}.sock`), file: true };
};

const listen = (server: net.Server, address: string) =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address, () => {
      server.off('error', reject);
      resolve();
    });
  });

/** Asks the holder who it is; undefined when nobody answers (a socket file its dead holder left). */
const askHolder = (address: string): Promise<LockHolder | undefined> =>
  new Promise((resolve) => {
    let text = '';
    const socket = net.connect(address);
    socket.setTimeout(2000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('error', () => resolve(undefined));
    socket.on('close', () => {
      try {
        const holder = JSON.parse(text) as Partial<LockHolder>;
        resolve(typeof holder.pid === 'number' ? { pid: holder.pid, target: String(holder.target) } : undefined);
      } catch {
        resolve(undefined);
      }
    });
  });

const busy = (target: string, holder: LockHolder | undefined) =>
  new GowatchError(
    'busy',
    `target "${target}" is already run by another gowatch${holder ? ` (pid ${holder.pid})` : ''}: stop that one first (two would start two programs on the same port and share one record of what runs)`,
    1,
  );

/** A holder that is closing may not answer; its address is free a moment later. */
const ATTEMPTS = 3;

/**
 * Claims a target's cache directory for this gowatch, or fails naming the gowatch that has it.
 * One program per target and cache: a second gowatch would start a second program beside the
 * first, and the record of what runs (what a later run stops after a kill -9) would be lost.
 */
export const lockTarget = async (dir: string, target: string): Promise<TargetLock> => {
  const { address, file } = lockAddress(dir);
  const answer = `${JSON.stringify({ pid: process.pid, target } satisfies LockHolder)}\n`;
  const server = net.createServer((socket) => socket.end(answer));
  server.unref();
  for (let attempt = 1; ; attempt += 1) {
    try {
      await listen(server, address);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      const holder = await askHolder(address);
      if (holder || attempt === ATTEMPTS) throw busy(target, holder);
      // Only a socket file outlives its holder; an abstract socket or a pipe nobody answers is being closed.
      if (file) await rm(address, { force: true });
    }
  }
  return {
    release: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
};
