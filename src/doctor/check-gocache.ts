import type { Check } from './check.js';
import { goCacheFinding, SIZE_WALK_MS } from './go-cache-finding.js';
import { FIX_GO_FIRST, withoutGo } from './probe.js';
import { warn } from './report.js';

/** GOCACHE: go build cannot work without writing there. */
export const gocacheCheck: Check = {
  id: 'gocache',
  timeoutMs: 20_000 + SIZE_WALK_MS,
  run: async (context) => {
    const probe = await context.probe();
    if (!probe.env.ok) return warn(withoutGo(probe)!, FIX_GO_FIRST);
    return goCacheFinding({ name: 'GOCACHE', role: 'build cache', hard: true }, probe.env.values['GOCACHE']);
  },
};
