import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { filesystemType } from '../src/watch/fs-type.js';
import { mountHolding, parseMountinfo, readMounts } from '../src/watch/mountinfo.js';
import { tempDir } from './support/fixtures.js';

/**
 * The one mountinfo parser (src/watch/mountinfo.ts), which both the backend choice (fs-type.ts)
 * and the container hints (environment.ts) read: against findmnt on this machine's real table,
 * a real FUSE mount whose point needs unescaping, and the table's own rules on a sample.
 */

test('a mountinfo table: optional fields skipped, points unescaped, and of two mounts on one point the later holds it', () => {
  const table = [
    '22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
    '30 22 0:25 / /home/me/my\\040project rw,nosuid shared:9 master:3 - fuse.bindfs bindfs rw,user_id=0',
    '31 22 0:26 / /srv rw - nfs4 server:/export rw',
    '32 31 0:27 / /srv rw - tmpfs tmpfs rw',
    '',
  ].join('\n');
  const mounts = parseMountinfo(table);
  assert.deepEqual(mounts.map((mount) => mount.point), ['/', '/home/me/my project', '/srv', '/srv']);
  assert.equal(mountHolding(mounts, '/home/me/my project/cmd/api')?.type, 'fuse.bindfs');
  assert.equal(mountHolding(mounts, '/home/me/my projects')?.type, 'ext4');
  assert.equal(mountHolding(mounts, '/srv/data')?.type, 'tmpfs');
  assert.equal(mountHolding(mounts, '/')?.type, 'ext4');
});

const findmnt = (target: string) => execFileSync('findmnt', ['-n', '-o', 'FSTYPE,TARGET', '--target', target], { encoding: 'utf8' }).trim().split(/\s+/);

test('the mount of a path is the one findmnt names, a FUSE mount whose point holds a space included', { skip: spawnSync('findmnt', ['--version']).error && 'findmnt is not installed' }, (t) => {
  const mounts = readMounts();
  for (const dir of ['/', realpathSync(tmpdir())]) {
    const [type, point] = findmnt(dir);
    assert.deepEqual(mountHolding(mounts, dir), { point, type }, dir);
  }
  const fixture = tempDir('gowatch-mountinfo-');
  const source = path.join(fixture.dir, 'host');
  const mount = path.join(fixture.dir, 'my project');
  mkdirSync(path.join(source, 'cmd'), { recursive: true });
  mkdirSync(mount);
  const mounted = spawnSync('bindfs', ['--no-allow-other', source, mount], { encoding: 'utf8' });
  if (mounted.error && !process.env['CI']) {
    fixture.cleanup();
    t.skip('bindfs is not installed (apt-get install bindfs); the FUSE case was not tested');
    return;
  }
  assert.equal(mounted.status, 0, `bindfs failed: ${mounted.stderr ?? mounted.error}`);
  t.after(() => {
    execFileSync('fusermount', ['-u', mount]);
    fixture.cleanup();
  });
  const inside = path.join(mount, 'cmd');
  assert.deepEqual(mountHolding(readMounts(), inside), { point: mount, type: findmnt(inside)[0] });
  assert.match(filesystemType(inside) ?? '', /^fuse/);
});
