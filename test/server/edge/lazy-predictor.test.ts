import { describe, expect, it } from 'vitest';
import { createLazyPredictor } from '../../../src/server/edge/lazy-predictor.js';
import { createApp } from '../../../src/server/app.js';
import { FAKE_DESCRIPTION, fakePredictor } from '../fixtures.js';
import { expectError, fakeImage } from '../helpers.js';

const options = { maxBytes: 1000, maxPixels: 1000, includeNormalized: false };

describe('createLazyPredictor', () => {
  it('loads nothing until started, then loads once; predictions made before the load wait for it', async () => {
    let loads = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { predictor, start } = createLazyPredictor(async () => {
      loads++;
      await gate;
      return fakePredictor();
    });
    expect(loads).toBe(0);
    expect(predictor.describe()).toBeUndefined();
    const early = predictor.predict(fakeImage(7), options);
    const started = [start(), start()];
    expect(loads).toBe(1);
    release();
    await Promise.all(started);
    expect(predictor.describe()).toEqual(FAKE_DESCRIPTION);
    expect((await early).digit).toBe(7);
    await start();
    expect(loads).toBe(1);
  });

  it('keeps a failed load: /readyz says failed and predictions are a 503 MODEL_NOT_READY, never a crash', async () => {
    const { predictor, start } = createLazyPredictor(() => Promise.reject(new Error('bundled model: bad format')));
    const app = createApp({ predictor, limits: { modelWaitMs: 1000 }, logError: () => undefined });
    await start();
    const ready = await app.request('/readyz');
    expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 503, body: { status: 'failed' } });
    const res = await app.request('/v1/predict', {
      method: 'POST',
      body: fakeImage(1),
      headers: { 'content-type': 'image/png' },
    });
    await expectError(res, 503, 'MODEL_NOT_READY');
  });
});
