import { describe, expect, it } from 'vitest';
import { declaredBodyBytes, readBody } from '../../src/server/body.js';
import { HttpError } from '../../src/server/errors.js';

const tooLarge = (bytes: number) => new HttpError(413, 'PAYLOAD_TOO_LARGE', `${bytes} bytes`);

function chunked(chunks: number[]): Request {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === chunks.length) controller.close();
      else controller.enqueue(new Uint8Array(chunks[pulled++]!).fill(pulled));
    },
  });
  return new Request('http://x/', { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
}

describe('declaredBodyBytes', () => {
  it('reads a plain Content-Length, and nothing when it is chunked or not a number', () => {
    expect(declaredBodyBytes(new Headers({ 'content-length': '1234' }))).toBe(1234);
    expect(declaredBodyBytes(new Headers({ 'content-length': '12', 'transfer-encoding': 'chunked' }))).toBeUndefined();
    expect(declaredBodyBytes(new Headers({ 'content-length': '1e3' }))).toBeUndefined();
    expect(declaredBodyBytes(new Headers())).toBeUndefined();
  });
});

describe('readBody', () => {
  it('reads a declared body, and refuses one declared over the limit before reading it', async () => {
    const body = await readBody(new Request('http://x/', { method: 'POST', body: 'hello' }), 5, tooLarge);
    expect(new TextDecoder().decode(body)).toBe('hello');
    const over = new Request('http://x/', { method: 'POST', body: 'hello!', headers: { 'content-length': '6' } });
    await expect(readBody(over, 5, tooLarge)).rejects.toMatchObject({ status: 413, message: '6 bytes' });
    expect(over.bodyUsed).toBe(false);
  });

  it('joins a chunked body in order, and stops reading one as soon as it passes the limit', async () => {
    const body = await readBody(chunked([3, 2, 4]), 9, tooLarge);
    expect([...body]).toEqual([1, 1, 1, 2, 2, 3, 3, 3, 3]);
    await expect(readBody(chunked([4, 4, 4, 4]), 9, tooLarge)).rejects.toMatchObject({
      status: 413,
      message: '12 bytes',
    });
  });

  it('turns a body that fails while being read into a 400', async () => {
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error('connection reset'));
      },
    });
    const req = new Request('http://x/', { method: 'POST', body: failing, duplex: 'half' } as RequestInit);
    await expect(readBody(req, 100, tooLarge)).rejects.toMatchObject({ status: 400, code: 'BAD_REQUEST' });
  });
});
