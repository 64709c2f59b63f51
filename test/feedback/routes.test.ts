import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/feedback/sqlite-store.js';
import { createApp, type AppOptions } from '../../src/server/app.js';
import { constantTimeEqual } from '../../src/server/admin-auth.js';
import type { FeedbackStore } from '../../src/server/feedback-store.js';
import { FAKE_IMAGE_AT, fakePredictor } from '../server/fixtures.js';
import { expectError, fakeImage } from '../server/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mnist-fb-routes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const TOKEN = 'test-admin-token-0123456789';

function setup(options: Partial<AppOptions> = {}, feedback: AppOptions['feedback'] = {}) {
  const store = openSqliteStore(join(dir, `r${n++}.sqlite`));
  const app = createApp({
    predictor: fakePredictor(),
    logError: () => undefined,
    feedbackStore: store,
    feedback: { adminToken: TOKEN, ...feedback },
    ...options,
  });
  return { app, store };
}

function correction(digit: string, files: { name: string; first: number }[] = [{ name: 'd.png', first: 3 }]) {
  const form = new FormData();
  for (const f of files) form.append('file', new Blob([fakeImage(f.first)], { type: 'image/png' }), f.name);
  form.append('digit', digit);
  return { method: 'POST', body: form };
}

const bearer = (token = TOKEN) => ({ headers: { authorization: `Bearer ${token}` } });

