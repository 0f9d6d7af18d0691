/** A seeded PRNG (mulberry32): a failing randomised case can be replayed from its seed. */
export const seededRandom = (seed: number) => {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** A whole number from `min` to `max`, both included. */
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
};

/** The seed of this run: fixed by GOWATCH_TEST_SEED to replay one, else new each run and printed by the tests. */
export const testSeed = (): number => Number(process.env['GOWATCH_TEST_SEED'] ?? Date.now() % 2 ** 31);
