import { describe, expect, it } from 'vitest';
import UPNG from 'upng-js';
import { decodeImage } from '../../src/image/decode.js';
import { decodeGray } from '../../src/image/decode-gray.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/image/limits.js';
import { rgbaToLuminance } from '../../src/image/luminance.js';
import { applyOrientation } from '../../src/image/orientation.js';
import { nativeInflate } from '../../src/server/node/native-inflate.js';
import { jpegFixture } from './jpeg-fixtures.js';
import { writePng, type PngSpec } from './png-writer.js';

const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;
const DEPTHS = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] } as const;

/** Samples covering the depth's range, seeded so that every pixel differs from its neighbours. */
function spec(colorType: PngSpec['colorType'], bitDepth: PngSpec['bitDepth'], extra: Partial<PngSpec> = {}): PngSpec {
  const width = 13;
  const height = 7;
  const max = 2 ** bitDepth - 1;
  const count = width * height * CHANNELS[colorType];
  const samples = Array.from({ length: count }, (_, i) => (i * 7919 + 13) % (colorType === 3 ? 4 : max + 1));
  const palette =
    colorType === 3
      ? ([
          [0, 0, 0],
          [255, 255, 255],
          [40, 200, 90],
          [250, 10, 120],
        ] as const)
      : undefined;
  return { width, height, colorType, bitDepth, samples, ...(palette ? { palette } : {}), ...extra };
}

/** What every caller computed before decodeGray: RGBA, then luminance, then the Exif turn. */
function reference(bytes: Uint8Array): Float32Array {
  const image = decodeImage(bytes, DEFAULT_IMAGE_LIMITS);
  return applyOrientation(rgbaToLuminance(image.rgba, image.width, image.height), image.orientation).data;
}

describe('decodeGray', () => {
  const cases: [string, Uint8Array][] = [];
  for (const [type, depths] of Object.entries(DEPTHS))
    for (const depth of depths)
      for (const interlace of [false, true]) {
        const t = Number(type) as PngSpec['colorType'];
        const d = depth;
        cases.push([
          `colour type ${t}, ${d}-bit${interlace ? ', interlaced' : ''}`,
          writePng(spec(t, d, { interlace })),
        ]);
      }
  cases.push(['grey with a tRNS colour', writePng(spec(0, 8, { trns: Uint8Array.of(0, 13) }))]);
  cases.push(['RGB with a tRNS colour', writePng(spec(2, 8, { trns: Uint8Array.of(0, 13, 0, 20, 0, 27) }))]);
  cases.push(['indexed with a tRNS alpha table', writePng(spec(3, 8, { trns: Uint8Array.of(255, 0, 128) }))]);
  // Indices 2 and 3 lie past a palette of two entries: black to upng-js's conversion.
  cases.push([
    'indexed past its palette',
    writePng(
      spec(3, 8, {
        palette: [
          [10, 250, 30],
          [200, 100, 50],
        ],
      }),
    ),
  ]);
  // Real encoders filter rows (upng-js picks per row among all five filters).
  const rgba = new Uint8Array(40 * 30 * 4).map((_, i) => (i * 31 + (i >> 7) * 17) & 255);
  cases.push(['RGBA from upng-js, filtered rows', new Uint8Array(UPNG.encode([rgba.buffer], 40, 30, 0))]);
  const opaque = rgba.map((v, i) => ((i & 3) === 3 ? 255 : v));
  // Few colours: upng-js's encoder writes an indexed PNG.
  const few = opaque.map((v, i) => ((i & 3) === 3 ? 255 : (v >> 6) * 85));
  cases.push(['few colours from upng-js (indexed)', new Uint8Array(UPNG.encode([few.buffer], 40, 30, 0))]);
  cases.push(['opaque RGBA from upng-js', new Uint8Array(UPNG.encode([opaque.buffer], 40, 30, 0))]);
  for (const name of ['progressive', 'progressiveGray', 'baselineGray', 'arithmetic'] as const)
    cases.push([`JPEG ${name}`, jpegFixture(name)]);

  it.each(cases)('%s: the same luminance, to the bit, as RGBA then rgbaToLuminance', (_, bytes) => {
    let expected: Float32Array | string;
    try {
      expected = reference(bytes);
    } catch (error) {
      expected = String(error);
    }
    let got: Float32Array | string;
    try {
      got = decodeGray(bytes, DEFAULT_IMAGE_LIMITS).gray.data;
    } catch (error) {
      got = String(error);
    }
    expect(typeof got).toBe(typeof expected);
    if (typeof got === 'string') expect(got).toBe(expected);
    else expect(Buffer.from(got.buffer).equals(Buffer.from((expected as Float32Array).buffer))).toBe(true);
  });

  it('reads the pixels node:zlib inflated as those pako inflated', () => {
    const bytes = cases.find(([name]) => name === 'opaque RGBA from upng-js')?.[1] as Uint8Array;
    const rgb = new Uint8Array(UPNG.encode([new Uint8Array(60 * 20 * 4).fill(200).buffer], 60, 20, 0));
    for (const png of [bytes, rgb]) {
      const a = decodeGray(png, DEFAULT_IMAGE_LIMITS).gray.data;
      const b = decodeGray(png, DEFAULT_IMAGE_LIMITS, { inflate: nativeInflate }).gray.data;
      expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    }
  });

  it('reports the format and refuses what decodeImage refuses, with the same code', () => {
    expect(decodeGray(cases[0]?.[1] as Uint8Array, DEFAULT_IMAGE_LIMITS).format).toBe('png');
    expect(decodeGray(jpegFixture('baselineGray'), DEFAULT_IMAGE_LIMITS).format).toBe('jpeg');
    const cut = (cases[0]?.[1] as Uint8Array).subarray(0, 40);
    expect(() => decodeImage(cut, DEFAULT_IMAGE_LIMITS)).toThrow(expect.objectContaining({ code: 'CORRUPT_IMAGE' }));
    expect(() => decodeGray(cut, DEFAULT_IMAGE_LIMITS)).toThrow(expect.objectContaining({ code: 'CORRUPT_IMAGE' }));
  });
});
