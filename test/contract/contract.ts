import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../../src/ml/base64.js';
import { decodeBinaryModel } from '../../src/ml/model-binary.js';
import { headerOnlyPng } from '../image/png-writer.js';
import { BAD_IMAGES } from '../server/real-images.js';
import { expectError, formWith } from '../server/helpers.js';
import { numberPicture } from '../helpers/numbers.js';

/**
 * The HTTP contract of the app, written once and run against every way it is served (test/contract/*.test.ts:
 * the Node server with its worker pool, workerd with the edge bundle). Each target serves the shipped model with
 * these limits (as environment variables on Node, text bindings on workerd), so the limit answers are cheap to
 * provoke and prove that each runtime reads its configuration.
 */
export const CONTRACT_ENV = { MAX_FILES: '4', MAX_BODY_BYTES: String(256 * 1024) } as const;

const SAMPLES = path.resolve('images_test');
const sample = (name: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(path.join(SAMPLES, name)));
const SHIPPED_BYTES = readFileSync(path.resolve('model/model.bin'));
const SHIPPED_SHA256 = createHash('sha256').update(SHIPPED_BYTES).digest('hex');
/** The shipped file's format: 2 for a two-stage model. */
const SHIPPED_FORMAT = decodeBinaryModel(SHIPPED_BYTES).format;

/** The headers hono/secure-headers sets on every answer, error or not. */
function expectSecurityHeaders(res: Response): void {
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
}

/**
 * Registers the contract tests for one target.
 * @param name - Shown in the test names, e.g. "node" or "workerd".
 * @param baseUrl - The target's base URL (e.g. http://127.0.0.1:8787), read when each test runs, so the caller's
 *   beforeAll can start the server first; the model must be loaded by then (wait for /readyz).
 */
