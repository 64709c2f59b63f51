import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/image/decode.js';
import { encodePng } from '../../src/image/encode-png.js';
import { readExifOrientation } from '../../src/image/exif.js';
import { detectFormat } from '../../src/image/format.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/image/limits.js';
import { applyOrientation } from '../../src/image/orientation.js';
import { histogram, histogramBin, otsuThreshold } from '../../src/image/stats.js';
import { strokeWidth } from '../../src/image/stroke.js';
import { areaResample } from '../../src/image/resample.js';
import { crc32 } from '../../src/image/crc32.js';

describe('encodePng', () => {
  for (const channels of [1, 2, 3, 4] as const) {
    it(`round-trips ${channels}-channel pixels through the decoder`, () => {
      const w = 7;
      const h = 5;
      const pixels = Uint8Array.from({ length: w * h * channels }, (_, i) => (i * 37) & 255);
      const rgba = decodeImage(encodePng(pixels, w, h, channels), DEFAULT_IMAGE_LIMITS).rgba;
      for (let p = 0; p < w * h; p++) {
        const s = Array.from(pixels.subarray(p * channels, (p + 1) * channels));
        const expected =
          channels === 1
            ? [s[0], s[0], s[0], 255]
            : channels === 2
              ? [s[0], s[0], s[0], s[1]]
              : channels === 3
                ? [...s, 255]
                : s;
        expect(Array.from(rgba.subarray(p * 4, p * 4 + 4))).toEqual(expected);
      }
    });
  }

  it('splits large images into several stored deflate blocks', () => {
    const pixels = Uint8Array.from({ length: 300 * 300 }, (_, i) => i % 251);
    expect(
      Array.from(
        decodeImage(encodePng(pixels, 300, 300, 1), DEFAULT_IMAGE_LIMITS).rgba.subarray(4 * 89_999, 4 * 90_000),
      ),
    ).toEqual([pixels[89_999], pixels[89_999], pixels[89_999], 255]);
  });

  it('rejects a pixel count that does not match the size', () => {
    expect(() => encodePng(new Uint8Array(5), 2, 2, 1)).toThrow(RangeError);
  });
});

describe('crc32', () => {
  it('matches the standard check value', () => {
    // CRC-32 of "123456789" is 0xCBF43926 (the catalogue check value of CRC-32/ISO-HDLC).
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('detectFormat', () => {
  it('uses magic bytes, not names', () => {
    expect(detectFormat(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe('png');
    expect(detectFormat(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0))).toBe('jpeg');
  });
});

describe('orientation', () => {
  // 3x2 image:  1 2 3
  //             4 5 6
  const image = { width: 3, height: 2, data: Float32Array.of(1, 2, 3, 4, 5, 6) };
  const cases: [1 | 2 | 3 | 4 | 5 | 6 | 7 | 8, number, number[]][] = [
    [1, 3, [1, 2, 3, 4, 5, 6]],
    [2, 3, [3, 2, 1, 6, 5, 4]],
    [3, 3, [6, 5, 4, 3, 2, 1]],
    [4, 3, [4, 5, 6, 1, 2, 3]],
    [5, 2, [1, 4, 2, 5, 3, 6]],
    [6, 2, [4, 1, 5, 2, 6, 3]],
    [7, 2, [6, 3, 5, 2, 4, 1]],
    [8, 2, [3, 6, 2, 5, 1, 4]],
  ];
  for (const [orientation, width, expected] of cases) {
    it(`turns Exif orientation ${orientation} upright`, () => {
      const out = applyOrientation(image, orientation);
      expect(out.width).toBe(width);
      expect(Array.from(out.data)).toEqual(expected);
    });
  }

  it('reads the orientation from little-endian Exif and ignores non-Exif APP1', () => {
    const tiff = [0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 8, 0, 0, 0];
    expect(readExifOrientation(Uint8Array.from([...new TextEncoder().encode('Exif\0\0'), ...tiff]))).toBe(8);
    expect(readExifOrientation(new TextEncoder().encode('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>'))).toBeUndefined();
  });
});

describe('helpers', () => {
  it("Otsu's threshold separates two clusters", () => {
    const values = Float32Array.from([...new Array(100).fill(0.1), ...new Array(30).fill(0.8)]);
    const t = otsuThreshold(histogram(values));
    expect(t).toBeGreaterThan(0.1);
    expect(t).toBeLessThanOrEqual(0.8);
  });

  it("histogram counts each value in histogramBin's bin, NaNs in none, with or without a selection", () => {
    // Bin edges, both sides of them, out of range, signed zeros and NaN; 1,001 values (not a multiple of the four
    // interleaved counts).
    const special = [NaN, -0.5, -0, 0, 1e-9, 1 / 256, 1 / 256 - 1e-7, 0.5, 255 / 256, 0.99999994, 1, 1.5, Infinity];
    const values = Float32Array.from({ length: 1001 }, (_, i) => special[i % special.length] ?? (i * 7919) / 1e6);
    for (let i = 0; i < values.length; i += 3) values[i] = ((i * 7919) % 1000) / 999;
    const select = (i: number): boolean => i % 5 !== 2;
    for (const pick of [undefined, select]) {
      const expected = new Float64Array(256);
      values.forEach((v, i) => {
        const b = histogramBin(v);
        if ((pick === undefined || pick(i)) && !Number.isNaN(v)) expected[b] = (expected[b] as number) + 1;
      });
      expect(Array.from(histogram(values, pick))).toEqual(Array.from(expected));
    }
  });

  it('area resampling preserves the mean (anti-aliasing, no ink created or lost)', () => {
    const data = Float32Array.from({ length: 37 * 23 }, (_, i) => ((i * 7919) % 101) / 100);
    const out = areaResample({ width: 37, height: 23, data }, { x: 0, y: 0, width: 37, height: 23 }, 20, 12);
    const mean = (a: Float32Array): number => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(out.data)).toBeCloseTo(mean(data), 3);
  });

  it('stroke width measures a 3-pixel bar as about 3', () => {
    const pixels = new Uint8Array(784);
    for (let y = 4; y < 24; y++) for (let x = 12; x < 15; x++) pixels[y * 28 + x] = 255;
    expect(strokeWidth(pixels)).toBeCloseTo((2 * 60) / 46, 5); // area 60, perimeter 2 x 20 + 2 x 3
    expect(strokeWidth(new Uint8Array(784))).toBe(0);
  });
});
