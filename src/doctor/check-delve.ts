import { loadConfig } from '../config/load.js';
import { shownPath } from '../text/quote.js';
import { DLV_INSTALL, dlvVersion, findDlv } from '../debug/find-dlv.js';
import type { Check } from './check.js';
import type { DoctorContext } from './context.js';
import { inspectionEnv } from './probe.js';
import { fail, ok, warn } from './report.js';

/** Where the debug mode is asked for: doctor's own --debug, buddy.watch.json's go.debug.* keys, or nowhere. */
const debugAskedBy = (context: DoctorContext): 'flag' | 'config' | undefined => {
  if (context.flags.debug || context.flags.debugListen !== undefined) return 'flag';
  try {
    const loaded = loadConfig(context.cwd, context.flags.config);
    const sets = (keys: ReadonlySet<string>) => [...keys].some((key) => key.startsWith('go.debug.'));
    return sets(loaded.keys) || [...loaded.ownKeys.values()].some(sets) ? 'config' : undefined;
  } catch {
    // An unreadable config is the config check's finding.
    return undefined;
  }
};

/** Delve, which gowatch run --debug starts: found (and its version), or the command that installs it. */
export const delveCheck: Check = {
  id: 'delve',
  timeoutMs: 25_000,
  run: async (context) => {
    const asked = debugAskedBy(context);
    const env = inspectionEnv(context.env);
    const search = await findDlv(context.goCwd, env);
    if (search.found) {
      const version = await dlvVersion(search.file, context.env);
      return ok(`dlv ${version ?? '(its version unknown)'} at ${shownPath(search.file)}${asked ? '' : ', for gowatch run --debug'}`);
    }
    const missing = `dlv (Delve) is ${search.installDir === undefined ? 'not on PATH' : `neither on PATH nor in ${shownPath(search.installDir)}`}`;
    const fix = `install it with ${DLV_INSTALL}`;
    if (asked === undefined) return ok(`${missing}: only gowatch run --debug needs it (${fix})`);
    if (asked === 'flag') return fail(`${missing}: gowatch run --debug cannot start`, fix);
    return warn(`${missing}, and buddy.watch.json sets go.debug.*: gowatch run --debug cannot start`, fix);
  },
};
