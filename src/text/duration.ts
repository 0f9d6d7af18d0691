/** A duration as people read it in a message: tenths of seconds. */
export const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;
