import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/server/app.js';
import { encodeBase64 } from '../../../src/ml/base64.js';
import { fakePredictor } from '../fixtures.js';
import { expectError, fakeImage, formWith } from '../helpers.js';

const app = (limits = {}) =>
  createApp({
    predictor: fakePredictor({ 201: 'NO_DIGIT_FOUND', 200: 'UNSUPPORTED_FORMAT' }),
    limits,
    logError: () => undefined,
  });

describe('POST /api (the old contract)', () => {
  it('answers { "<file name>": "<digit>" } for one file, exactly', async () => {
    const res = await app().request('/api', {
      method: 'POST',
      body: formWith([{ name: 'images_test_2.jpg', bytes: fakeImage(2), type: 'image/jpeg' }]),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.text()).toBe('{"images_test_2.jpg":"2"}');
  });

  it('answers one key per `file` field, in request order', async () => {
    const form = formWith([
      { name: 'images_test_7.png', bytes: fakeImage(7) },
      { name: 'images_test_0.jpg', bytes: fakeImage(10) },
      { name: 'images_test_5.png', bytes: fakeImage(5) },
    ]);
    const res = await app().request('/api', { method: 'POST', body: form });
    expect(await res.text()).toBe('{"images_test_7.png":"7","images_test_0.jpg":"0","images_test_5.png":"5"}');
  });

  it('keeps every result when file names repeat, suffixing later ones " (2)", " (3)"', async () => {
    const form = formWith([
      { name: 'a.png', bytes: fakeImage(1) },
      { name: 'a.png', bytes: fakeImage(2) },
      { name: 'a.png', bytes: fakeImage(3) },
    ]);
    const body = await (await app().request('/api', { method: 'POST', body: form })).json();
    expect(body).toEqual({ 'a.png': '1', 'a.png (2)': '2', 'a.png (3)': '3' });
  });

  it('fails the request with the JSON error body when a file cannot be read', async () => {
    const form = formWith([
      { name: 'ok.png', bytes: fakeImage(1) },
      { name: 'photo.gif', bytes: fakeImage(200) },
    ]);
    const error = await expectError(
      await app().request('/api', { method: 'POST', body: form }),
      415,
      'UNSUPPORTED_FORMAT',
    );
    expect(error.message).toMatch(/^photo\.gif: /);
    await expectError(
      await app().request('/api', { method: 'POST', body: formWith([{ name: 'blank.png', bytes: fakeImage(201) }]) }),
      422,
      'NO_DIGIT_FOUND',
    );
  });

  it('400 without a `file` field, 415 for a non-multipart body, 413 over the limits', async () => {
    await expectError(
      await app().request('/api', {
        method: 'POST',
        body: formWith([{ name: 'x.png', bytes: fakeImage(1) }], 'image'),
      }),
      400,
      'BAD_REQUEST',
    );
    const json = JSON.stringify({ images: [{ data: encodeBase64(fakeImage(1)) }] });
    await expectError(
      await app().request('/api', { method: 'POST', headers: { 'content-type': 'application/json' }, body: json }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    const two = formWith([
      { name: 'a.png', bytes: fakeImage(1) },
      { name: 'b.png', bytes: fakeImage(2) },
    ]);
    await expectError(await app({ maxFiles: 1 }).request('/api', { method: 'POST', body: two }), 413, 'TOO_MANY_FILES');
    await expectError(
      await app({ maxBodyBytes: 64 }).request('/api', { method: 'POST', body: two }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });
});

describe('POST /api keys', () => {
  it('keeps a file named like an Object.prototype key ("__proto__", "constructor") in the answer', async () => {
    const form = formWith([
      { name: '__proto__', bytes: fakeImage(4) },
      { name: 'constructor', bytes: fakeImage(5) },
    ]);
    const res = await app().request('/api', { method: 'POST', body: form });
    expect(await res.text()).toBe('{"__proto__":"4","constructor":"5"}');
  });
});
