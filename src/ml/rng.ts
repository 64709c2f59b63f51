/** A seeded pseudo-random generator returning floats in [0, 1). */
export type RandomSource = () => number;

/**
 * mulberry32: a tiny 32-bit generator, plenty for shuffling data splits; the same seed gives the same sequence on
 * every platform.
 */
export function mulberry32(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random permutation of 0..n-1 (Fisher-Yates) drawn from `random`. */
export function permutation(n: number, random: RandomSource): Int32Array {
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  for (let k = n - 1; k > 0; k--) {
    const r = Math.floor(random() * (k + 1));
    const tmp = order[k] as number;
    order[k] = order[r] as number;
    order[r] = tmp;
  }
  return order;
}
