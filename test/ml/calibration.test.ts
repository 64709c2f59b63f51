import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitTemperature, negativeLogLikelihood, softmaxConfidence } from '../../src/ml/calibration.js';
import { mulberry32 } from '../../src/ml/rng.js';
import { decodeBase64, encodeBase64 } from '../../src/ml/base64.js';

describe('confidence calibration', () => {
  it('softmax confidences of all digits sum to one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 10, maxLength: 10 }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        (scores, t) => {
          const total = scores.reduce((s, _, k) => s + softmaxConfidence(scores, k, t), 0);
          expect(total).toBeCloseTo(1, 9);
        },
      ),
    );
  });

  it('recovers the temperature that generated the labels', () => {
    const random = mulberry32(7);
    const scores: number[][] = [];
    const labels: number[] = [];
    const trueT = 0.3;
    for (let k = 0; k < 4000; k++) {
      const s = Array.from({ length: 10 }, () => random() * 2 - 1);
      scores.push(s);
      const p = s.map((_, c) => softmaxConfidence(s, c, trueT));
      let u = random();
      let label = 9;
      for (let c = 0; c < 10; c++) {
        u -= p[c] as number;
        if (u < 0) {
          label = c;
          break;
        }
      }
      labels.push(label);
    }
    const fitted = fitTemperature(scores, labels);
    expect(fitted).toBeGreaterThan(0.25);
    expect(fitted).toBeLessThan(0.36);
    expect(negativeLogLikelihood(scores, labels, fitted)).toBeLessThanOrEqual(negativeLogLikelihood(scores, labels, 1));
  });
});

describe('base64', () => {
  it('round-trips any bytes and matches the platform encoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = encodeBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect([...decodeBase64(text)]).toEqual([...bytes]);
      }),
    );
    expect(() => decodeBase64('ab$d')).toThrow(/invalid base64 character/);
  });
});
