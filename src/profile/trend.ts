/** What LeakTrend says when memory has grown steadily over its window. */
export type LeakFinding = {
  /** The fitted line's slope. */
  readonly bytesPerMinute: number;
  /** The time the fitted samples span: the window, or a sample interval more. */
  readonly windowMs: number;
  /** The fitted line at the first and the last sample of the window. */
  readonly fromBytes: number;
  readonly toBytes: number;
};

export type LeakTrendOptions = {
  /** How far back the fit looks. */
  readonly windowMs?: number;
  /** Fewer samples than this in a full window is too little to judge (a sampler that stalled). */
  readonly minSamples?: number;
  /** How well a straight line must explain the samples (R², 0 to 1). */
  readonly minFit?: number;
  /** The least fitted growth over the window, in bytes … */
  readonly minGrowthBytes?: number;
  /** … and as a share of the fitted start (0.05 is 5 %). */
  readonly minGrowthRatio?: number;
};

export const LEAK_TREND_DEFAULTS: Required<LeakTrendOptions> = {
  windowMs: 3 * 60_000,
  minSamples: 12,
  // A step up scores at most 0.75 (a line through a step in the middle of the window), a GC
  // saw-tooth of several teeth near 0: only growth that keeps going all window long passes.
  minFit: 0.9,
  minGrowthBytes: 16 * 1024 * 1024,
  minGrowthRatio: 0.05,
};

type Sample = { readonly atMs: number; readonly bytes: number };

type Fit = { readonly slope: number; readonly intercept: number; readonly r2: number };

/** The least-squares line through `samples` (time relative to the first, for precision). */
const fitLine = (samples: readonly Sample[]): Fit => {
  const t0 = samples[0]!.atMs;
  const n = samples.length;
  let meanT = 0;
  let meanY = 0;
  for (const s of samples) {
    meanT += (s.atMs - t0) / n;
    meanY += s.bytes / n;
  }
  let stt = 0;
  let sty = 0;
  let syy = 0;
  for (const s of samples) {
    const dt = s.atMs - t0 - meanT;
    const dy = s.bytes - meanY;
    stt += dt * dt;
    sty += dt * dy;
    syy += dy * dy;
  }
  const slope = stt === 0 ? 0 : sty / stt;
  // A perfectly flat series has nothing to explain: no fit, no leak.
  const r2 = stt === 0 || syy === 0 ? 0 : (sty * sty) / (stt * syy);
  return { slope, intercept: meanY - slope * meanT, r2 };
};

/**
 * Tells a program whose memory keeps growing from one that is flat, noisy, saw-toothed by its
 * garbage collector or that stepped up once: a straight line fitted over the last window must
 * explain the samples well and rise by more than both floors. Says so once, until `reset()`.
 * Pure: the clock is the samples' own times.
 */
export class LeakTrend {
  readonly #options: Required<LeakTrendOptions>;
  #samples: Sample[] = [];
  #said = false;

  constructor(options: LeakTrendOptions = {}) {
    this.#options = { ...LEAK_TREND_DEFAULTS, ...options };
  }

  /** Takes one sample; the finding the first time the trend is a leak, undefined otherwise. */
  add(atMs: number, rssBytes: number): LeakFinding | undefined {
    if (this.#said || !Number.isFinite(atMs) || !Number.isFinite(rssBytes) || rssBytes < 0) return undefined;
    const last = this.#samples.at(-1);
    if (last && atMs <= last.atMs) return undefined;
    this.#samples.push({ atMs, bytes: rssBytes });
    // Keep one sample at or before the window's start, so a full window spans all of it.
    const start = atMs - this.#options.windowMs;
    while (this.#samples.length > 1 && this.#samples[1]!.atMs <= start) this.#samples.shift();
    const finding = this.#judge(start);
    if (finding) this.#said = true;
    return finding;
  }

  /** Forgets the samples and the finding: a new run of the program. */
  reset(): void {
    this.#samples = [];
    this.#said = false;
  }

  #judge(start: number): LeakFinding | undefined {
    const samples = this.#samples;
    const first = samples[0]!;
    const last = samples.at(-1)!;
    if (first.atMs > start || samples.length < this.#options.minSamples) return undefined;
    const fit = fitLine(samples);
    const spanMs = last.atMs - first.atMs;
    const fromBytes = fit.intercept;
    const toBytes = fit.intercept + fit.slope * spanMs;
    const growth = toBytes - fromBytes;
    const steady = fit.r2 >= this.#options.minFit;
    const large = growth >= this.#options.minGrowthBytes && growth >= this.#options.minGrowthRatio * Math.max(fromBytes, 0);
    if (!steady || !large) return undefined;
    return {
      bytesPerMinute: Math.round(fit.slope * 60_000),
      windowMs: spanMs,
      fromBytes: Math.round(fromBytes),
      toBytes: Math.round(toBytes),
    };
  }
}