export function describeHttpContract(name: string, baseUrl: () => string): void {
  const get = (p: string, init?: RequestInit) => fetch(`${baseUrl()}${p}`, init);
  const post = (p: string, body: BodyInit, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl()}${p}`, { method: 'POST', body, headers });

  describe(`HTTP contract (${name}): page, health, model, OpenAPI`, () => {
    it('serves the page and its assets with the security headers', async () => {
      const page = await get('/');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('<script type="module" src="/assets/app.js"></script>');
      expectSecurityHeaders(page);
      const js = await get('/assets/app.js');
      expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(await js.text()).toContain('/v1/read');
      for (const p of ['/healthz', '/nope', '/v1/model']) {
        const res = await get(p);
        await res.arrayBuffer();
        expectSecurityHeaders(res);
      }
    });

    it('is alive and ready, and describes the shipped model', async () => {
      expect(await (await get('/healthz')).json()).toEqual({ status: 'ok' });
      const ready = await get('/readyz');
      expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 200, body: { status: 'ready' } });
      const model = (await (await get('/v1/model')).json()) as Record<string, unknown>;
      expect(model).toMatchObject({
        format: SHIPPED_FORMAT,
        sha256: SHIPPED_SHA256,
        kernel: { type: 'poly', degree: 4 },
      });
      expect(model['supportVectorCount']).toBeGreaterThan(1000);
    });

    it('serves the OpenAPI document and its rendering', async () => {
      const doc = (await (await get('/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/api', '/v1/predict', '/v1/model', '/healthz', '/readyz']),
      );
      const docs = await get('/docs');
      expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await docs.text()).toContain('<code>POST /v1/predict</code>');
    });
  });

  describe(`HTTP contract (${name}): the old POST /api`, () => {
    it('answers one file with exactly {"<file name>": "<digit>"}', async () => {
      const res = await post(
        '/api',
        formWith([{ name: 'images_test_2.jpg', bytes: sample('images_test_2.jpg'), type: 'image/jpeg' }]),
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.text()).toBe('{"images_test_2.jpg":"2"}');
    });

    it('answers several files in request order, suffixing repeated names', async () => {
      const form = formWith([
        { name: 'images_test_7.png', bytes: sample('images_test_7.png') },
        { name: 'images_test_0.jpg', bytes: sample('images_test_0.jpg'), type: 'image/jpeg' },
        { name: 'same.png', bytes: sample('images_test_5.png') },
        { name: 'same.png', bytes: sample('images_test_9.png') },
      ]);
      expect(await (await post('/api', form)).text()).toBe(
        '{"images_test_7.png":"7","images_test_0.jpg":"0","same.png":"5","same.png (2)":"9"}',
      );
    });

    it('refuses what it cannot use with the JSON error shape', async () => {
      await expectError(
        await post('/api', formWith([{ name: 'x.png', bytes: sample('images_test_1.png') }], 'image')),
        400,
        'BAD_REQUEST',
      );
      await expectError(
        await post('/api', '{"images":[]}', { 'content-type': 'application/json' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      const bad = await expectError(
        await post(
          '/api',
          formWith([
            { name: 'ok.png', bytes: sample('images_test_1.png') },
            { name: 'anim.gif', bytes: BAD_IMAGES.gif.bytes },
          ]),
        ),
        415,
        'UNSUPPORTED_FORMAT',
      );
      expect(bad.message).toMatch(/^anim\.gif: /);
      const res = await get('/api');
      expect(res.headers.get('allow')).toBe('POST');
      await expectError(res, 405, 'METHOD_NOT_ALLOWED');
    });
  });

  describe(`HTTP contract (${name}): POST /v1/predict`, () => {
    it('reads multipart, JSON with base64 and raw image bodies, with digits, confidences and scores', async () => {
      const multipart = (await (
        await post('/v1/predict', formWith([{ name: 'three.png', bytes: sample('images_test_3.png') }]))
      ).json()) as {
        model: { sha256: string };
        predictions: { filename: string; digit: number; confidence: number; scores: number[] }[];
      };
      expect(multipart.model.sha256).toBe(SHIPPED_SHA256);
      expect(multipart.predictions).toHaveLength(1);
      expect(multipart.predictions[0]).toMatchObject({ filename: 'three.png', digit: 3, digitsFound: 1 });
      expect(multipart.predictions[0]).not.toHaveProperty('note');
      expect(multipart.predictions[0]!.scores).toHaveLength(10);
      expect(multipart.predictions[0]!.confidence).toBeGreaterThan(0.5);

      const json = await post(
        '/v1/predict',
        JSON.stringify({
          images: [
            { filename: 'four.png', data: encodeBase64(sample('images_test_4.png')) },
            { data: encodeBase64(sample('images_test_6.jpg')) },
          ],
        }),
        {
          'content-type': 'application/json',
        },
      );
      const body = (await json.json()) as { predictions: { filename: string; digit: number }[] };
      expect(body.predictions.map((p) => [p.filename, p.digit])).toEqual([
        ['four.png', 4],
        ['image-2', 6],
      ]);

      const raw = (await (
        await post('/v1/predict?filename=eight.jpg&include=normalized', sample('images_test_8.jpg'), {
          'content-type': 'image/jpeg',
        })
      ).json()) as {
        predictions: { filename: string; digit: number; normalized: string }[];
      };
      expect(raw.predictions[0]).toMatchObject({ filename: 'eight.jpg', digit: 8 });
      // The 28x28 input the model saw, as a PNG.
      expect([...decodeBase64(raw.predictions[0]!.normalized).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    });

    it('maps bad requests and bad images to 4xx codes', async () => {
      await expectError(
        await post('/v1/predict', 'hello', { 'content-type': 'text/plain' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      await expectError(
        await post('/v1/predict', '{"images": [', { 'content-type': 'application/json' }),
        400,
        'BAD_REQUEST',
      );
      const schema = await expectError(
        await post('/v1/predict', '{"images":[{"name":"x"}]}', { 'content-type': 'application/json' }),
        400,
        'BAD_REQUEST',
      );
      expect(schema.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'images.0.data' })]));
      await expectError(
        await post('/v1/predict', '{"images":[{"data":"not base64!"}]}', { 'content-type': 'application/json' }),
        400,
        'BAD_REQUEST',
      );
      await expectError(
        await post('/v1/predict?include=everything', sample('images_test_1.png'), { 'content-type': 'image/png' }),
        400,
        'BAD_REQUEST',
      );
      for (const bad of [BAD_IMAGES.blank, BAD_IMAGES.gif, BAD_IMAGES.truncated]) {
        await expectError(
          await post('/v1/predict', new Uint8Array(bad.bytes), { 'content-type': 'image/png' }),
          bad.status,
          bad.code,
        );
      }
      await expectError(await get('/v1/nothing-here'), 404, 'NOT_FOUND');
      const put = await get('/v1/predict', { method: 'PUT' });
      expect(put.headers.get('allow')).toBe('POST');
      await expectError(put, 405, 'METHOD_NOT_ALLOWED');
    });
  });

  describe(`HTTP contract (${name}): POST /v1/read`, () => {
    // MNIST test digits #0-#3 (7, 2, 1, 0), written side by side on white.
    const number = numberPicture([0, 1, 2, 3], { gap: 16 });
    type Readings = {
      model: { sha256: string };
      readings: {
        filename: string;
        text: string;
        confidence: number;
        width: number;
        height: number;
        digits: { digit: number; box: { x: number; width: number }; normalized?: string }[];
      }[];
    };

    it('reads every digit of a number, left to right, with a box each, from multipart, JSON and raw bodies', async () => {
      const multipart = (await (
        await post('/v1/read', formWith([{ name: 'number.png', bytes: number.png }]))
      ).json()) as Readings;
      expect(multipart.model.sha256).toBe(SHIPPED_SHA256);
      const [reading] = multipart.readings;
      expect(reading).toMatchObject({
        filename: 'number.png',
        text: '7210',
        width: number.width,
        height: number.height,
      });
      expect(reading!.confidence).toBeGreaterThan(0.5);
      const xs = reading!.digits.map((d) => d.box.x);
      expect(xs).toEqual([...xs].sort((a, b) => a - b));
      expect(reading!.digits[0]).not.toHaveProperty('normalized');

      const json = (await (
        await post('/v1/read', JSON.stringify({ images: [{ filename: 'n.png', data: encodeBase64(number.png) }] }), {
          'content-type': 'application/json',
        })
      ).json()) as Readings;
      expect(json.readings.map((r) => [r.filename, r.text])).toEqual([['n.png', '7210']]);

      const raw = (await (
        await post('/v1/read?filename=raw.png&include=normalized', number.png, { 'content-type': 'image/png' })
      ).json()) as Readings;
      expect(raw.readings[0]).toMatchObject({ filename: 'raw.png', text: '7210' });
      for (const d of raw.readings[0]!.digits)
        expect([...decodeBase64(d.normalized!).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    });

    it('tells /v1/predict callers that a picture holds several digits, and where to read them', async () => {
      const res = await post('/v1/predict', number.png, { 'content-type': 'image/png' });
      const body = (await res.json()) as { predictions: { digitsFound: number; note?: string }[] };
      expect(body.predictions[0]!.digitsFound).toBe(4);
      expect(body.predictions[0]!.note).toContain('/v1/read');
    });

    it('answers a picture with no digit 422 NO_DIGIT_FOUND, and bad requests as /v1/predict does', async () => {
      await expectError(
        await post('/v1/read', new Uint8Array(BAD_IMAGES.blank.bytes), { 'content-type': 'image/png' }),
        422,
        'NO_DIGIT_FOUND',
      );
      await expectError(
        await post('/v1/read', new Uint8Array(BAD_IMAGES.gif.bytes), { 'content-type': 'image/png' }),
        415,
        'UNSUPPORTED_FORMAT',
      );
      await expectError(
        await post('/v1/read', 'hello', { 'content-type': 'text/plain' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      const put = await get('/v1/read', { method: 'PUT' });
      expect(put.headers.get('allow')).toBe('POST');
      await expectError(put, 405, 'METHOD_NOT_ALLOWED');
    });
  });

  describe(`HTTP contract (${name}): limits`, () => {
    it(`refuses more than MAX_FILES=${CONTRACT_ENV.MAX_FILES} files, a body over MAX_BODY_BYTES and a picture over the pixel limit with 413`, async () => {
      const five = formWith(
        Array.from({ length: 5 }, (_, i) => ({ name: `${i}.png`, bytes: sample(`images_test_${i}.png`) })),
      );
      await expectError(await post('/api', five), 413, 'TOO_MANY_FILES');
      const big = new Uint8Array(Number(CONTRACT_ENV.MAX_BODY_BYTES) + 1);
      big.set(sample('images_test_1.png'));
      await expectError(await post('/v1/predict', big, { 'content-type': 'image/png' }), 413, 'PAYLOAD_TOO_LARGE');
      await expectError(
        await post('/api', formWith([{ name: 'huge.png', bytes: headerOnlyPng(5000, 5000) }])),
        413,
        'IMAGE_TOO_LARGE',
      );
    });
  });
}
