import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeFloat64LE,
  decodeUint32LE,
  encodeFloat64LE,
  encodeUint32LE,
  firstNonFinite,
} from '../../src/ml/little-endian.js';

describe('little-endian number arrays', () => {
  it('writes the least significant byte first (IEEE 754 binary64 of 1 and -2, 0x01020304)', () => {
    // 1.0 = 0x3FF0000000000000, -2.0 = 0xC000000000000000 (IEEE 754-2008, binary64).
    expect([...encodeFloat64LE(Float64Array.of(1, -2))]).toEqual([
      0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0xc0,
    ]);
    expect([...encodeUint32LE(Uint32Array.of(0x01020304))]).toEqual([4, 3, 2, 1]);
  });

  it('reads back every float64 bit pattern it wrote (NaN, -0, subnormals included), from any byte offset', () => {
    fc.assert(
      fc.property(fc.array(fc.double()), fc.integer({ min: 0, max: 7 }), (values, offset) => {
        const bytes = encodeFloat64LE(Float64Array.from(values));
        const shifted = new Uint8Array(offset + bytes.length);
        shifted.set(bytes, offset);
        const back = decodeFloat64LE(shifted.subarray(offset));
        expect(back.length).toBe(values.length);
        values.forEach((v, k) => expect(Object.is(back[k], v)).toBe(true));
      }),
    );
  });

  it('reads back every uint32 it wrote', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 0xffffffff })), (values) => {
        expect([...decodeUint32LE(encodeUint32LE(Uint32Array.from(values)))]).toEqual(values);
      }),
    );
  });

  it('finds the first value that is not finite', () => {
    expect(firstNonFinite(Float64Array.of(1, 2, 3))).toBe(-1);
    expect(firstNonFinite(Float64Array.of(1, Infinity, NaN))).toBe(1);
    expect(firstNonFinite(Float64Array.of(0, 0, NaN))).toBe(2);
  });
});
