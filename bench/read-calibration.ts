/**
 * How well a reading's `confidence` says how often such readings are right: readings grouped by confidence, each
 * group's mean confidence against the share of its readings that are exactly right, and the expected calibration
 * error (the groups' gaps weighted by their size). Pictures answered "no digit" have no confidence and are left out.
 */
export interface Sureness {
  readonly confidence: number;
  readonly exact: boolean;
}

/** Lower edges of the confidence bands the table shows. */
const BANDS = [0, 0.5, 0.8, 0.9, 0.95, 0.97];

/**
 * The table's lines (Markdown) and the expected calibration error over ten equal bands.
 * @param readings every answered reading's confidence and whether it was exact
 */
export function calibrationTable(readings: readonly Sureness[]): string[] {
  const lines = ['| confidence | readings | mean confidence | exact |', '|---|---:|---:|---:|'];
  BANDS.forEach((from, i) => {
    const to = BANDS[i + 1] ?? Infinity;
    const band = readings.filter((r) => r.confidence >= from && r.confidence < to);
    if (band.length === 0) return;
    const label = to === Infinity ? `>= ${from}` : `${from} - ${to}`;
    lines.push(
      `| ${label} | ${band.length} | ${mean(band.map((r) => r.confidence)).toFixed(3)} | ${(100 * share(band)).toFixed(1)}% |`,
    );
  });
  const sure = readings.filter((r) => r.confidence >= 0.9);
  lines.push(
    '',
    `readings at confidence >= 0.9: ${sure.length} of ${readings.length}, ${(100 * share(sure)).toFixed(1)}% exact; ` +
      `expected calibration error ${calibrationError(readings).toFixed(3)}`,
  );
  return lines;
}

/**
 * The expected calibration error: readings in ten bands of confidence, each band's |mean confidence - exact share|
 * weighted by its share of the readings.
 * @param readings every answered reading's confidence and whether it was exact
 */
export function calibrationError(readings: readonly Sureness[]): number {
  let error = 0;
  for (let b = 0; b < 10; b++) {
    const band = readings.filter((r) => r.confidence >= b / 10 && (r.confidence < (b + 1) / 10 || b === 9));
    if (band.length === 0) continue;
    error += (band.length / readings.length) * Math.abs(mean(band.map((r) => r.confidence)) - share(band));
  }
  return error;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const share = (rs: readonly Sureness[]): number => rs.filter((r) => r.exact).length / rs.length;
