import { shownPath } from '../config/quote.js';
import { cacheRoot } from '../go/cache-dir.js';
import { isWithin } from '../paths.js';
import type { Check } from './check.js';
import { fail, ok, warn } from './report.js';
import { checkWritable, formatBytes, LOW_SPACE_BYTES } from './writable.js';

/** gowatch's own cache (built binaries, the record of running programs): writable, outside the project. */
export const gowatchCacheCheck: Check = {
  id: 'gowatch-cache',
  timeoutMs: 10_000,
  run: async (context) => {
    const root = cacheRoot(context.env);
    const elsewhere = 'set GOWATCH_CACHE_DIR to a writable directory outside your repository';
    const writable = await checkWritable(root);
    if (!writable.ok) return fail(`${shownPath(root)}: ${writable.problem}`, `make it writable, or ${elsewhere}`);
    const state = writable.exists ? 'writable' : `created on the first run (${shownPath(writable.tried)} is writable)`;
    const free = writable.freeBytes === undefined ? '' : `; ${formatBytes(writable.freeBytes)} free`;
    const summary = `${shownPath(root)}: ${state}${free}`;
    if (isWithin(root, context.projectRoot)) return warn(`${summary}, but inside the project ${shownPath(context.projectRoot)}: every build writes into the watched tree`, elsewhere);
    if (writable.freeBytes !== undefined && writable.freeBytes < LOW_SPACE_BYTES) return warn(summary, `free some space (gowatch cache clean --all empties it), or ${elsewhere}`);
    return ok(summary);
  },
};
