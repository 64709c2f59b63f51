import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import type { Predictor } from '../../src/server/predictor.js';
import { fakePredictor } from './fixtures.js';
import { expectError, fakeImage } from './helpers.js';

/** A fake predictor whose answers wait until `release()`: requests stay in flight as long as a test needs. */
function heldPredictor(): Predictor & { release: () => void } {
  const inner = fakePredictor();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return { ...inner, predict: async (bytes, options) => (await gate, inner.predict(bytes, options)), release };
}

const raw = (bytes: Uint8Array<ArrayBuffer>) => ({
  method: 'POST',
  headers: { 'content-type': 'image/png', 'content-length': String(bytes.length) },
  body: bytes,
});

describe('body admission (MAX_BODY_BYTES_IN_FLIGHT)', () => {
  it('answers 503 BUSY with Retry-After to a body that would go over the bytes being read, and admits it once they are done', async () => {
    const predictor = heldPredictor();
    const limits = { maxBodyBytes: 1000, maxBodyBytesInFlight: 1500 };
    const app = createApp({ predictor, limits, logError: () => undefined });
    const first = app.request('/v1/predict', raw(fakeImage(1, 1000)));
    await new Promise((resolve) => setTimeout(resolve, 20)); // the first request is now waiting on the predictor
    const second = await app.request('/v1/predict', raw(fakeImage(2, 600)));
    expect(second.headers.get('retry-after')).toBe('1');
    await expectError(second, 503, 'BUSY');
    // Small bodies still fit beside it.
    const small = app.request('/v1/predict', raw(fakeImage(3, 400)));
    predictor.release();
    expect((await first).status).toBe(200);
    expect((await small).status).toBe(200);
    expect((await app.request('/v1/predict', raw(fakeImage(2, 600)))).status).toBe(200);
  });
});
