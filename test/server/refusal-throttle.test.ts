import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { createRefusalThrottle, MAX_REFUSAL_HOLD_MS } from '../../src/server/refusal-throttle.js';
import { fakePredictor } from './fixtures.js';
import { fakeImage } from './helpers.js';

describe('createRefusalThrottle', () => {
  it('lets a burst of twice the rate through, then spaces refusals at the rate, per address', () => {
    let t = 0;
    const throttle = createRefusalThrottle(10, 100, () => t);
    const holds = Array.from({ length: 23 }, () => throttle.hold('a'));
    expect(holds.slice(0, 20)).toEqual(Array(20).fill(0));
    expect(holds.slice(20)).toEqual([100, 200, 300]);
    expect(throttle.hold('b')).toBe(0); // another address has its own bucket
    t = 10_000; // ten quiet seconds refill the bucket
    expect(throttle.hold('a')).toBe(0);
  });

  it('never holds a refusal longer than MAX_REFUSAL_HOLD_MS, however fast the client asks', () => {
    const throttle = createRefusalThrottle(5, 100, () => 0);
    const holds = Array.from({ length: 1000 }, () => throttle.hold('a'));
    expect(Math.max(...holds)).toBe(MAX_REFUSAL_HOLD_MS);
    expect(holds.at(-1)).toBe(MAX_REFUSAL_HOLD_MS);
  });

  it('forgets the least recently refused address past maxClients', () => {
    const throttle = createRefusalThrottle(1, 2, () => 0);
    throttle.hold('a');
    throttle.hold('a');
    expect(throttle.hold('a')).toBeGreaterThan(0);
    throttle.hold('b');
    throttle.hold('c'); // 'a' is forgotten: it starts again with a full bucket
    expect(throttle.hold('a')).toBe(0);
  });
});

describe('refusals held per client address', () => {
  const post = (app: ReturnType<typeof createApp>, body: Uint8Array<ArrayBuffer>, address: string) =>
    app.request('/v1/predict', {
      method: 'POST',
      body,
      headers: { 'content-type': 'image/png', 'cf-connecting-ip': address },
    });

  it('answers a client whose uploads keep being refused at the configured rate; answered uploads are not held', async () => {
    const app = createApp({ predictor: fakePredictor(), limits: { maxRefusalsPerSecond: 50 }, logError: () => {} });
    const notAnImage = new Uint8Array(100);
    const started = performance.now();
    for (let i = 0; i < 100; i++) expect((await post(app, notAnImage, '192.0.2.1')).status).toBe(415);
    // A burst of 100 refusals is answered at once; the 25 after it at 50 a second, ~0.5 s of holds in all.
    for (let i = 0; i < 25; i++) expect((await post(app, notAnImage, '192.0.2.1')).status).toBe(415);
    const held = performance.now() - started;
    expect(held).toBeGreaterThan(300);
    const good = performance.now();
    expect((await post(app, fakeImage(3), '192.0.2.1')).status).toBe(200);
    expect((await post(app, notAnImage, '192.0.2.2')).status).toBe(415);
    expect(performance.now() - good).toBeLessThan(100);
  });
});
