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
  if (select === undefined) return countBins(values, bins);
  const counts = new Int32Array(8 * BINS);
  for (let i = 0; i < values.length; i++) if (select(i)) increment(counts, (i & 3) * BINS + binOf(values[i] as number));
  return sumCounts(counts, bins);
}

/**
 * Counts every value into `bins`. Most of a picture is paper, so most values fall in one bin, and a single array of
 * counts makes each +1 wait for the one before it: four interleaved integer histograms, summed at the end, keep four
 * chains apart (counts are whole numbers, so the sums are the same in any order; a NaN is counted nowhere, as
 * `bins[NaN]` never was).
 */
function countBins(values: Float32Array, bins: Float64Array): Float64Array {
  const counts = new Int32Array(8 * BINS);
  const n = values.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    increment(counts, binOf(values[i] as number));
    increment(counts, BINS + binOf(values[i + 1] as number));
    increment(counts, 2 * BINS + binOf(values[i + 2] as number));
    increment(counts, 3 * BINS + binOf(values[i + 3] as number));
  }
  for (; i < n; i++) increment(counts, binOf(values[i] as number));
  return sumCounts(counts, bins);
}

/** bins[b] = the four interleaved counts of bin b (see countBins). */
function sumCounts(counts: Int32Array, bins: Float64Array): Float64Array {
  for (let b = 0; b < BINS; b++)
    bins[b] =
      (counts[b] as number) +
      (counts[BINS + b] as number) +
      (counts[2 * BINS + b] as number) +
      (counts[3 * BINS + b] as number);
  return bins;
}

/** counts[k] += 1 (for the interleaved histograms: V8 inlines it). */
export function increment(counts: Int32Array, k: number): void {
  counts[k] = (counts[k] as number) + 1;
}

/** Where binOf sends a NaN: past the four histograms, so it is never summed. */
const NAN_SLOT = 4 * BINS;

/** histogramBin for a value that is not NaN; NAN_SLOT for a NaN. */
function binOf(v: number): number {
  return v > 0 ? (v < 1 ? (v * BINS) | 0 : BINS - 1) : v <= 0 ? 0 : NAN_SLOT;
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
