import { beforeAll, describe, expect, it } from 'vitest';
import { imageToDigitInput } from '../../src/image/index.js';
import type { SvmModel } from '../../src/ml/model.js';
import { predict } from '../../src/ml/predict.js';
import { createApp } from '../../src/server/app.js';
import { createInProcessPredictor } from '../../src/server/in-process-predictor.js';
import type { PredictResponse } from '../../src/server/schemas.js';
import { mnistPng, tinyModel } from './fixtures.js';
import { expectError, formWith } from './helpers.js';
import { BAD_IMAGES } from './real-images.js';

let model: SvmModel;
beforeAll(() => {
  model = tinyModel();
});

const OPTIONS = { maxBytes: 1 << 20, maxPixels: 1 << 20, includeNormalized: true };

describe('createInProcessPredictor with a real (tiny) model', () => {
  it('gives the same answer as imageToDigitInput + predict', async () => {
    const predictor = createInProcessPredictor(model, 'f'.repeat(64));
    for (const index of [0, 1, 2, 3]) {
      const { png } = mnistPng(index);
      const expected = predict(model, imageToDigitInput(png).pixels);
      const result = await predictor.predict(png, OPTIONS);
      expect([result.digit, result.confidence, result.scores]).toEqual([expected.digit, expected.confidence, expected.scores]);
      expect(result.normalized).toHaveLength(784);
      expect(result.ms).toBeGreaterThanOrEqual(0);
    }
    expect(predictor.describe()?.sha256).toBe('f'.repeat(64));
  });

  it('rejects bad images with the image error codes', async () => {
    const predictor = createInProcessPredictor(model);
    for (const bad of Object.values(BAD_IMAGES)) {
      await expect(predictor.predict(bad.bytes, OPTIONS)).rejects.toMatchObject({ code: bad.code });
    }
  });

  it('enforces the pixel limit before decoding', async () => {
    const { png } = mnistPng(0);
    await expect(createInProcessPredictor(model).predict(png, { ...OPTIONS, maxPixels: 100 })).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
  });
});

describe('createApp({ model }) end to end in process', () => {
  it('answers the old /api and /v1/predict with the model\'s digits', async () => {
    const app = createApp({ model, logError: () => undefined });
    const files = [0, 1, 2].map((i) => ({ name: `images_test_${i}.png`, bytes: mnistPng(i).png }));
    const expected = files.map((f) => String(predict(model, imageToDigitInput(f.bytes).pixels).digit));
    const legacy = await app.request('/api', { method: 'POST', body: formWith(files) });
    expect(await legacy.json()).toEqual(Object.fromEntries(files.map((f, i) => [f.name, expected[i]])));
    const v1 = await app.request('/v1/predict', { method: 'POST', body: formWith(files) });
    const body = (await v1.json()) as PredictResponse;
    expect(body.predictions.map((p) => String(p.digit))).toEqual(expected);
    expect(body.model).toEqual({ format: 1, sha256: null, trainedAt: '2024-01-01T00:00:00.000Z' });
  });

  it('answers every bad image with its error status, never a 500', async () => {
    const app = createApp({ model, logError: () => undefined });
    for (const [name, bad] of Object.entries(BAD_IMAGES)) {
      const res = await app.request('/api', { method: 'POST', body: formWith([{ name: `${name}.png`, bytes: bad.bytes }]) });
      const error = await expectError(res, bad.status, bad.code);
      expect(error.message.startsWith(`${name}.png: `)).toBe(true);
    }
    const huge = await app.request('/v1/predict', { method: 'POST', body: formWith([{ name: 'big.png', bytes: mnistPng(0).png }]) });
    expect(huge.status).toBe(200);
    const limited = createApp({ model, limits: { maxImagePixels: 100 }, logError: () => undefined });
    const res = await limited.request('/v1/predict', { method: 'POST', body: formWith([{ name: 'big.png', bytes: mnistPng(0).png }]) });
    await expectError(res, 413, 'IMAGE_TOO_LARGE');
  });
});
