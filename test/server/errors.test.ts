import { describe, expect, it } from 'vitest';
import { ImageError } from '../../src/image/index.js';
import { HttpError, IMAGE_ERROR_STATUS, toHttpError } from '../../src/server/errors.js';

describe('toHttpError', () => {
  it('maps every image error code to a 4xx, naming the file', () => {
    for (const [code, status] of Object.entries(IMAGE_ERROR_STATUS)) {
      const err = toHttpError(new ImageError(code as keyof typeof IMAGE_ERROR_STATUS, 'bad'), 'x.png');
      expect([err.status, err.code, err.message]).toEqual([status, code, 'x.png: bad']);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    }
  });

  it('passes HttpErrors through and hides unknown errors behind a 500', () => {
    const http = new HttpError(413, 'TOO_MANY_FILES', 'too many');
    expect(toHttpError(http)).toBe(http);
    const hidden = toHttpError(new TypeError('x is undefined at secret.ts:12'));
    expect(hidden.toBody()).toEqual({ error: { code: 'INTERNAL', message: 'internal server error' } });
    expect(hidden.status).toBe(500);
    // An unrelated error that happens to carry a `code` is still internal.
    expect(toHttpError(Object.assign(new Error('e'), { code: 'ENOENT' })).status).toBe(500);
  });
});
