import { goflagsProblem } from '../go/goflags.js';
import type { Check } from './check.js';
import { FIX_GO_FIRST, withoutGo } from './probe.js';
import { fail, ok, warn } from './report.js';
import { settingSource } from './setting-source.js';

/** GOFLAGS: flags every go list and go build of gowatch gets (and that shape the closure and the key); one that leaves no program fails, as gowatch run refuses it. */
export const goflagsCheck: Check = {
  id: 'goflags',
  timeoutMs: 20_000,
  run: async (context) => {
    const probe = await context.probe();
    if (!probe.env.ok) return warn(withoutGo(probe)!, FIX_GO_FIRST);
    const goflags = probe.env.values['GOFLAGS'] ?? '';
    if (!goflags) return ok('GOFLAGS is empty: go list and go build get only the flags of go.build.flags');
    const source = settingSource('GOFLAGS', context.env, probe.env.values);
    const problem = goflagsProblem(goflags);
    if (problem) return fail(`${problem} (${source})`, 'remove that flag from GOFLAGS: gowatch run refuses it');
    return ok(`GOFLAGS=${goflags} (${source}) applies to every go list and go build`);
  },
};