describe('POST /v1/feedback', () => {
  it('stores the 28x28 picture, the upload, what the model read and the right digit; answers 201 with the id', async () => {
    const { app, store } = setup();
    const res = await app.request('/v1/feedback', correction('8'));
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const row = await store.get(id);
    expect(row).toMatchObject({ status: 'pending', predicted: '3', corrected: '8', filename: 'd.png' });
    expect(row?.modelSha256).toBe('ab'.repeat(32));
    expect(row?.normalized).toEqual(new Uint8Array(784).fill(3));
    expect(row?.upload?.[FAKE_IMAGE_AT]).toBe(3);
  });

  it('takes a number as one file per digit', async () => {
    const { app, store } = setup();
    const files = [
      { name: 'a.png', first: 1 },
      { name: 'b.png', first: 2 },
    ];
    const res = await app.request('/v1/feedback', correction('47', files));
    expect(res.status).toBe(201);
    expect((await store.list())[0]).toMatchObject({ predicted: '12', corrected: '47', uploadBytes: 0 });
  });

  it('refuses a missing or bad digit and a file count that does not match, with 400 and the field', async () => {
    const { app } = setup();
    await expectError(await app.request('/v1/feedback', correction('x')), 400, 'BAD_REQUEST');
    await expectError(await app.request('/v1/feedback', correction('12')), 400, 'BAD_REQUEST');
    const noDigit = new FormData();
    noDigit.append('file', new Blob([fakeImage(1)]), 'a.png');
    const e = await expectError(
      await app.request('/v1/feedback', { method: 'POST', body: noDigit }),
      400,
      'BAD_REQUEST',
    );
    expect(e.issues).toEqual([{ path: 'digit', message: 'required' }]);
    await expectError(
      await app.request('/v1/feedback', {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('is bounded like uploads: a declared body over the limit is 413', async () => {
    const { app } = setup({ limits: { maxBodyBytes: 1000 } });
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(5000)]), 'big.png');
    form.append('digit', '1');
    const body = new Uint8Array(await new Response(form).arrayBuffer());
    const type = new Response(form).headers.get('content-type')!;
    const res = await app.request('/v1/feedback', {
      method: 'POST',
      body,
      headers: { 'content-type': type, 'content-length': String(body.length) },
    });
    await expectError(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('limits each client (429 with Retry-After) but not other clients', async () => {
    const key = { current: 'a' };
    const { app } = setup({ clientKey: () => key.current }, { ratePerMinute: 2 });
    expect((await app.request('/v1/feedback', correction('1'))).status).toBe(201);
    expect((await app.request('/v1/feedback', correction('1'))).status).toBe(201);
    const res = await app.request('/v1/feedback', correction('1'));
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    await expectError(res, 429, 'RATE_LIMITED');
    key.current = 'b';
    expect((await app.request('/v1/feedback', correction('1'))).status).toBe(201);
  });

  it('answers 507 when the pending queue is full', async () => {
    const { app } = setup({}, { maxPending: 1 });
    expect((await app.request('/v1/feedback', correction('1'))).status).toBe(201);
    await expectError(await app.request('/v1/feedback', correction('1')), 507, 'STORE_FULL');
  });

  it('answers 503 with Retry-After when the store is down, and predictions still work', async () => {
    const down: FeedbackStore = {
      add: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'STORE_UNAVAILABLE' })),
      list: () => Promise.reject(Object.assign(new Error('down'), { code: 'STORE_UNAVAILABLE' })),
      accept: () => Promise.resolve(false),
      reject: () => Promise.resolve(false),
      counts: () => Promise.reject(Object.assign(new Error('down'), { code: 'STORE_UNAVAILABLE' })),
    };
    const { app } = setup({ feedbackStore: down });
    const res = await app.request('/v1/feedback', correction('1'));
    expect(res.headers.get('retry-after')).toBe('5');
    await expectError(res, 503, 'STORE_UNAVAILABLE');
    const form = new FormData();
    form.append('file', new Blob([fakeImage(4)]), 'p.png');
    expect((await app.request('/v1/predict', { method: 'POST', body: form })).status).toBe(200);
  });

  it('FEEDBACK=off answers 404 FEEDBACK_DISABLED; no store (workerd) answers 501 FEEDBACK_UNAVAILABLE', async () => {
    const off = createApp({ predictor: fakePredictor(), env: { FEEDBACK: 'off' }, logError: () => undefined });
    await expectError(await off.request('/v1/feedback', correction('1')), 404, 'FEEDBACK_DISABLED');
    const none = createApp({ predictor: fakePredictor(), logError: () => undefined });
    await expectError(await none.request('/v1/feedback', correction('1')), 501, 'FEEDBACK_UNAVAILABLE');
  });
});

describe('admin routes', () => {
  it('do not exist without ADMIN_TOKEN (404)', async () => {
    const app = createApp({ predictor: fakePredictor(), logError: () => undefined });
    for (const [path, method] of [
      ['/v1/feedback', 'GET'],
      ['/admin', 'GET'],
      ['/admin/reload', 'POST'],
    ] as const) {
      expect((await app.request(path, { method, ...bearer() })).status).toBe(404);
    }
  });

  it('answer 401 without a token or with a wrong one, 200 with the right one (Bearer or Basic)', async () => {
    const { app } = setup();
    for (const path of ['/v1/feedback', '/admin']) {
      await expectError(await app.request(path), 401, 'UNAUTHORIZED');
      await expectError(await app.request(path, bearer(`${TOKEN}x`)), 401, 'UNAUTHORIZED');
      await expectError(await app.request(path, bearer(TOKEN.slice(0, -1))), 401, 'UNAUTHORIZED');
      expect((await app.request(path, bearer())).status).toBe(200);
      const basic = { headers: { authorization: `Basic ${btoa(`admin:${TOKEN}`)}` } };
      expect((await app.request(path, basic)).status).toBe(200);
    }
    await expectError(await app.request('/admin/reload', { method: 'POST' }), 401, 'UNAUTHORIZED');
  });

  it('lists corrections as JSON, accepts and rejects them', async () => {
    const { app, store } = setup();
    const a = ((await (await app.request('/v1/feedback', correction('8'))).json()) as { id: string }).id;
    const b = ((await (await app.request('/v1/feedback', correction('9'))).json()) as { id: string }).id;
    const list = (await (await app.request('/v1/feedback?status=pending', bearer())).json()) as {
      counts: Record<string, number>;
      corrections: { id: string; pictures: string[] }[];
    };
    expect(list.counts).toEqual({ pending: 2, accepted: 0, rejected: 0 });
    expect(list.corrections.map((c) => c.id)).toEqual([b, a]);
    expect(list.corrections[0]!.pictures[0]).toMatch(/^iVBORw0KGgo/);
    expect((await app.request(`/admin/feedback/${a}/accept`, { method: 'POST', ...bearer() })).status).toBe(200);
    expect((await app.request(`/admin/feedback/${b}/reject`, { method: 'POST', ...bearer() })).status).toBe(200);
    await expectError(
      await app.request('/admin/feedback/nope/accept', { method: 'POST', ...bearer() }),
      404,
      'NOT_FOUND',
    );
    expect(await store.counts()).toEqual({ pending: 0, accepted: 1, rejected: 1 });
    await expectError(await app.request('/v1/feedback?status=maybe', bearer()), 400, 'BAD_REQUEST');
  });

  it('refuses a cross-site form post even with the right credentials', async () => {
    const { app } = setup();
    const res = await app.request('/admin/feedback/x/accept', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'sec-fetch-site': 'cross-site' },
    });
    await expectError(res, 403, 'FORBIDDEN');
  });

  it('shows a file name with markup as text on the admin page', async () => {
    const { app } = setup();
    await app.request('/v1/feedback', correction('5', [{ name: '<img src=x onerror=alert(1)>.png', first: 2 }]));
    const html = await (await app.request('/admin', bearer())).text();
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;.png');
    expect(html).not.toContain('<img src=x');
    expect(html).toMatch(/<img alt="" width="56" height="56" src="data:image\/png;base64,/);
  });

  it('compares tokens in constant time, equal only when equal', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abd', 'abc')).toBe(false);
    expect(constantTimeEqual('', 'abc')).toBe(false);
    expect(constantTimeEqual('abcabc', 'abc')).toBe(false);
    expect(constantTimeEqual('ab', 'abc')).toBe(false);
  });

  it('refuses a short ADMIN_TOKEN at start', () => {
    expect(() => createApp({ predictor: fakePredictor(), env: { ADMIN_TOKEN: 'short' } })).toThrow(/at least 16/);
  });
});
