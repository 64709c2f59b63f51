import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../../src/ml/base64.js';
import { MlError } from '../../src/ml/errors.js';

describe('base64', () => {
  it('round-trips any bytes, and agrees with the platform encoder (btoa)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = encodeBase64(bytes);
        expect(text).toBe(btoa(String.fromCharCode(...bytes)));
        expect(decodeBase64(text)).toEqual(bytes);
      }),
    );
  });

  it('names the input when a character or the length is wrong', () => {
    expect(() => decodeBase64('A*ID', 'support vectors')).toThrow(
      new MlError('INVALID_ARGUMENT', 'support vectors: invalid base64 character at offset 1'),
    );
    expect(() => decodeBase64('AQIDB')).toThrow(/base64 data: invalid base64 length/);
  });
});
