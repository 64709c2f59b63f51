import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelFile } from '../../src/node/model-file.js';
import type { SvmModel } from '../../src/ml/model.js';
import { createApp } from '../../src/server/app.js';
import { createInProcessPredictor } from '../../src/server/in-process-predictor.js';
import type { PredictResponse } from '../../src/server/schemas.js';
import { mnistTest } from '../helpers/mnist-subset.js';
import { mnistPng, tinyModel } from './fixtures.js';
import { expectError, formWith } from './helpers.js';
import { BAD_IMAGES } from './real-images.js';

let model: SvmModel;
beforeAll(() => {
  model = tinyModel();
});

const OPTIONS = { maxBytes: 1 << 20, maxPixels: 1 << 20, includeNormalized: true };
const DIGITS = 20;

describe('createInProcessPredictor', () => {
  it('reads real MNIST test digits right with the shipped model, and shows what the model saw', async () => {
    const shipped = await loadModelFile();
    const predictor = createInProcessPredictor(shipped.model, shipped.sha256);
    const truth = mnistTest(DIGITS);
    for (let index = 0; index < DIGITS; index++) {
      const { png, label } = mnistPng(index);
      const result = await predictor.predict(png, OPTIONS);
      // Ground truth, not a re-run of the pipeline: the shipped model reads all of the first 20 test digits right.
      expect(result.digit, `test digit ${index}`).toBe(label);
      expect(result.scores.indexOf(Math.max(...result.scores))).toBe(result.digit);
      expect(result.confidence).toBeGreaterThan(0.5);
      expect(result.confidence).toBeLessThanOrEqual(1);
      expect(Number.isFinite(result.ms)).toBe(true);
      // An MNIST digit is already in MNIST form, so the normalized input is nearly the digit itself (measured: a
      // mean difference of 0.16-0.87 grey levels out of 255 on these 20).
      const original = truth.images.subarray(index * 784, (index + 1) * 784);
      const normalized = result.normalized ?? new Uint8Array(0);
      expect(normalized).toHaveLength(784);
      expect(normalized.reduce((sum, v, k) => sum + Math.abs(v - original[k]!), 0) / 784).toBeLessThan(3);
    }
    expect(predictor.describe()?.sha256).toBe(shipped.sha256);
  });

  it('rejects bad images with the image error codes', async () => {
    const predictor = createInProcessPredictor(model);
    for (const bad of Object.values(BAD_IMAGES)) {
      await expect(predictor.predict(bad.bytes, OPTIONS)).rejects.toMatchObject({ code: bad.code });
    }
  });

  it('enforces the pixel limit before decoding', async () => {
    const { png } = mnistPng(0);
    await expect(createInProcessPredictor(model).predict(png, { ...OPTIONS, maxPixels: 100 })).rejects.toMatchObject({
      code: 'IMAGE_TOO_LARGE',
    });
  });
});

describe('createApp({ model }) end to end in process', () => {
  it("answers the old /api and /v1/predict with the model's digits", async () => {
    const shipped = await loadModelFile();
    const app = createApp({ model: shipped.model, sha256: shipped.sha256, logError: () => undefined });
    const files = [0, 1, 2].map((i) => ({ name: `images_test_${i}.png`, bytes: mnistPng(i).png }));
    const expected = [0, 1, 2].map((i) => String(mnistPng(i).label)); // the true labels: 7, 2, 1
    const legacy = await app.request('/api', { method: 'POST', body: formWith(files) });
    expect(await legacy.json()).toEqual(Object.fromEntries(files.map((f, i) => [f.name, expected[i]])));
    const v1 = await app.request('/v1/predict', { method: 'POST', body: formWith(files) });
    const body = (await v1.json()) as PredictResponse;
    expect(body.predictions.map((p) => String(p.digit))).toEqual(expected);
    expect(body.model).toEqual({
      format: shipped.model.format,
      sha256: shipped.sha256,
      trainedAt: shipped.model.info.trainedAt,
    });
  });

  it('answers every bad image with its error status, never a 500', async () => {
    const app = createApp({ model, logError: () => undefined });
    for (const [name, bad] of Object.entries(BAD_IMAGES)) {
      const res = await app.request('/api', {
        method: 'POST',
        body: formWith([{ name: `${name}.png`, bytes: bad.bytes }]),
      });
      const error = await expectError(res, bad.status, bad.code);
      expect(error.message.startsWith(`${name}.png: `)).toBe(true);
    }
    const huge = await app.request('/v1/predict', {
      method: 'POST',
      body: formWith([{ name: 'big.png', bytes: mnistPng(0).png }]),
    });
    expect(huge.status).toBe(200);
    const limited = createApp({ model, limits: { maxImagePixels: 100 }, logError: () => undefined });
    const res = await limited.request('/v1/predict', {
      method: 'POST',
      body: formWith([{ name: 'big.png', bytes: mnistPng(0).png }]),
    });
    await expectError(res, 413, 'IMAGE_TOO_LARGE');
  });
});
