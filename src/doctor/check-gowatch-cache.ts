import { shownPath } from '../text/quote.js';
import { cacheRoot } from '../go/cache-dir.js';
import { CACHE_ROOT_ELSEWHERE, inspectCacheRoot } from '../go/cache-root.js';
import { isWithin } from '../paths.js';
import { formatBytes } from '../report/bytes.js';
import type { Check } from './check.js';
import { fail, ok, warn } from './report.js';
import { LOW_SPACE_BYTES } from '../files/writable.js';

/** gowatch's own cache (built binaries, the record of running programs): writable, outside the project. */
export const gowatchCacheCheck: Check = {
  id: 'gowatch-cache',
  timeoutMs: 10_000,
  run: async (context) => {
    const root = cacheRoot(context.env);
    const state = await inspectCacheRoot(root);
    if (!state.ok) return fail(state.summary, state.fix);
    const condition = state.exists ? 'writable' : `created on the first run (${shownPath(state.tried)} is writable)`;
    const free = state.freeBytes === undefined ? '' : `; ${formatBytes(state.freeBytes)} free`;
    const summary = `${shownPath(root)}: ${condition}${free}`;
    if (isWithin(root, context.projectRoot)) return warn(`${summary}, but inside the project ${shownPath(context.projectRoot)}: every build writes into the watched tree`, CACHE_ROOT_ELSEWHERE);
    if (state.freeBytes !== undefined && state.freeBytes < LOW_SPACE_BYTES) return warn(summary, `free some space (gowatch cache clean --all empties it), or ${CACHE_ROOT_ELSEWHERE}`);
    return ok(summary);
  },
};
