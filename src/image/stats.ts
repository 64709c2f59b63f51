/** Number of histogram bins used for quantiles and Otsu's threshold on [0, 1] data. */
const BINS = 256;

/**
 * Builds a 256-bin histogram of values in [0, 1] (values outside are clamped), optionally for selected indices.
 * @param values data
 * @param select optional predicate on the index
 * @returns bin counts
 */
export function histogram(values: Float32Array, select?: (index: number) => boolean): Float64Array {
  const bins = new Float64Array(BINS);
  if (select === undefined) {
    // The same counts without a test per pixel (a count is a whole number: the order of the +1s does not matter).
    for (let i = 0; i < values.length; i++) {
      const b = histogramBin(values[i] as number);
      bins[b] = (bins[b] as number) + 1;
    }
    return bins;
  }
  for (let i = 0; i < values.length; i++) {
    if (!select(i)) continue;
    const b = histogramBin(values[i] as number);
    bins[b] = (bins[b] as number) + 1;
  }
  return bins;
}

/** The bin of a value in [0, 1] in {@link histogram}'s 256 bins (values outside are clamped). */
export function histogramBin(v: number): number {
  return Math.min(BINS - 1, Math.max(0, Math.floor(v * BINS)));
}

/**
 * The q-quantile of a histogram, as the centre of the bin where the cumulative count crosses q.
 * @param bins histogram from {@link histogram}
 * @param q quantile in [0, 1]
 * @returns a value in [0, 1]; 0 for an empty histogram
 */
export function histogramQuantile(bins: Float64Array, q: number): number {
  const total = bins.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  const target = q * total;
  let cumulative = 0;
  for (let b = 0; b < bins.length; b++) {
    cumulative += bins[b] as number;
    if (cumulative >= target && cumulative > 0) return (b + 0.5) / bins.length;
  }
  return 1;
}

/**
 * Otsu's threshold (Otsu 1979): the split maximizing the between-class variance of the histogram.
 * @param bins histogram from {@link histogram}
 * @returns a threshold in [0, 1]; values at or above it are the upper class. 1 for a single-valued histogram.
 */
export function otsuThreshold(bins: Float64Array): number {
  let total = 0;
  let sumAll = 0;
  for (let b = 0; b < bins.length; b++) {
    total += bins[b] as number;
    sumAll += b * (bins[b] as number);
  }
  let weightLow = 0;
  let sumLow = 0;
  let best = -1;
  let bestBin = bins.length - 1;
  for (let b = 0; b < bins.length - 1; b++) {
    weightLow += bins[b] as number;
    sumLow += b * (bins[b] as number);
    const weightHigh = total - weightLow;
    if (weightLow === 0 || weightHigh === 0) continue;
    const diff = sumLow / weightLow - (sumAll - sumLow) / weightHigh;
    const between = weightLow * weightHigh * diff * diff;
    if (between > best) {
      best = between;
      bestBin = b;
    }
  }
  return (bestBin + 1) / bins.length;
}
