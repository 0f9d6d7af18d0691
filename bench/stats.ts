/** Summary of a sample set: median, 90th percentile (nearest rank), min and max. */
export type Summary = { readonly n: number; readonly median: number; readonly p90: number; readonly min: number; readonly max: number };

export const summarize = (samples: readonly number[]): Summary | undefined => {
  const sorted = samples.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const mid = Math.floor(sorted.length / 2);
  return {
    n: sorted.length,
    median: sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2,
    p90: sorted[Math.ceil(0.9 * sorted.length) - 1]!,
    min: sorted[0]!,
    max: sorted.at(-1)!,
  };
};
