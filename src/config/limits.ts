/**
 * Bounds on what a config may hold, so that the largest config gowatch accepts still loads in
 * well under a second and a few megabytes. Real configs are a few hundred bytes; each bound is
 * far above any honest use and far below what would hurt.
 */

/** Bytes of buddy.watch.json; read at most one more than this, whatever the file claims. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Nesting of arrays and objects; a config needs 2, and deep input overflows recursive code. */
export const MAX_DEPTH = 32;

/** Items of one array or object: program arguments, build flags, environment variables. */
export const MAX_ITEMS = 10_000;

/** Files of go.run.envFile: each is read again at every start of the program. */
export const MAX_ENV_FILES = 100;

/**
 * Globs in go.watch.patterns: each is compiled to a regular expression (twice: checked, then
 * used) and tried on every changed path. 10,000 long ones cost 2.3 s and 160 MB at start;
 * 1,000 stay under half a second and 60 MB.
 */
export const MAX_PATTERNS = 1000;

/** Characters of a glob, build flag, package or env name. */
export const MAX_NAME_LENGTH = 4096;

/** Characters of a program argument or env value: four bytes each still fit the kernel's 128 KiB per string. */
export const MAX_TEXT_LENGTH = 16_384;

/** `*` runs (and extglob repeats) in one glob: each more multiplies the backtracking a match can take. */
export const MAX_GLOB_WILDCARDS = 4;
