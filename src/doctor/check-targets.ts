import { existsSync } from 'node:fs';
import { oneLine, shownPath } from '../text/quote.js';
import { buildFileCount } from '../go/build-file-count.js';
import { plural } from '../text/plural.js';
import type { Check } from './check.js';
import { GO_LIST_TIMEOUT_MS, SHOWN, type DoctorContext, type TargetListing } from './context.js';
import { fail, ok, warn, type Finding } from './report.js';
import { GO_ENV_TIMEOUT_MS } from '../go/run-go-bounded.js';
import { toolchainFor } from './toolchain-for.js';

/** One target's finding; a closure listed with problems in it is a warning: gowatch run starts and waits for a fix. */
const targetFinding = async (context: DoctorContext, listing: TargetListing): Promise<Finding> => {
  const { target, closure, error } = listing;
  const name = target.name;
  const tryIt = `cd ${shownPath(target.target.cwd)} && go build ${[...target.target.buildFlags, target.target.pkg].join(' ')}`;
  if (error) {
    const toolchain = await toolchainFor(context, target.target.cwd);
    if (toolchain?.decision.kind === 'switch') {
      return warn(
        `${name}: go list with the local Go failed, and gowatch run would use ${toolchain.decision.to} (see the toolchain check): ${error}`,
        `run ${tryIt} to see whether it builds with ${toolchain.decision.to}`,
      );
    }
    return fail(`${name}: ${error}`, error.startsWith('not checked') ? 'make go work first (see the go check)' : `make the package load: ${tryIt} shows the same problem`);
  }
  const c = closure!;
  const what = `${name}: ${c.target.importPath}, main package, ${plural(c.packages.length, 'package')}, ${plural(buildFileCount(c, existsSync), 'file')}`;
  if (c.target.error) return warn(`${what}; go reports: ${oneLine(c.target.error, SHOWN)}`, `gowatch run starts anyway and builds once it is fixed; ${tryIt} shows it`);
  if (c.unresolved.length > 0) {
    return warn(`${what}; imports go cannot find: ${c.unresolved.slice(0, 5).join(', ')}${c.unresolved.length > 5 ? ', …' : ''}`, `add the missing modules (go get, go mod tidy) or fix the imports; ${tryIt} shows it`);
  }
  return ok(what);
};

const RANK = { ok: 0, warn: 1, fail: 2 } as const;

/** Each target found, a main package, its closure listed as gowatch run lists it. */
export const targetsCheck: Check = {
  id: 'targets',
  timeoutMs: 25_000 + GO_ENV_TIMEOUT_MS + GO_LIST_TIMEOUT_MS,
  run: async (context) => {
    const listings = await context.targets();
    if (!listings) return fail('not checked: the configuration is invalid (see the config check)', 'correct the configuration first');
    const findings = await Promise.all(listings.map((listing) => targetFinding(context, listing)));
    if (findings.length === 1) return findings[0]!;
    const worst = findings.reduce((a, b) => (RANK[b.status] > RANK[a.status] ? b : a));
    const failed = findings.filter((finding) => finding.status === 'fail').length;
    const warned = findings.filter((finding) => finding.status === 'warn').length;
    const summary = `${plural(findings.length, 'target')}: ${findings.length - failed - warned} ready${warned ? `, ${warned} with warnings` : ''}${failed ? `, ${failed} failed` : ''}`;
    const detail = findings.map((finding) => `${finding.status}: ${finding.summary}`).join('\n');
    return worst.status === 'ok' ? ok(summary, detail) : { status: worst.status, summary, detail, fix: worst.fix! };
  },
};
