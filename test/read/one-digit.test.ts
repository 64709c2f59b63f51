import { beforeAll, describe, expect, it } from 'vitest';
import { deskew } from '../../src/ml/deskew.js';
import { createJsEngine } from '../../src/ml/engine/js-engine.js';
import type { SvmModel } from '../../src/ml/model.js';
import { mulberry32 } from '../../src/ml/rng.js';
import { loadModelFile } from '../../src/node/model-file.js';
import type { Slice } from '../../src/read/cuts.js';
import { oneDigitLogit, oneDigitNet, pieceShape, SHAPE_FEATURES } from '../../src/read/one-digit.js';
import { unpackPieceNet } from '../../src/read/piece-net.js';
import { loadMnist } from '../../src/training/mnist-data.js';
import { composeNumber, labelledPieces, type PieceSample } from '../../scripts/piece-samples.js';
import { fitNet, packNet } from '../../scripts/small-net.js';

describe('pieceShape', () => {
  it('gives width and height against the digit height, the cuts, the right cut`s strokes and the slices joined', () => {
    const slice = (minX: number, maxX: number, cutLeft: boolean, cutRight: boolean, rightRuns: number): Slice => ({
      parts: [{ label: 1, x0: minX, x1: maxX }],
      box: { minX, minY: 0, maxX, maxY: 29 },
      mass: 1,
      cutLeft,
      cutRight,
      rightRuns,
      piece: 0,
    });
    const slices = [slice(0, 19, false, true, 1), slice(20, 39, true, true, 2), slice(40, 59, true, false, 0)];
    const shape = pieceShape({ start: 0, end: 2, box: { minX: 0, minY: 0, maxX: 39, maxY: 29 } }, slices, 40);
    expect(shape).toHaveLength(SHAPE_FEATURES);
    expect([...shape]).toEqual([1, 0.75, 0, 1, Math.fround(2 / 3), Math.fround(1 / 3)]);
    const whole = pieceShape({ start: 2, end: 3, box: slices[2]!.box }, slices, 40);
    expect([...whole]).toEqual([0.5, 0.75, 1, 0, 0, 0]);
  });
});

describe('unpackPieceNet and the fitter (scripts/small-net.ts)', () => {
  it('reads the layout packNet writes: w1 row-major, b1, w2, b2', () => {
    const random = mulberry32(3);
    const x = Float32Array.from({ length: 40 * 5 }, () => random());
    const y = Uint8Array.from({ length: 40 }, (_, k) => k % 2);
    const net = fitNet(x, y, new Float32Array(40).fill(1), { dim: 5, hidden: 3 }, 2, 7);
    const unpacked = unpackPieceNet(packNet(net), 3, 5, 'test weights');
    expect([...unpacked.w1]).toEqual([...net.w1]);
    expect([...unpacked.b1]).toEqual([...net.b1]);
    expect([...unpacked.w2]).toEqual([...net.w2]);
    expect(unpacked.b2).toBe(Math.fround(net.b2));
  });

  it('fits the same weights from the same data and seed, and other weights from another seed', () => {
    const random = mulberry32(4);
    const x = Float32Array.from({ length: 60 * 6 }, () => random());
    const y = Uint8Array.from({ length: 60 }, (_, k) => ((k * 7) % 3 === 0 ? 1 : 0));
    const w = new Float32Array(60).fill(1);
    const shape = { dim: 6, hidden: 4 };
    expect(packNet(fitNet(x, y, w, shape, 3, 1))).toBe(packNet(fitNet(x, y, w, shape, 3, 1)));
    expect(packNet(fitNet(x, y, w, shape, 3, 2))).not.toBe(packNet(fitNet(x, y, w, shape, 3, 1)));
  });
});

describe('the one-digit check on the reader`s candidates', () => {
  let model: SvmModel;
  let samples: PieceSample[];
  beforeAll(async () => {
    model = (await loadModelFile()).model;
    // MNIST test digits: writers neither the model nor the check was fitted on.
    const { test } = await loadMnist();
    const random = mulberry32(11);
    samples = [];
    for (let p = 0; p < 60; p++) {
      const composed = composeNumber(test, 2 + (p % 4), random, {
        touchRate: p % 3 === 0 ? 0 : 1,
        thick: p % 4 === 0,
        photo: p % 5 === 0,
      });
      if (composed !== undefined) samples.push(...labelledPieces(composed));
    }
  }, 120_000);

  it('ranks a candidate that is one digit above one that is not (pairs read whole, halves, fragments)', () => {
    const engine = createJsEngine(model);
    const net = oneDigitNet();
    const logits = samples.map((s) => {
      const deskewed = new Uint8Array(784);
      deskew(s.picture, deskewed);
      const scores = new Float64Array(10);
      engine.decisionValues(deskewed, 1, scores);
      return oneDigitLogit(net, deskewed, scores, s.shape);
    });
    const ones = logits.filter((_, k) => samples[k]!.label === 1);
    const nots = logits.filter((_, k) => samples[k]!.label === 0);
    expect(ones.length).toBeGreaterThan(50);
    expect(nots.length).toBeGreaterThan(50);
    // The area under the ROC curve: the share of (one, not) pairs ranked the right way round.
    let right = 0;
    for (const a of ones) for (const b of nots) right += a > b ? 1 : a === b ? 0.5 : 0;
    expect(right / (ones.length * nots.length)).toBeGreaterThan(0.95);
    expect(ones.filter((z) => z >= 0).length / ones.length).toBeGreaterThan(0.9);
    expect(nots.filter((z) => z < 0).length / nots.length).toBeGreaterThan(0.85);
  });
});
