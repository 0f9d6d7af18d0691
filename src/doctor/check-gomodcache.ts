import type { Check } from './check.js';
import { goCacheFinding, SIZE_WALK_MS } from './go-cache-finding.js';
import { FIX_GO_FIRST, withoutGo } from './probe.js';
import { warn } from './report.js';

/** GOMODCACHE: where go downloads modules (and toolchains); a read-only one only hurts when something is missing. */
export const gomodcacheCheck: Check = {
  id: 'gomodcache',
  timeoutMs: 20_000 + SIZE_WALK_MS,
  run: async (context) => {
    const probe = await context.probe();
    if (!probe.env.ok) return warn(withoutGo(probe)!, FIX_GO_FIRST);
    return goCacheFinding({ name: 'GOMODCACHE', role: 'module download cache', hard: false }, probe.env.values['GOMODCACHE']);
  },
};
