import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGrayPng } from '../../../src/image/index.js';
import { startServer, type RunningServer } from '../../../src/server/node/serve.js';
import { numberPicture } from '../../helpers/numbers.js';
import { expectError } from '../helpers.js';

/**
 * Pictures built to make the number reader work hard (a page of text, noise, a maze of strokes, a very long
 * number), sent to a real server with the shipped model and real worker threads. Each is refused 422 with a code
 * that says why, no worker meets its deadline or is replaced, and a normal number is read right after them. (How
 * fast they are refused is a benchmark figure, not a test assertion: see bench/ and the soak.)
 */

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ port: 0, host: '127.0.0.1', threads: 1, env: {}, log: () => undefined });
  await server.pool.whenReady();
});
afterAll(() => server?.close(0));

/** A deterministic generator (mulberry32), so every run draws the same pictures. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** White paper with black rectangles on it. */
function paper(
  width: number,
  height: number,
  marks: (ink: (x: number, y: number, w: number, h: number) => void) => void,
) {
  const pixels = new Uint8Array(width * height).fill(255);
  marks((x0, y0, w, h) => {
    for (let y = Math.max(0, y0); y < Math.min(height, y0 + h); y++)
      for (let x = Math.max(0, x0); x < Math.min(width, x0 + w); x++) pixels[y * width + x] = 0;
  });
  return new Uint8Array(encodeGrayPng(pixels, width, height));
}

const rand = random(23);
const HOSTILE = {
  // 30 lines of 80 letter-sized marks, each made of two strokes: ~4,800 pieces.
  'a page of text': paper(1200, 900, (ink) => {
    for (let line = 0; line < 30; line++)
      for (let c = 0; c < 80; c++) {
        const x = 20 + c * 14;
        const y = 20 + line * 28;
        ink(x, y + Math.floor(rand() * 6), 2, 10 + Math.floor(rand() * 6));
        ink(x + 4 + Math.floor(rand() * 4), y + 4, 2, 8);
      }
  }),
  // Salt-and-pepper noise: 15% of the pixels black.
  noise: paper(600, 400, (ink) => {
    for (let i = 0; i < 600 * 400 * 0.15; i++) ink(Math.floor(rand() * 600), Math.floor(rand() * 400), 1, 1);
  }),
  // One connected piece of strokes, a maze across a wide picture: every column a candidate cut.
  'a maze of strokes': paper(1600, 200, (ink) => {
    for (let y = 10; y < 190; y += 12) ink(10, y, 1580, 3);
    for (let x = 10; x < 1590; x += 9) ink(x, 10 + Math.floor(rand() * 150), 3, 40);
  }),
  // 48 real digits in a row: more than one reading holds.
  'a 48-digit number': numberPicture(
    Array.from({ length: 48 }, (_, i) => i),
    { scale: 1, gap: 6 },
  ).png,
};

describe('the number reader under hostile pictures', () => {
  it.each(Object.entries(HOSTILE))('refuses %s with a 422 that says why', async (name, png) => {
    const res = await fetch(`${server.url}/v1/read?filename=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: png,
    });
    const body = (await res.clone().json()) as { error?: { code: string } };
    const code = body.error?.code ?? '(none)';
    expect(['TOO_MANY_PIECES', 'TOO_MANY_DIGITS', 'NO_DIGIT_FOUND']).toContain(code);
    const error = await expectError(res, 422, code);
    expect(error.message).toContain(name);
  });

  it('held no worker to its deadline, replaced none, and still reads a number after them', async () => {
    expect(server.pool.stats()).toMatchObject({ deadlineExceeded: 0, restarts: 0 });
    const number = numberPicture([0, 1, 2, 3], { gap: 16 });
    const res = await fetch(`${server.url}/v1/read`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: number.png,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { readings: { text: string }[] }).readings[0]!.text).toBe('7210');
  });
});
