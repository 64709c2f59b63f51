import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../../src/server/base64.js';
import { uniqueKeys } from '../../src/server/uploads.js';

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

describe('base64', () => {
  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(decodeBase64(encodeBase64(bytes))).toEqual(bytes);
      }),
    );
  });

  it('accepts a data: URL prefix and whitespace, rejects non-base64', () => {
    expect(decodeBase64('data:image/png;base64,AQID\n')).toEqual(Uint8Array.of(1, 2, 3));
    expect(decodeBase64('AQI')).toBeUndefined();
    expect(decodeBase64('A*ID')).toBeUndefined();
  });
});
