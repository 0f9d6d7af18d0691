import { realpathSync } from 'node:fs';
import { mountHolding, readMounts } from './mountinfo.js';

/**
 * Filesystems whose changes made elsewhere (the host, another machine) never reach inotify:
 * network mounts, FUSE (Docker Desktop's grpcfuse, sshfs, bindfs), 9p and virtiofs (WSL2,
 * VMs), VirtualBox and Parallels shares, WSL1's drvfs.
 */
const BLIND_TYPES = new Set([
  'nfs', 'nfs4', 'cifs', 'smb', 'smb2', 'smb3', 'smbfs', '9p', 'virtiofs', 'drvfs', 'vboxsf', 'prl_fs', 'fakeowner',
  'fuse', 'fuseblk', 'ceph', 'glusterfs', 'afs', 'sshfs', 'davfs',
]);

export const isBlindFilesystem = (type: string): boolean => BLIND_TYPES.has(type) || type.startsWith('fuse.');

/**
 * The filesystem type of the mount holding `dir` (Linux: the longest mount point in
 * /proc/self/mountinfo that prefixes the real path). Undefined where it cannot be told.
 */
export const filesystemType = (dir: string, mountinfo = '/proc/self/mountinfo'): string | undefined => {
  if (process.platform !== 'linux') return undefined;
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    return undefined;
  }
  return mountHolding(readMounts(mountinfo), real)?.type;
};
