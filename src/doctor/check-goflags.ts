import type { Check } from './check.js';
import { FIX_GO_FIRST, withoutGo } from './probe.js';
import { ok, warn } from './report.js';
import { settingSource } from './setting-source.js';

/** GOFLAGS: flags every go list and go build of gowatch gets (and that shape the closure and the key). */
export const goflagsCheck: Check = {
  id: 'goflags',
  timeoutMs: 20_000,
  run: async (context) => {
    const probe = await context.probe();
    if (!probe.env.ok) return warn(withoutGo(probe)!, FIX_GO_FIRST);
    const goflags = probe.env.values['GOFLAGS'] ?? '';
    if (!goflags) return ok('GOFLAGS is empty: go list and go build get only the flags of go.build.flags');
    return ok(`GOFLAGS=${goflags} (${settingSource('GOFLAGS', context.env, probe.env.values)}) applies to every go list and go build`);
  },
};
