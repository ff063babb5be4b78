// Deterministic test data without a Generator: a linear congruential sequence
// (Numerical Recipes' constants), uniform in [-scale, scale).

/** A seeded source of uniform numbers in [-scale, scale). */
export function lcg(seed: number, scale = 1): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return ((s / 4294967296) * 2 - 1) * scale;
  };
}
