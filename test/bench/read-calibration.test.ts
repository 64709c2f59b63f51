import { describe, expect, it } from 'vitest';
import { calibrationError, calibrationTable } from '../../bench/read-calibration.js';

describe("bench:read's table of how sure readings are", () => {
  it('finds no error where each band is right as often as it says, and the gap where it is not', () => {
    // 20 readings at 0.95 with 19 right, 20 at 0.65 with 13 right: calibrated.
    const calibrated = [
      ...Array.from({ length: 20 }, (_, i) => ({ confidence: 0.95, exact: i !== 0 })),
      ...Array.from({ length: 20 }, (_, i) => ({ confidence: 0.65, exact: i < 13 })),
    ];
    expect(calibrationError(calibrated)).toBeCloseTo(0, 12);
    // Every reading says 0.99 and 70% are right: the whole gap, 0.29.
    const overconfident = Array.from({ length: 10 }, (_, i) => ({ confidence: 0.99, exact: i < 7 }));
    expect(calibrationError(overconfident)).toBeCloseTo(0.29, 12);
  });

  it('prints a row per band with readings and the share of readings at 0.9 or more that are exact', () => {
    const lines = calibrationTable([
      { confidence: 0.3, exact: false },
      { confidence: 0.92, exact: true },
      { confidence: 0.99, exact: true },
      { confidence: 0.99, exact: false },
    ]);
    expect(lines).toContain('| 0 - 0.5 | 1 | 0.300 | 0.0% |');
    expect(lines).toContain('| >= 0.97 | 2 | 0.990 | 50.0% |');
    expect(lines.at(-1)).toMatch(/^readings at confidence >= 0\.9: 3 of 4, 66\.7% exact; expected calibration error/);
  });
});
