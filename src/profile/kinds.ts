/** The profiles gowatch captures from a running program. */
export const PROFILE_KINDS = ['heap', 'allocs', 'goroutine', 'cpu', 'mutex', 'block'] as const;
export type ProfileKind = (typeof PROFILE_KINDS)[number];

/**
 * The longest CPU profile asked for, in seconds: the injected server refuses longer ones, so a
 * forgotten capture cannot keep the program's CPU profiler (one per process) for long.
 */
export const MAX_CPU_SECONDS = 300;
