import { shownPath } from '../text/quote.js';
import { formatBytes } from '../report/bytes.js';
import { noun } from '../text/plural.js';
import { seconds } from '../text/duration.js';
import { fail, ok, warn, type Finding } from './report.js';
import { treeTotals } from './tree-totals.js';
import { checkWritable, LOW_SPACE_BYTES } from '../files/writable.js';

/** How long adding up a cache's size may take: a size is worth a few seconds, not more. */
export const SIZE_WALK_MS = 3000;

export type GoCacheKind = {
  readonly name: 'GOCACHE' | 'GOMODCACHE';
  /** What go uses it for, for messages. */
  readonly role: string;
  /** Whether go cannot work at all without writing there (GOCACHE), or only cannot download (GOMODCACHE). */
  readonly hard: boolean;
};

const count = (n: number) => n.toLocaleString('en-US');

/** Writable, how big, how much room left: one of go's caches. */
export const goCacheFinding = async (kind: GoCacheKind, dir: string | undefined): Promise<Finding> => {
  const fixDir = `make ${kind.name} writable (it is go's ${kind.role}), or point it elsewhere: go env -w ${kind.name}=/a/writable/dir`;
  const bad = kind.hard ? fail : warn;
  if (!dir) return bad(`${kind.name} is not set and go cannot choose one (no HOME or XDG_CACHE_HOME?)`, `set HOME, or ${kind.name}: go env -w ${kind.name}=/a/writable/dir`);
  if (dir === 'off' && kind.name === 'GOCACHE') return fail('GOCACHE=off: go build refuses to work without its build cache', 'unset GOCACHE (or go env -u GOCACHE) to use the default');
  const writable = await checkWritable(dir);
  if (!writable.ok) return bad(`${kind.name} ${shownPath(dir)}: ${writable.problem}`, fixDir);
  if (!writable.exists) return ok(`${kind.name} ${shownPath(dir)} does not exist yet; go creates it (${shownPath(writable.tried)} is writable)`);
  const size = await treeTotals(dir, { deadline: Date.now() + SIZE_WALK_MS, sizes: true });
  const more = size.cut ? 'more than ' : '';
  const amount = `${more}${formatBytes(size.bytes)} in ${more}${count(size.files)} ${noun(size.files, 'file')}${size.cut ? ` (counted for ${seconds(SIZE_WALK_MS)})` : ''}`;
  const free = writable.freeBytes === undefined ? '' : `; ${formatBytes(writable.freeBytes)} free`;
  const summary = `${kind.name} ${shownPath(dir)}: writable, ${amount}${free}`;
  if (writable.freeBytes !== undefined && writable.freeBytes < LOW_SPACE_BYTES) {
    return warn(summary, `free some space on that filesystem${kind.name === 'GOCACHE' ? ' (go clean -cache empties the build cache)' : ' (go clean -modcache empties the module cache)'}`);
  }
  return ok(summary);
};
