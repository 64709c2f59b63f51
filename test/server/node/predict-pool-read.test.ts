import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGrayPng } from '../../../src/image/index.js';
import { loadModelFile } from '../../../src/node/model-file.js';
import type { SvmModel } from '../../../src/ml/model.js';
import { createInProcessPredictor } from '../../../src/server/in-process-predictor.js';
import { createPredictPool, type PredictPool } from '../../../src/server/node/predict-pool.js';
import { numberPicture } from '../../helpers/numbers.js';
import { mnistPng } from '../fixtures.js';
import { BAD_IMAGES } from '../real-images.js';

/** The read task of the worker pool: same answers as in process, same queue and deadline as predictions. */

const OPTIONS = { maxBytes: 1 << 22, maxPixels: 1 << 24, includeNormalized: true };

let model: SvmModel;
let pool: PredictPool;
beforeAll(async () => {
  model = (await loadModelFile()).model;
  pool = createPredictPool({ source: { kind: 'value', model, sha256: null }, threads: 2 });
  await pool.whenReady();
});
afterAll(() => pool.close());

describe('createPredictPool: read', () => {
  it('reads numbers exactly like the in-process predictor, mixed with predictions in the same batches', async () => {
    const local = createInProcessPredictor(model);
    const numbers = [
      [0, 1, 2, 3],
      [4, 5, 6],
      [7, 8, 9, 10, 11],
    ].map((indices) => numberPicture(indices, { gap: 16 }).png);
    const singles = Array.from({ length: 6 }, (_, i) => mnistPng(i).png);
    const expected = await Promise.all(numbers.map((png) => local.read(png, OPTIONS)));
    const [readings, predictions] = await Promise.all([
      Promise.all(numbers.map((png) => pool.read(png.slice(), OPTIONS))),
      Promise.all(singles.map((png) => pool.predict(png.slice(), OPTIONS))),
    ]);
    const shape = (r: (typeof expected)[number]) => ({
      text: r.text,
      confidence: r.confidence,
      boxes: r.digits.map((d) => d.box),
      pictures: r.digits.map((d) => [...d.normalized!]),
      skipped: r.skipped,
    });
    expect(readings.map(shape)).toEqual(expected.map(shape));
    expect(predictions.map((p) => p.digit)).toEqual(
      await Promise.all(singles.map(async (png) => (await local.predict(png, OPTIONS)).digit)),
    );
  });

  it('leaves the 28x28s out unless asked for', async () => {
    const reading = await pool.read(numberPicture([0, 1]).png, { ...OPTIONS, includeNormalized: false });
    expect(reading.digits.map((d) => d.normalized)).toEqual([undefined, undefined]);
  });

  it('rejects a picture with no digit with its code, without losing the worker', async () => {
    await expect(pool.read(new Uint8Array(BAD_IMAGES.blank.bytes), OPTIONS)).rejects.toMatchObject({
      code: 'NO_DIGIT_FOUND',
    });
    await expect(pool.read(new Uint8Array(BAD_IMAGES.gif.bytes), OPTIONS)).rejects.toMatchObject({
      code: 'UNSUPPORTED_FORMAT',
    });
    expect(pool.stats()).toMatchObject({ restarts: 0, deadlineExceeded: 0 });
  });

  it('stops a reading at the deadline (DEADLINE_EXCEEDED) and replaces its worker', async () => {
    const strict = createPredictPool({ source: { kind: 'value', model, sha256: null }, threads: 1, taskDeadlineMs: 1 });
    try {
      await strict.whenReady();
      // A 3000x2000 picture: decoding alone takes far longer than 1 ms.
      const big = encodeGrayPng(new Uint8Array(3000 * 2000).fill(200), 3000, 2000);
      await expect(strict.read(big, OPTIONS)).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
      expect(strict.stats()).toMatchObject({ deadlineExceeded: 1, restarts: 1 });
    } finally {
      await strict.close();
    }
  });
});
