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

/** A body that sends `first` bytes, then nothing until `end()`; no Content-Length, so it is streamed. */
function trickle(first: number): { body: ReadableStream<Uint8Array>; end: () => void } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      if (first > 0) c.enqueue(fakeImage(1, first));
    },
  });
  return { body, end: () => controller.close() };
}

const streamed = (body: ReadableStream<Uint8Array>, ip = '192.0.2.1') => ({
  method: 'POST',
  headers: { 'content-type': 'image/png', 'cf-connecting-ip': ip },
  body,
  duplex: 'half',
});

describe('body admission counts bytes as they arrive', () => {
  it('lets bodies that have sent little hold little: big uploads pass beside them, and /metrics shows the bytes', async () => {
    const limits = { maxBodyBytes: 100_000, maxBodyBytesInFlight: 100_000, bodyIdleTimeoutMs: 60_000 };
    const app = createApp({ predictor: fakePredictor(), limits, logError: () => undefined });
    // Seven bodies that declared nothing and sent 10 bytes: under the old reservation they held 7 x maxBodyBytes.
    const idle = Array.from({ length: 7 }, () => trickle(10));
    const pending = idle.map((t) => Promise.resolve(app.request('/v1/predict', streamed(t.body))));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const metrics = await (await app.request('/metrics')).text();
    expect(metrics).toContain('http_body_bytes_in_flight 70\n');
    expect(metrics).toContain('http_body_bytes_in_flight_limit 100000\n');
    expect(metrics).toContain('http_uploads_receiving 7\n');
    expect((await app.request('/readyz')).status).toBe(200);
    const big = trickle(90_000);
    big.end();
    expect((await app.request('/v1/predict', streamed(big.body, '192.0.2.2'))).status).toBe(200);
    for (const t of idle) t.end();
    expect((await Promise.all(pending)).map((r) => r.status)).toEqual(Array(7).fill(200));
    expect(await (await app.request('/metrics')).text()).toContain('http_body_bytes_in_flight 0\n');
  });

  it('answers 503 BUSY to bytes that arrive over the budget, and /readyz 503 while it is full', async () => {
    const predictor = heldPredictor();
    const limits = { maxBodyBytes: 1000, maxBodyBytesInFlight: 1000 };
    const app = createApp({ predictor, limits, logError: () => undefined });
    const first = app.request('/v1/predict', raw(fakeImage(1, 1000)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const ready = await app.request('/readyz');
    expect([ready.status, await ready.json()]).toEqual([503, { status: 'saturated', bodyBytes: 1000 }]);
    await expectError(await app.request('/v1/predict', raw(fakeImage(2, 10))), 503, 'BUSY');
    predictor.release();
    expect((await first).status).toBe(200);
    expect((await app.request('/readyz')).status).toBe(200);
  });

  it('caps the bodies one client address has arriving at once (429 TOO_MANY_UPLOADS), not other addresses', async () => {
    const app = createApp({
      predictor: fakePredictor(),
      limits: { maxUploadsPerClient: 2 },
      logError: () => undefined,
    });
    const held = [trickle(0), trickle(0)];
    const pending = held.map((t) => Promise.resolve(app.request('/v1/predict', streamed(t.body, '192.0.2.7'))));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const third = await app.request('/v1/predict', streamed(trickle(0).body, '192.0.2.7'));
    expect(third.headers.get('retry-after')).toBe('1');
    expect((await expectError(third, 429, 'TOO_MANY_UPLOADS')).message).toMatch(/the limit is 2/);
    const other = trickle(20);
    other.end();
    expect((await app.request('/v1/predict', streamed(other.body, '192.0.2.8'))).status).toBe(200);
    for (const t of held) t.end();
    await Promise.all(pending);
  });

  it('answers 408 REQUEST_TIMEOUT to a body that sends nothing for bodyIdleTimeoutMs', async () => {
    const app = createApp({ predictor: fakePredictor(), limits: { bodyIdleTimeoutMs: 50 }, logError: () => undefined });
    const silent = trickle(5);
    const res = await app.request('/v1/predict', streamed(silent.body));
    expect(res.headers.get('connection')).toBe('close');
    expect((await expectError(res, 408, 'REQUEST_TIMEOUT')).message).toMatch(/nothing for 50 ms/);
    const small = await app.request('/v1/predict', {
      method: 'POST',
      headers: { 'content-type': 'image/png', 'content-length': '100' },
      body: trickle(5).body,
      duplex: 'half',
    } as RequestInit);
    await expectError(small, 408, 'REQUEST_TIMEOUT');
  });
});
