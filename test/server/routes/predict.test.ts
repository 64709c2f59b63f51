import { describe, expect, it } from 'vitest';
import { encodeBase64 } from '../../../src/ml/base64.js';
import { createApp } from '../../../src/server/app.js';
import type { PredictResponse } from '../../../src/server/schemas.js';
import { FAKE_DESCRIPTION, fakePredictor } from '../fixtures.js';
import { expectError, fakeImage, formWith } from '../helpers.js';

const quiet = { logError: () => undefined };
// First byte -> error code in the fake predictor.
const ERRORS = {
  200: 'UNSUPPORTED_FORMAT',
  201: 'NO_DIGIT_FOUND',
  202: 'CORRUPT_IMAGE',
  203: 'EMPTY_INPUT',
  204: 'IMAGE_TOO_LARGE',
};

function app(limits = {}) {
  const predictor = fakePredictor(ERRORS);
  return { app: createApp({ predictor, limits, ...quiet }), predictor };
}

const MODEL_SUMMARY = { format: 1, sha256: FAKE_DESCRIPTION.sha256, trainedAt: FAKE_DESCRIPTION.info.trainedAt };

describe('POST /v1/predict', () => {
  it('classifies multipart `file` fields in order', async () => {
    const { app: a } = app();
    const form = formWith([
      { name: 'three.png', bytes: fakeImage(3) },
      { name: 'eight.jpg', bytes: fakeImage(8), type: 'image/jpeg' },
    ]);
    const res = await a.request('/v1/predict', { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const body = (await res.json()) as PredictResponse;
    expect(body.model).toEqual(MODEL_SUMMARY);
    expect(body.predictions.map((p) => [p.filename, p.digit])).toEqual([
      ['three.png', 3],
      ['eight.jpg', 8],
    ]);
    expect(body.predictions[0]).toEqual({
      filename: 'three.png',
      digit: 3,
      confidence: 0.9,
      scores: [-1, -1, -1, 1, -1, -1, -1, -1, -1, -1],
      ms: 0.5,
      digitsFound: 1,
    });
  });

  it('classifies JSON { images: [{ filename?, data }] } with base64 data', async () => {
    const { app: a } = app();
    const res = await a.request('/v1/predict', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        images: [
          { filename: 'a.png', data: encodeBase64(fakeImage(4)) },
          { data: `data:image/png;base64,${encodeBase64(fakeImage(5))}` },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as PredictResponse;
    expect(body.predictions.map((p) => [p.filename, p.digit])).toEqual([
      ['a.png', 4],
      ['image-2', 5],
    ]);
  });

  it('classifies a raw image/png or image/jpeg body, named by ?filename=', async () => {
    const { app: a } = app();
    const png = await a.request('/v1/predict?filename=pad.png', {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: fakeImage(6),
    });
    expect(((await png.json()) as PredictResponse).predictions).toMatchObject([{ filename: 'pad.png', digit: 6 }]);
    const jpeg = await a.request('/v1/predict', {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg' },
      body: fakeImage(9),
    });
    expect(((await jpeg.json()) as PredictResponse).predictions).toMatchObject([{ filename: 'image', digit: 9 }]);
  });

  it('returns the 28x28 input as a base64 PNG with ?include=normalized', async () => {
    const { app: a, predictor } = app();
    const res = await a.request('/v1/predict?include=normalized', {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: fakeImage(2),
    });
    const [prediction] = ((await res.json()) as PredictResponse).predictions;
    const png = Uint8Array.from(atob(prediction!.normalized!), (ch) => ch.charCodeAt(0));
    expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    // IHDR width and height (big-endian at bytes 16..23) are 28.
    const view = new DataView(png.buffer);
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([28, 28]);
    expect(predictor.calls.at(-1)?.includeNormalized).toBe(true);
  });

  it('passes the pixel and byte limits to the predictor', async () => {
    const { app: a, predictor } = app({ maxImagePixels: 12345, maxBodyBytes: 99999 });
    await a.request('/v1/predict', { method: 'POST', headers: { 'content-type': 'image/png' }, body: fakeImage(1) });
    expect(predictor.calls).toEqual([
      { maxBytes: 99999, maxPixels: 12345, includeNormalized: false, countDigits: true },
    ]);
  });
});

describe('POST /v1/predict errors', () => {
  const post = (a: ReturnType<typeof app>['app'], init: RequestInit, query = '') =>
    a.request(`/v1/predict${query}`, { method: 'POST', ...init });

  it('400 for malformed JSON, a wrong JSON shape (with issues), bad base64 and no files', async () => {
    const { app: a } = app();
    const json = { 'content-type': 'application/json' };
    await expectError(await post(a, { headers: json, body: '{"images": [' }), 400, 'BAD_REQUEST');
    const shape = await expectError(
      await post(a, { headers: json, body: JSON.stringify({ images: [{ name: 'x' }] }) }),
      400,
      'BAD_REQUEST',
    );
    expect(shape.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'images.0.data' })]));
    const empty = await expectError(
      await post(a, { headers: json, body: JSON.stringify({ images: [] }) }),
      400,
      'BAD_REQUEST',
    );
    expect(empty.message).toMatch(/no image/);
    const b64 = await expectError(
      await post(a, { headers: json, body: JSON.stringify({ images: [{ data: 'not base64!' }] }) }),
      400,
      'BAD_REQUEST',
    );
    expect(b64.issues).toEqual([{ path: 'images.0.data', message: 'not valid base64' }]);
    await expectError(await post(a, { body: formWith([], 'file') }), 400, 'BAD_REQUEST');
    const text = new FormData();
    text.append('file', 'just text');
    await expectError(await post(a, { body: text }), 400, 'BAD_REQUEST');
    await expectError(
      await post(a, { headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: 'garbage' }),
      400,
      'BAD_REQUEST',
    );
    await expectError(
      await post(a, { headers: { 'content-type': 'image/png' }, body: fakeImage(1) }, '?include=everything'),
      400,
      'BAD_REQUEST',
    );
  });

  it('413 for a body over MAX_BODY_BYTES, checked before parsing', async () => {
    const { app: a, predictor } = app({ maxBodyBytes: 100 });
    const error = await expectError(
      await post(a, { headers: { 'content-type': 'image/png' }, body: new Uint8Array(101) }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expect(error.message).toContain('100');
    expect(predictor.calls).toHaveLength(0);
  });

  it('413 for a body over the limit sent without Content-Length (chunked)', async () => {
    const { app: a } = app({ maxBodyBytes: 100 });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(60));
        controller.enqueue(new Uint8Array(60));
        controller.close();
      },
    });
    const req = new Request('http://x/v1/predict', {
      method: 'POST',
      headers: { 'content-type': 'image/png', 'transfer-encoding': 'chunked' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await expectError(await a.request(req), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('413 for more files than MAX_FILES, in every input style', async () => {
    const { app: a, predictor } = app({ maxFiles: 2 });
    const three = [1, 2, 3].map((d) => ({ name: `${d}.png`, bytes: fakeImage(d) }));
    await expectError(await post(a, { body: formWith(three) }), 413, 'TOO_MANY_FILES');
    const json = JSON.stringify({ images: three.map((f) => ({ data: encodeBase64(f.bytes) })) });
    const error = await expectError(
      await post(a, { headers: { 'content-type': 'application/json' }, body: json }),
      413,
      'TOO_MANY_FILES',
    );
    expect(error.message).toBe('3 images in one request; the limit is 2');
    expect(predictor.calls).toHaveLength(0);
  });

  it('415 for an unsupported content type or image format', async () => {
    const { app: a } = app();
    const error = await expectError(
      await post(a, { headers: { 'content-type': 'text/plain' }, body: 'hi' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect(error.message).toContain('text/plain');
    const gif = await expectError(
      await post(a, { body: formWith([{ name: 'x.gif', bytes: fakeImage(200) }]) }),
      415,
      'UNSUPPORTED_FORMAT',
    );
    expect(gif.message).toMatch(/^x\.gif: /);
  });

  it('maps each image error to its status: 422 no digit, 400 corrupt/empty, 413 too large', async () => {
    const { app: a } = app();
    const raw = (first: number) => post(a, { headers: { 'content-type': 'image/png' }, body: fakeImage(first) });
    await expectError(await raw(201), 422, 'NO_DIGIT_FOUND');
    await expectError(await raw(202), 400, 'CORRUPT_IMAGE');
    await expectError(await raw(203), 400, 'EMPTY_INPUT');
    await expectError(await raw(204), 413, 'IMAGE_TOO_LARGE');
  });

  it('fails the whole batch when one image is bad, naming that file', async () => {
    const { app: a } = app();
    const form = formWith([
      { name: 'good.png', bytes: fakeImage(1) },
      { name: 'blank.png', bytes: fakeImage(201) },
    ]);
    const error = await expectError(await post(a, { body: form }), 422, 'NO_DIGIT_FOUND');
    expect(error.message).toMatch(/^blank\.png: /);
  });
});
