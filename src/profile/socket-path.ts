import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { GowatchError } from '../errors.js';
import { claimSharedPlaceDir, ensurePrivateDir } from './private-dir.js';

/**
 * The longest socket path, in bytes, that the platform's sockaddr_un holds with its closing NUL:
 * 108 bytes on Linux, 104 on macOS and the BSDs.
 */
const maxSocketPathBytes = (): number => (process.platform === 'linux' ? 107 : 103);

/**
 * Why this platform cannot reach the injected server, or undefined. Node speaks to Unix sockets
 * everywhere but on Windows, where its "socketPath" is a named pipe.
 */
export const socketUnsupported = (): string | undefined =>
  process.platform === 'win32' ? 'go.run.profile "inject" serves profiles on a Unix socket, which Node cannot reach on Windows; give the URL of the program\'s own net/http/pprof instead' : undefined;

/** The user's id, for a directory in a shared place; Windows, which has none, never gets this far. */
const userId = (): number => process.getuid?.() ?? 0;

/**
 * Where the injected server of the target whose cache directory is `targetDir` listens: the
 * directory `profile/` in it, which only the user can open. A path too long for a socket goes,
 * under a name hashed from the target's directory, into a directory of the user's own in the
 * system's temporary directory (`tmp`).
 */
export const profileSocketPath = async (targetDir: string, tmp: string = os.tmpdir()): Promise<string> => {
  const unsupported = socketUnsupported();
  if (unsupported) throw new GowatchError('config', unsupported);
  const inCache = path.join(targetDir, 'profile', 'sock');
  if (Buffer.byteLength(inCache) <= maxSocketPathBytes()) {
    await ensurePrivateDir(path.dirname(inCache));
    return inCache;
  }
  const uid = userId();
  const dir = path.join(tmp, `gowatch-${uid}`);
  const short = path.join(dir, `${createHash('sha256').update(targetDir).digest('hex').slice(0, 16)}.sock`);
  if (Buffer.byteLength(short) > maxSocketPathBytes()) {
    throw new GowatchError('profile', `no place for the profile socket: ${short} is longer than the ${maxSocketPathBytes()} bytes a socket path may have here; set TMPDIR to a shorter directory`);
  }
  await claimSharedPlaceDir(dir, uid);
  return short;
};
