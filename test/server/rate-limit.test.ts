import { describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { MAX_REFUSAL_HOLD_MS } from '../../src/server/admission.js';
import { RateLimiter } from '../../src/server/rate-limit.js';
import { fakePredictor } from './fixtures.js';
import { fakeImage } from './helpers.js';

describe('RateLimiter.reserve (held refusals)', () => {
  it('lets a burst of twice the rate through, then spaces refusals at the rate, per address', () => {
    let t = 0;
    const throttle = new RateLimiter(600, 100, () => t, 20);
    const holds = Array.from({ length: 23 }, () => throttle.reserve('a', MAX_REFUSAL_HOLD_MS));
    expect(holds.slice(0, 20)).toEqual(Array(20).fill(0));
    expect(holds.slice(20)).toEqual([100, 200, 300]);
    expect(throttle.reserve('b', MAX_REFUSAL_HOLD_MS)).toBe(0); // another address has its own bucket
    t = 10_000; // ten quiet seconds refill the bucket
    expect(throttle.reserve('a', MAX_REFUSAL_HOLD_MS)).toBe(0);
  });

  it('never holds a refusal longer than MAX_REFUSAL_HOLD_MS, however fast the client asks', () => {
    const throttle = new RateLimiter(300, 100, () => 0, 10);
    const holds = Array.from({ length: 1000 }, () => throttle.reserve('a', MAX_REFUSAL_HOLD_MS));
    expect(Math.max(...holds)).toBe(MAX_REFUSAL_HOLD_MS);
    expect(holds.at(-1)).toBe(MAX_REFUSAL_HOLD_MS);
  });

  it('forgets the least recently refused address past maxClients', () => {
    const throttle = new RateLimiter(60, 2, () => 0, 2);
    throttle.reserve('a', MAX_REFUSAL_HOLD_MS);
    throttle.reserve('a', MAX_REFUSAL_HOLD_MS);
    expect(throttle.reserve('a', MAX_REFUSAL_HOLD_MS)).toBeGreaterThan(0);
    throttle.reserve('b', MAX_REFUSAL_HOLD_MS);
    throttle.reserve('c', MAX_REFUSAL_HOLD_MS); // 'a' is forgotten: it starts again with a full bucket
    expect(throttle.reserve('a', MAX_REFUSAL_HOLD_MS)).toBe(0);
  });
});

describe('refusals held per client address', () => {
  const post = (app: ReturnType<typeof createApp>, body: Uint8Array<ArrayBuffer>, address: string) =>
    app.request('/v1/predict', {
      method: 'POST',
      body,
      headers: { 'content-type': 'image/png', 'cf-connecting-ip': address },
    });

  it("holds a client's refusals past its burst until their turn; answered uploads and other addresses are not held", async () => {
    // Fake clocks (setTimeout and performance.now): what is held is seen by what settles as time is advanced.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const app = createApp({ predictor: fakePredictor(), limits: { maxRefusalsPerSecond: 10 }, logError: () => {} });
      const notAnImage = new Uint8Array(100);
      const settled = (res: Response | Promise<Response>) => {
        const state = { status: 0 };
        void Promise.resolve(res).then((r) => (state.status = r.status));
        return state;
      };
      // The burst (twice the rate: 20) is answered with no time passing.
      for (let i = 0; i < 20; i++) {
        const answer = settled(post(app, notAnImage, '192.0.2.1'));
        await vi.advanceTimersByTimeAsync(0);
        expect(answer.status).toBe(415);
      }
      // The next refusal waits its turn: 100 ms at 10 a second.
      const held = settled(post(app, notAnImage, '192.0.2.1'));
      await vi.advanceTimersByTimeAsync(90);
      expect(held.status).toBe(0);
      await vi.advanceTimersByTimeAsync(20);
      expect(held.status).toBe(415);
      // Not held: an upload that is answered, and another address's refusal.
      for (const [body, address, status] of [
        [fakeImage(3), '192.0.2.1', 200],
        [notAnImage, '192.0.2.2', 415],
      ] as const) {
        const answer = settled(post(app, body, address));
        await vi.advanceTimersByTimeAsync(0);
        expect(answer.status).toBe(status);
      }
    } finally {
      vi.useRealTimers();
    }
  });
});
