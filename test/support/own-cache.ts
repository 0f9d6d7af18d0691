import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Imported for its effect: every gowatch a test starts — a child process, which inherits this
 * environment, or `watch()` in this process — uses a cache of this test process's own, removed
 * when it exits, so `npm test` leaves nothing in the user's gowatch cache. An inherited
 * GOWATCH_CACHE_DIR is the user's cache too, so it is replaced; a test that gives gowatch a
 * GOWATCH_CACHE_DIR of its own still has it.
 */
export const OWN_CACHE_PREFIX = 'gowatch-test-cache-';

const ownCache = mkdtempSync(path.join(tmpdir(), OWN_CACHE_PREFIX));
process.env['GOWATCH_CACHE_DIR'] = ownCache;
process.on('exit', () => rmSync(ownCache, { recursive: true, force: true }));
