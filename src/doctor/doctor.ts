import { runCheck, type Check } from './check.js';
import { configCheck } from './check-config.js';
import { containerCheck } from './check-container.js';
import { delveCheck } from './check-delve.js';
import { goCheck } from './check-go.js';
import { gocacheCheck, gomodcacheCheck } from './check-gocache.js';
import { goflagsCheck } from './check-goflags.js';

import { gorootCheck } from './check-goroot.js';
import { gowatchCacheCheck } from './check-gowatch-cache.js';
import { inotifyCheck } from './check-inotify.js';
import { targetsCheck } from './check-targets.js';
import { toolchainCheck } from './check-toolchain.js';
import { watchBackendCheck } from './check-watch-backend.js';
import { DoctorContext, type DoctorFlags } from './context.js';
import type { DoctorReport } from './report.js';

/** Every check, in CHECK_IDS order. */
const CHECKS: readonly Check[] = [
  goCheck, gorootCheck, toolchainCheck, goflagsCheck, gocacheCheck, gomodcacheCheck, configCheck, targetsCheck, watchBackendCheck, inotifyCheck, containerCheck, gowatchCacheCheck, delveCheck,
];

/**
 * Runs every check at once (what they share — config, go probe, closures, watch plan — is
 * computed once) and reports them in a fixed order. `ok` is false when any check failed.
 */
export const runDoctor = async (flags: DoctorFlags, env: NodeJS.ProcessEnv = process.env, processCwd = process.cwd()): Promise<DoctorReport> => {
  const context = new DoctorContext(flags, env, processCwd);
  const checks = await Promise.all(CHECKS.map((check) => runCheck(check, context)));
  return { ok: checks.every((check) => check.status !== 'fail'), checks };
};
