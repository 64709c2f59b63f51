import { describe, expect, it } from 'vitest';
import { encodeBase64 } from '../../../src/ml/base64.js';
import { createApp } from '../../../src/server/app.js';
import type { Predictor } from '../../../src/server/predictor.js';
import { PredictResponseSchema, ReadResponseSchema, type ReadResponse } from '../../../src/server/schemas.js';
import { FAKE_DESCRIPTION, fakePredictor, JPEG_START } from '../fixtures.js';
import { expectError, formWith } from '../helpers.js';

const quiet = { logError: () => undefined };
// First byte -> error code in the fake predictor.
const ERRORS = { 200: 'NO_DIGIT_FOUND', 201: 'TOO_MANY_PIECES', 202: 'TOO_MANY_DIGITS', 203: 'UNSUPPORTED_FORMAT' };

function app(limits = {}, predictor = fakePredictor(ERRORS)) {
  return { app: createApp({ predictor, limits, ...quiet }), predictor };
}

const bytes = (...values: number[]) => Uint8Array.from([...JPEG_START, ...values, 0, 0, 0, 0]);

describe('POST /v1/read', () => {
  it('reads each multipart file into a reading: text, confidence, digits with boxes and runner-up, skipped ink', async () => {
    const { app: a } = app();
    const res = await a.request('/v1/read', {
      method: 'POST',
      body: formWith([
        { name: 'year.png', bytes: bytes(1, 9, 7) },
        { name: 'price.jpg', bytes: bytes(4, 2, 5), type: 'image/jpeg' },
      ]),
    });
    expect(res.status).toBe(200);
    const body = ReadResponseSchema.parse(await res.json());
    expect(body.model).toEqual({
      format: 1,
      sha256: FAKE_DESCRIPTION.sha256,
      trainedAt: FAKE_DESCRIPTION.info.trainedAt,
    });
    expect(body.readings.map((r) => [r.filename, r.text])).toEqual([
      ['year.png', '197'],
      ['price.jpg', '425'],
    ]);
    const [first] = body.readings;
    expect(first).toMatchObject({ confidence: 0.9 ** 3, width: 32, height: 20, ms: 0.5 });
    expect(first!.digits[1]).toEqual({
      digit: 9,
      confidence: 0.9,
      scores: [-1, -1, -1, -1, -1, -1, -1, -1, -1, 1],
      runnerUp: { digit: 0, confidence: 0.05 },
      box: { x: 10, y: 0, width: 10, height: 20 },
    });
    expect(first!.skipped).toEqual([{ box: { x: 30, y: 18, width: 2, height: 2 }, reason: 'too-small' }]);
  });

  it('takes JSON with base64 data and a raw image body named by ?filename=', async () => {
    const { app: a } = app();
    const json = await a.request('/v1/read', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ images: [{ filename: 'a.png', data: encodeBase64(bytes(3, 1, 4)) }] }),
    });
    expect(((await json.json()) as ReadResponse).readings.map((r) => [r.filename, r.text])).toEqual([['a.png', '314']]);
    const raw = await a.request('/v1/read?filename=meter.png', {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: bytes(2, 7, 1),
    });
    expect(((await raw.json()) as ReadResponse).readings.map((r) => [r.filename, r.text])).toEqual([
      ['meter.png', '271'],
    ]);
  });

  it('adds each digit a 28x28 PNG with ?include=normalized, and refuses an unknown include', async () => {
    const { app: a, predictor } = app();
    const res = await a.request('/v1/read?include=normalized', {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: bytes(5, 6, 7),
    });
    const body = (await res.json()) as ReadResponse;
    expect(body.readings[0]!.digits.map((d) => typeof d.normalized)).toEqual(['string', 'string', 'string']);
    expect(body.readings[0]!.digits[0]!.normalized).toMatch(/^iVBORw0KGgo/); // the PNG signature in base64
    expect(predictor.calls.at(-1)).toEqual({
      maxBytes: expect.any(Number),
      maxPixels: expect.any(Number),
      includeNormalized: true,
    });
    const bad = await a.request('/v1/read?include=everything', {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: bytes(5),
    });
    await expectError(bad, 400, 'BAD_REQUEST');
  });

  it.each([
    [200, 'NO_DIGIT_FOUND', 422],
    [201, 'TOO_MANY_PIECES', 422],
    [202, 'TOO_MANY_DIGITS', 422],
    [203, 'UNSUPPORTED_FORMAT', 415],
  ])(
    'answers a picture the reader refuses (first byte %i) with %s, status %i, naming the file',
    async (first, code, status) => {
      const { app: a } = app();
      const res = await a.request('/v1/read', {
        method: 'POST',
        body: formWith([{ name: 'page.png', bytes: bytes(first) }]),
      });
      const error = await expectError(res, status, code);
      expect(error.message).toMatch(/^page\.png: /);
    },
  );

  it('applies the same body and file-count limits as /v1/predict', async () => {
    const { app: a } = app({ maxFiles: 2, maxBodyBytes: 1000 });
    const three = formWith([1, 2, 3].map((n) => ({ name: `${n}.png`, bytes: bytes(n) })));
    await expectError(await a.request('/v1/read', { method: 'POST', body: three }), 413, 'TOO_MANY_FILES');
    const big = await a.request('/v1/read', {
      method: 'POST',
      headers: { 'content-type': 'image/png', 'content-length': '5000' },
      body: new Uint8Array(5000),
    });
    await expectError(big, 413, 'PAYLOAD_TOO_LARGE');
    const get = await a.request('/v1/read');
    await expectError(get, 405, 'METHOD_NOT_ALLOWED');
  });
});

describe('POST /v1/predict says how many digits the picture holds', () => {
  function counting(found: number): Predictor {
    const inner = fakePredictor();
    return {
      ...inner,
      predict: async (b, options) => ({ ...(await inner.predict(b, options)), digitsFound: found }),
    };
  }

  it('a picture of one digit: digitsFound 1 and no note', async () => {
    const { app: a } = app({}, counting(1) as ReturnType<typeof fakePredictor>);
    const res = await a.request('/v1/predict', {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: bytes(7),
    });
    const body = PredictResponseSchema.parse(await res.json());
    expect(body.predictions[0]).toMatchObject({ digit: 7, digitsFound: 1 });
    expect(body.predictions[0]!.note).toBeUndefined();
  });

  it('a picture of a number: digitsFound counts its digits and the note names /v1/read', async () => {
    const { app: a } = app({}, counting(4) as ReturnType<typeof fakePredictor>);
    const res = await a.request('/v1/predict', {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: bytes(7),
    });
    const body = PredictResponseSchema.parse(await res.json());
    expect(body.predictions[0]!.digitsFound).toBe(4);
    expect(body.predictions[0]!.note).toMatch(/4 digits.*\/v1\/read/);
  });

  it('asks the predictor to count digits for /v1/predict only: the old /api is not asked (its answer and cost stay)', async () => {
    const { app: a, predictor } = app();
    await a.request('/v1/predict', { method: 'POST', headers: { 'content-type': 'image/png' }, body: bytes(1) });
    await a.request('/api', { method: 'POST', body: formWith([{ name: 'x.png', bytes: bytes(1) }]) });
    expect(predictor.calls.map((c) => c.countDigits)).toEqual([true, undefined]);
  });
});
