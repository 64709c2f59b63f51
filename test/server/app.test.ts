import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { FAKE_DESCRIPTION, fakePredictor } from './fixtures.js';
import { expectError, fakeImage } from './helpers.js';

const quiet = { logError: () => undefined };

describe('createApp: page and assets', () => {
  const app = createApp({ predictor: fakePredictor(), ...quiet });

  it('serves the page with its own script and stylesheet, no CDN and no inline script or style', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<script type="module" src="/assets/app.js"></script>');
    expect(html).toContain('href="/assets/app.css"');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script>(?!<\/script>)|<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|<style/);
    expect(html).toMatch(/aria-live="polite"/);
    expect(html).toMatch(/<label for="files">/);
  });

  it('serves the script and stylesheet with their content types', async () => {
    const js = await app.request('/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    const code = await js.text();
    expect(code).toContain('/v1/read');
    // File names and messages go in as text, never as HTML.
    expect(code).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    const css = await app.request('/assets/app.css');
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(await css.text()).toContain('.bars');
  });

  it('sets the security headers on every response', async () => {
    for (const path of ['/', '/healthz', '/nope']) {
      const res = await app.request(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });
});

describe('createApp: health, model, metrics, OpenAPI', () => {
  it('answers /healthz and /readyz when the model is loaded', async () => {
    const app = createApp({ predictor: fakePredictor(), ...quiet });
    expect(await (await app.request('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('is alive but not ready while the model loads, and refuses predictions with 503 past the wait bound', async () => {
    const app = createApp({ predictor: fakePredictor({}, null), limits: { modelWaitMs: 50 }, ...quiet });
    expect((await app.request('/healthz')).status).toBe(200);
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'loading' });
    await expectError(await app.request('/v1/model'), 503, 'MODEL_NOT_READY');
    const res = await app.request('/v1/predict', {
      method: 'POST',
      body: new Uint8Array([1]),
      headers: { 'content-type': 'image/png' },
    });
    await expectError(res, 503, 'MODEL_NOT_READY');
  });

  it('reports readiness failure when the model cannot load', async () => {
    const predictor = { ...fakePredictor({}, null), whenReady: () => Promise.reject(new Error('missing')) };
    const app = createApp({ predictor, ...quiet });
    await Promise.resolve();
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'failed' });
  });

  it('describes the model at /v1/model', async () => {
    const app = createApp({ predictor: fakePredictor(), ...quiet });
    const res = await app.request('/v1/model');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      format: 1,
      sha256: FAKE_DESCRIPTION.sha256,
      trainedAt: '2024-05-06T07:08:09.000Z',
      trainSize: 60000,
      testAccuracy: 0.9876,
      kernel: { type: 'poly', degree: 4, gamma: 0.5, coef0: 1 },
      supportVectorCount: 1234,
      hyperparameters: { C: 5, kernel: { type: 'poly', degree: 4, gamma: 0.5, coef0: 1 }, deskew: true },
    });
  });

  it('counts requests by route pattern and status, latency and digits in /metrics', async () => {
    const app = createApp({ predictor: fakePredictor(), ...quiet });
    await app.request('/healthz');
    await app.request('/healthz');
    await app.request('/no/such/path');
    await app.request('/v1/predict', {
      method: 'POST',
      body: fakeImage(7),
      headers: { 'content-type': 'image/png' },
    });
    const res = await app.request('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('http_requests_total{method="GET",route="/healthz",status="200"} 2');
    expect(text).toContain('http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toContain('http_requests_total{method="POST",route="/v1/predict",status="200"} 1');
    expect(text).not.toContain('/no/such/path');
    expect(text).toContain('http_request_duration_seconds_count{route="/healthz"} 2');
    expect(text).toMatch(/http_request_duration_seconds_bucket\{route="\/healthz",le="\+Inf"\} 2/);
    expect(text).toContain('digit_predictions_total{digit="7"} 1');
    expect(text).toContain('digit_predictions_total{digit="3"} 0');
    expect(text).toContain(
      `model_info{format="1",sha256="${FAKE_DESCRIPTION.sha256}",trained_at="2024-05-06T07:08:09.000Z"} 1`,
    );
    expect(text).toContain('model_ready 1');
    expect(text).toContain('model_test_accuracy 0.9876');
  });

  it('keeps metrics per app instance', async () => {
    const a = createApp({ predictor: fakePredictor(), ...quiet });
    const b = createApp({ predictor: fakePredictor(), ...quiet });
    await a.request('/healthz');
    expect(await (await b.request('/metrics')).text()).not.toContain('route="/healthz"');
  });

  it('serves an OpenAPI 3.1 document whose schemas come from zod', async () => {
    const app = createApp({ predictor: fakePredictor(), ...quiet, version: '9.9.9' });
    const doc = (await (await app.request('/openapi.json')).json()) as {
      openapi: string;
      info: { version: string };
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe('9.9.9');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api',
      '/healthz',
      '/metrics',
      '/readyz',
      '/v1/model',
      '/v1/predict',
      '/v1/read',
    ]);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'PredictJsonRequest',
        'PredictResponse',
        'Prediction',
        'ErrorBody',
        'LegacyResponse',
        'ModelResponse',
      ]),
    );
    expect(doc.components.schemas['Prediction']?.properties?.['digit']).toEqual({
      type: 'integer',
      minimum: 0,
      maximum: 9,
    });
    expect(JSON.stringify(doc)).not.toContain('$schema');
  });

  it('renders /docs as HTML without scripts', async () => {
    const app = createApp({ predictor: fakePredictor(), ...quiet });
    const res = await app.request('/docs');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<code>POST /v1/predict</code>');
    expect(html).not.toContain('<script');
  });
});

describe('createApp: unknown routes and methods', () => {
  const app = createApp({ predictor: fakePredictor(), ...quiet });

  it('answers unknown routes with a JSON 404', async () => {
    const error = await expectError(await app.request('/nope'), 404, 'NOT_FOUND');
    expect(error.message).toContain('/nope');
  });

  it('answers a wrong method with 405 and an Allow header', async () => {
    const res = await app.request('/api');
    expect(res.headers.get('allow')).toBe('POST');
    await expectError(res, 405, 'METHOD_NOT_ALLOWED');
    const del = await app.request('/healthz', { method: 'DELETE' });
    expect(del.headers.get('allow')).toBe('GET, HEAD');
    await expectError(del, 405, 'METHOD_NOT_ALLOWED');
    await expectError(await app.request('/v1/predict', { method: 'PUT' }), 405, 'METHOD_NOT_ALLOWED');
  });

  it('turns an unexpected predictor failure into a bare 500 and logs it', async () => {
    const logged: unknown[] = [];
    const predictor = { ...fakePredictor(), predict: () => Promise.reject(new Error('secret internals')) };
    const broken = createApp({ predictor, logError: (err) => logged.push(err) });
    const res = await broken.request('/v1/predict', {
      method: 'POST',
      body: new Uint8Array([1]),
      headers: { 'content-type': 'image/png' },
    });
    const error = await expectError(res, 500, 'INTERNAL');
    expect(error.message).toBe('internal server error');
    expect(logged).toHaveLength(1);
    expect((logged[0] as Error).message).toBe('secret internals');
  });

  it('needs a predictor or a model', () => {
    expect(() => createApp({})).toThrow(/predictor or a model/);
  });
});
