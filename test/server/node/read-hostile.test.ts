import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../src/server/node/serve.js';
import { hostileReadPictures } from '../../helpers/hostile-read-pictures.js';
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

const HOSTILE = hostileReadPictures();

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
