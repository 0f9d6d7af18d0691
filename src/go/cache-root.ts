import { shownPath } from '../text/quote.js';
import { checkWritable } from '../files/writable.js';

/** What to do about a cache directory gowatch cannot use. */
export const CACHE_ROOT_ELSEWHERE = 'set GOWATCH_CACHE_DIR to a writable directory outside your repository';

export type CacheRootState =
  | { readonly ok: true; readonly root: string; readonly exists: boolean; readonly tried: string; readonly freeBytes: number | undefined }
  | { readonly ok: false; readonly root: string; readonly summary: string; readonly fix: string };

/**
 * Whether gowatch's cache directory can be used, judged the one way `gowatch doctor` reports it
 * and `gowatch run` refuses it: a file is created and removed there (or, before the first run,
 * in the nearest existing directory above it). Nothing is created for it.
 */
export const inspectCacheRoot = async (root: string): Promise<CacheRootState> => {
  const writable = await checkWritable(root);
  if (writable.ok) return { ...writable, root };
  return { ok: false, root, summary: `${shownPath(root)}: ${writable.problem}`, fix: `make it writable, or ${CACHE_ROOT_ELSEWHERE}` };
};
