import type { Check } from './check.js';
import { goCacheFinding, SIZE_WALK_MS, type GoCacheKind } from './go-cache-finding.js';
import { FIX_GO_FIRST, withoutGo } from './probe.js';
import { warn, type CheckId } from './report.js';

/** A check of one of go's cache directories, named as `go env` names it. */
const cacheCheck = (id: CheckId, kind: GoCacheKind): Check => ({
  id,
  timeoutMs: 20_000 + SIZE_WALK_MS,
  run: async (context) => {
    const probe = await context.probe();
    if (!probe.env.ok) return warn(withoutGo(probe)!, FIX_GO_FIRST);
    return goCacheFinding(kind, probe.env.values[kind.name]);
  },
});

/** GOCACHE: go build cannot work without writing there. */
export const gocacheCheck = cacheCheck('gocache', { name: 'GOCACHE', role: 'build cache', hard: true });

/** GOMODCACHE: where go downloads modules (and toolchains); a read-only one only hurts when something is missing. */
export const gomodcacheCheck = cacheCheck('gomodcache', { name: 'GOMODCACHE', role: 'module download cache', hard: false });
