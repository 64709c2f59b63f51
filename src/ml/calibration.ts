/**
 * softmax(scores / temperature)[index]. One-vs-rest SVM decision values are margins, not probabilities; a single
 * temperature fitted on held-out data (Guo et al. 2017, "temperature scaling") turns them into calibrated ones.
 */
export function softmaxConfidence(scores: readonly number[], index: number, temperature: number): number {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  let sum = 0;
  for (const s of scores) sum += Math.exp((s - max) / temperature);
  return Math.exp(((scores[index] as number) - max) / temperature) / sum;
}

/** Mean negative log-likelihood of the true labels under softmax(scores / temperature). */
export function negativeLogLikelihood(
  scores: readonly (readonly number[])[],
  labels: ArrayLike<number>,
  temperature: number,
): number {
  let total = 0;
  scores.forEach((s, k) => {
    total -= Math.log(Math.max(softmaxConfidence(s, labels[k] as number, temperature), 1e-300));
  });
  return total / scores.length;
}

/**
 * The temperature minimising held-out NLL, by golden-section search on log T over [1e-3, 1e2]
 * (NLL is unimodal in T for a fixed set of scores).
 */
export function fitTemperature(scores: readonly (readonly number[])[], labels: ArrayLike<number>): number {
  const f = (logT: number): number => negativeLogLikelihood(scores, labels, Math.exp(logT));
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = Math.log(1e-3);
  let b = Math.log(1e2);
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let k = 0; k < 60; k++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = f(d);
    }
  }
  return Math.exp((a + b) / 2);
}
