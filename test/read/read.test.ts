import { beforeAll, describe, expect, it } from 'vitest';
import type { GrayImage } from '../../src/image/gray.js';
import type { ModelEngine } from '../../src/ml/engine/types.js';
import type { SvmModel } from '../../src/ml/model.js';
import { predict } from '../../src/ml/predict.js';
import { createModelEngine } from '../../src/node/kernel-wasm.js';
import { loadModelFile } from '../../src/node/model-file.js';
import { isNotADigit, ReadError, readDigits } from '../../src/read/index.js';
import { mnistTest } from '../helpers/mnist-subset.js';

let model: SvmModel;
let engine: ModelEngine;
const test = mnistTest(200);
const digit = (i: number): Uint8Array => test.images.subarray(i * 784, (i + 1) * 784);

/** A picture (white ink on black, MNIST's polarity) with each 28x28 digit enlarged 3x at the given x. */
function compose(entries: readonly { index: number; x: number; y?: number }[], width: number, height = 110): GrayImage {
  const data = new Float32Array(width * height);
  for (const { index, x, y = 14 } of entries) {
    const d = digit(index);
    for (let py = 0; py < 84; py++) {
      for (let px = 0; px < 84; px++) {
        const v = d[Math.floor(py / 3) * 28 + Math.floor(px / 3)]! / 255;
        const o = (y + py) * width + x + px;
        if (x + px < width && y + py < height) data[o] = Math.max(data[o]!, v);
      }
    }
  }
  return { width, height, data };
}

/** The first test digits the model reads right on their own, so a misread here is the reader's doing. */
function readable(count: number): number[] {
  const out: number[] = [];
  for (let i = 0; out.length < count; i++) if (predict(model, digit(i), engine).digit === test.labels[i]) out.push(i);
  return out;
}

beforeAll(async () => {
  model = (await loadModelFile()).model;
  engine = await createModelEngine(model);
});

describe('readDigits', () => {
  it('reads spaced digits left to right, one box each, in the picture in the order written', () => {
    const picks = readable(5);
    const picture = compose(
      picks.map((index, k) => ({ index, x: 10 + k * 90 })),
      470,
    );
    const reading = readDigits(picture, model, engine);
    expect(reading.text).toBe(picks.map((i) => test.labels[i]).join(''));
    const xs = reading.digits.map((d) => d.box.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    for (const [k, d] of reading.digits.entries()) {
      expect(d.box.x).toBeGreaterThanOrEqual(10 + k * 90);
      expect(d.box.x + d.box.width).toBeLessThanOrEqual(10 + k * 90 + 84);
      expect(d.normalized).toHaveLength(784);
      expect(d.runnerUp.digit).not.toBe(d.digit);
      expect(d.runnerUp.confidence).toBeLessThan(d.confidence);
    }
    expect(reading.confidence).toBeCloseTo(
      reading.digits.reduce((p, d) => p * d.confidence, 1),
      12,
    );
  });

  it('reads a lone digit in a wide picture as that one digit', () => {
    const [index] = readable(1);
    const reading = readDigits(compose([{ index: index!, x: 300 }], 600), model, engine);
    expect(reading.text).toBe(String(test.labels[index!]));
  });

  it('keeps a digit whose stroke is broken in two pieces as one digit', () => {
    // A 1 (index 2 of MNIST test) cut by a blank band across its middle: two pieces stacked, one digit.
    const index = 2;
    expect(test.labels[index]).toBe(1);
    const picture = compose([{ index, x: 40 }], 200);
    for (let y = 52; y < 58; y++) picture.data.fill(0, y * 200, (y + 1) * 200);
    expect(readDigits(picture, model, engine).text).toBe('1');
  });

  it('leaves a dot out of the number and lists it as skipped', () => {
    const picks = readable(2);
    const picture = compose(
      picks.map((index, k) => ({ index, x: 10 + k * 120 })),
      260,
    );
    // A full stop between the digits, on the baseline.
    for (let y = 86; y < 92; y++) for (let x = 105; x < 111; x++) picture.data[y * 260 + x] = 1;
    const reading = readDigits(picture, model, engine);
    expect(reading.text).toBe(picks.map((i) => test.labels[i]).join(''));
    expect(reading.skipped.some((s) => s.box.x >= 100 && s.box.x <= 111)).toBe(true);
  });

  it('answers NO_DIGIT_FOUND for a lone dot and for a blank picture', () => {
    const dot: GrayImage = { width: 100, height: 100, data: new Float32Array(10_000) };
    for (let y = 40; y < 60; y++)
      for (let x = 40; x < 60; x++) if ((x - 50) ** 2 + (y - 50) ** 2 < 90) dot.data[y * 100 + x] = 1;
    expect(() => readDigits(dot, model, engine)).toThrow(expect.objectContaining({ code: 'NO_DIGIT_FOUND' }));
    const blank: GrayImage = { width: 50, height: 50, data: new Float32Array(2500) };
    expect(() => readDigits(blank, model, engine)).toThrow(ReadError);
  });

  it('refuses a picture of many pieces with TOO_MANY_PIECES before classifying any of them', () => {
    const grid: GrayImage = { width: 400, height: 400, data: new Float32Array(160_000) };
    for (let r = 0; r < 8; r++)
      for (let c = 0; c < 8; c++)
        for (let y = 0; y < 30; y++) for (let x = 0; x < 12; x++) grid.data[(r * 50 + y) * 400 + c * 50 + x] = 1;
    let passes = 0;
    const counting: ModelEngine = {
      ...engine,
      model,
      decisionValues: (images, count, out) => {
        passes++;
        engine.decisionValues(images, count, out);
      },
    };
    expect(() => readDigits(grid, model, counting)).toThrow(expect.objectContaining({ code: 'TOO_MANY_PIECES' }));
    expect(passes).toBe(0);
    // The same picture is read when the limit allows 64 pieces: the limit, not the picture, refused it.
    expect(() => readDigits(grid, model, counting, { maxPieces: 64, maxDigits: 64 })).not.toThrow(
      expect.objectContaining({ code: 'TOO_MANY_PIECES' }),
    );
  });

  it('refuses more digits than maxDigits with TOO_MANY_DIGITS', () => {
    const picks = readable(4);
    const picture = compose(
      picks.map((index, k) => ({ index, x: 10 + k * 90 })),
      380,
    );
    expect(() => readDigits(picture, model, engine, { maxDigits: 3 })).toThrow(
      expect.objectContaining({ code: 'TOO_MANY_DIGITS' }),
    );
  });
});

describe('isNotADigit', () => {
  it('refuses a filled disc and accepts the MNIST digits the model reads with confidence', () => {
    const disc = new Uint8Array(784);
    for (let y = 0; y < 28; y++)
      for (let x = 0; x < 28; x++) if ((x - 13.5) ** 2 + (y - 13.5) ** 2 < 90) disc[y * 28 + x] = 255;
    expect(isNotADigit(disc, predict(model, disc, engine))).toBe(true);
    let refused = 0;
    for (let i = 0; i < 200; i++) if (isNotADigit(digit(i), predict(model, digit(i), engine))) refused++;
    expect(refused).toBeLessThanOrEqual(4);
  });
});
