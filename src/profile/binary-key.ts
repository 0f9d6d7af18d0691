import path from 'node:path';

/** Characters of a build key that name a build for people: as many as profile file names carry. */
const SHORT_KEY = 8;

/**
 * The short build key of a binary gowatch runs: binaries are kept under their build key as
 * their file name (go/binary-cache.ts), so the running program's path says which build it is.
 */
export const shortKeyOf = (binary: string): string => path.basename(binary).replace(/\.exe$/i, '').slice(0, SHORT_KEY);
