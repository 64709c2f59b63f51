import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBase64 } from '../../src/ml/base64.js';
import { decodeImageData, uniqueKeys } from '../../src/server/uploads.js';

describe('uniqueKeys', () => {
  it('keeps the first name and suffixes repeats', () => {
    expect(uniqueKeys(['a.png', 'b.png', 'a.png', 'a.png'])).toEqual(['a.png', 'b.png', 'a.png (2)', 'a.png (3)']);
  });

  it('skips a suffix that is already a real file name', () => {
    expect(uniqueKeys(['a (2)', 'a', 'a'])).toEqual(['a (2)', 'a', 'a (3)']);
  });

  it('always gives distinct keys, one per name, and leaves distinct names alone', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'a (2)', 'c.png'), { maxLength: 20 }), (names) => {
        const keys = uniqueKeys(names);
        expect(keys).toHaveLength(names.length);
        expect(new Set(keys).size).toBe(keys.length);
        keys.forEach((key, i) => expect(key.startsWith(names[i]!)).toBe(true));
        if (new Set(names).size === names.length) expect(keys).toEqual(names);
      }),
    );
  });
});

describe('decodeImageData', () => {
  it('accepts a data: URL prefix and whitespace, rejects non-base64 and missing padding', () => {
    expect(decodeImageData('data:image/png;base64,AQID\n')).toEqual(Uint8Array.of(1, 2, 3));
    expect(decodeImageData(' AQ\n== ')).toEqual(Uint8Array.of(1));
    expect(decodeImageData(encodeBase64(Uint8Array.of(255, 0, 7, 9)))).toEqual(Uint8Array.of(255, 0, 7, 9));
    expect(decodeImageData('AQI')).toBeUndefined();
    expect(decodeImageData('A*ID')).toBeUndefined();
    expect(decodeImageData('A===')).toBeUndefined();
  });
});
