import { describe, expect, it } from 'vitest';
import jpeg from 'jpeg-js';
import { decodeImage } from '../../src/image/decode.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/image/limits.js';
import { cmykJpeg } from '../helpers/hostile-images.js';
import { jpegFixture } from './jpeg-fixtures.js';
import { pngChunk, writePng, type PngSpec } from './png-writer.js';

const W = 5;
const H = 3;
const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;

/** A deterministic sample pattern covering the full range of the depth. */
function samples(colorType: PngSpec['colorType'], depth: number, width = W, height = H): number[] {
  const max = 2 ** depth - 1;
  const out: number[] = [];
  for (let i = 0; i < width * height * CHANNELS[colorType]; i++) out.push((i * 7919 + 13) % (max + 1));
  return out;
}

/** What an 8-bit RGBA decoder must produce for a sample: scaled to 0..255 (16-bit: the high byte). */
function to8(sample: number, depth: number): number {
  return depth === 16 ? sample >> 8 : Math.round((sample * 255) / (2 ** depth - 1));
}

function expectedRgba(spec: PngSpec): number[] {
  const out: number[] = [];
  const ch = CHANNELS[spec.colorType];
  for (let p = 0; p < spec.width * spec.height; p++) {
    const s = spec.samples.slice(p * ch, (p + 1) * ch).map((v) => to8(v, spec.bitDepth));
    if (spec.colorType === 0) out.push(s[0]!, s[0]!, s[0]!, 255);
    if (spec.colorType === 2) out.push(s[0]!, s[1]!, s[2]!, 255);
    if (spec.colorType === 4) out.push(s[0]!, s[0]!, s[0]!, s[1]!);
    if (spec.colorType === 6) out.push(s[0]!, s[1]!, s[2]!, s[3]!);
    if (spec.colorType === 3) {
      const [r, g, b] = spec.palette![spec.samples[p]!]!;
      out.push(r, g, b, spec.trns?.[spec.samples[p]!] ?? 255);
    }
  }
  return out;
}

function palette(size: number): [number, number, number][] {
  return Array.from({ length: size }, (_, i) => [(i * 37) % 256, (i * 91 + 5) % 256, (255 - i * 13) & 255]);
}

const CASES: { name: string; spec: PngSpec }[] = [];
for (const depth of [1, 2, 4, 8, 16] as const)
  CASES.push({
    name: `grey ${depth}-bit`,
    spec: { width: W, height: H, colorType: 0, bitDepth: depth, samples: samples(0, depth) },
  });
for (const depth of [8, 16] as const) {
  CASES.push({
    name: `RGB ${depth}-bit`,
    spec: { width: W, height: H, colorType: 2, bitDepth: depth, samples: samples(2, depth) },
  });
  CASES.push({
    name: `grey+alpha ${depth}-bit`,
    spec: { width: W, height: H, colorType: 4, bitDepth: depth, samples: samples(4, depth) },
  });
  CASES.push({
    name: `RGBA ${depth}-bit`,
    spec: { width: W, height: H, colorType: 6, bitDepth: depth, samples: samples(6, depth) },
  });
}
for (const depth of [1, 2, 4, 8] as const) {
  const size = 2 ** depth;
  CASES.push({
    name: `palette ${depth}-bit with tRNS`,
    spec: {
      width: W,
      height: H,
      colorType: 3,
      bitDepth: depth,
      samples: samples(3, depth),
      palette: palette(size),
      trns: Uint8Array.from({ length: Math.min(size, 3) }, (_, i) => i * 100),
    },
  });
}

describe('decodeImage: PNG colour types and bit depths', () => {
  for (const { name, spec } of CASES) {
    it(`decodes ${name}`, () => {
      const image = decodeImage(writePng(spec), DEFAULT_IMAGE_LIMITS);
      expect(image.format).toBe('png');
      expect([image.width, image.height]).toEqual([W, H]);
      expect(Array.from(image.rgba)).toEqual(expectedRgba(spec));
    });
  }

  it('applies a grey tRNS colour key (that grey becomes transparent)', () => {
    const spec: PngSpec = {
      width: 3,
      height: 1,
      colorType: 0,
      bitDepth: 8,
      samples: [10, 200, 10],
      trns: Uint8Array.of(0, 10),
    };
    const { rgba } = decodeImage(writePng(spec), DEFAULT_IMAGE_LIMITS);
    expect([rgba[3], rgba[7], rgba[11]]).toEqual([0, 255, 0]);
  });

  for (const depth of [1, 2, 4, 8, 16] as const) {
    it(`decodes an Adam7-interlaced grey ${depth}-bit PNG like the same image non-interlaced`, () => {
      const spec: PngSpec = { width: 11, height: 9, colorType: 0, bitDepth: depth, samples: samples(0, depth, 11, 9) };
      const plain = decodeImage(writePng(spec), DEFAULT_IMAGE_LIMITS);
      const interlaced = decodeImage(writePng({ ...spec, interlace: true }), DEFAULT_IMAGE_LIMITS);
      expect(Array.from(interlaced.rgba)).toEqual(Array.from(plain.rgba));
      expect(Array.from(plain.rgba)).toEqual(expectedRgba(spec));
    });
  }

  it('leaves the bytes it is given as they were, a Node Buffer included, so they decode again alike', () => {
    // A 1-, 2- or 4-bit grey PNG is decoded as a palette one; the rewritten header once landed in the caller's Buffer.
    for (const { name, spec } of CASES) {
      const file = writePng(spec);
      expect(Buffer.isBuffer(file), name).toBe(true);
      const before = Buffer.from(file);
      const first = decodeImage(file, DEFAULT_IMAGE_LIMITS);
      expect(Buffer.from(file).equals(before), name).toBe(true);
      expect(Array.from(decodeImage(file, DEFAULT_IMAGE_LIMITS).rgba), name).toEqual(Array.from(first.rgba));
    }
  });

  it('decodes an Adam7-interlaced RGBA PNG', () => {
    const spec: PngSpec = {
      width: 10,
      height: 7,
      colorType: 6,
      bitDepth: 8,
      samples: samples(6, 8, 10, 7),
      interlace: true,
    };
    expect(Array.from(decodeImage(writePng(spec), DEFAULT_IMAGE_LIMITS).rgba)).toEqual(expectedRgba(spec));
  });

  it('takes the first frame of an animated PNG (the default image) and ignores the others', () => {
    const first: PngSpec = { width: 2, height: 2, colorType: 0, bitDepth: 8, samples: [0, 50, 100, 150] };
    const acTL = pngChunk('acTL', Uint8Array.of(0, 0, 0, 2, 0, 0, 0, 0));
    const fcTL = (seq: number): Uint8Array => {
      const d = new Uint8Array(26);
      const v = new DataView(d.buffer);
      v.setUint32(0, seq);
      v.setUint32(4, 2);
      v.setUint32(8, 2);
      return pngChunk('fcTL', d);
    };
    // The second frame's data is garbage: a decoder that inflated it would fail.
    const fdAT = pngChunk('fdAT', Uint8Array.of(0, 0, 0, 2, 1, 2, 3, 4));
    const png = writePng({ ...first, extraChunks: [acTL, fcTL(0)], afterIdat: [fcTL(1), fdAT] });
    expect(Array.from(decodeImage(png, DEFAULT_IMAGE_LIMITS).rgba)).toEqual(expectedRgba(first));
  });

  it('ignores a text chunk without its NUL separator (upng-js would scan past the end forever)', () => {
    const spec: PngSpec = {
      width: 1,
      height: 1,
      colorType: 0,
      bitDepth: 8,
      samples: [77],
      extraChunks: [pngChunk('tEXt', new TextEncoder().encode('no separator'))],
    };
    expect(Array.from(decodeImage(writePng(spec), DEFAULT_IMAGE_LIMITS).rgba)).toEqual([77, 77, 77, 255]);
  });
});

/** Checks the fixture picture: dark inside the rectangle, light outside (JPEG is lossy, so with a margin). */
function expectFixturePicture(rgba: Uint8Array, width: number): void {
  const lum = (x: number, y: number): number => rgba[(y * width + x) * 4 + 1]!;
  expect(lum(4, 4)).toBeLessThan(60);
  expect(lum(5, 5)).toBeLessThan(60);
  expect(lum(13, 1)).toBeGreaterThan(200);
  expect(lum(12, 10)).toBeGreaterThan(200);
}

describe('decodeImage: JPEG', () => {
  it('decodes a baseline RGB JPEG written by jpeg-js', () => {
    const rgba = new Uint8Array(16 * 12 * 4);
    for (let i = 0; i < 16 * 12; i++) rgba.set([200, 40, 40, 255], i * 4);
    const bytes = new Uint8Array(jpeg.encode({ data: rgba, width: 16, height: 12 }, 90).data);
    const image = decodeImage(bytes, DEFAULT_IMAGE_LIMITS);
    expect([image.format, image.width, image.height]).toEqual(['jpeg', 16, 12]);
    expect(Math.abs(image.rgba[0]! - 200)).toBeLessThan(8);
    expect(Math.abs(image.rgba[1]! - 40)).toBeLessThan(8);
    expect(image.rgba[3]).toBe(255);
  });

  for (const name of ['progressive', 'progressiveGray', 'baselineGray'] as const) {
    it(`decodes a ${name} JPEG made by libjpeg-turbo`, () => {
      const image = decodeImage(jpegFixture(name), DEFAULT_IMAGE_LIMITS);
      expect([image.width, image.height]).toEqual([16, 12]);
      expectFixturePicture(image.rgba, 16);
    });
  }

  it("refuses from its header a CMYK JPEG over jpeg-js's memory cap (413), and decodes one under it", () => {
    // 4000x3000 x 4 components: 28 B per pixel in jpeg-js's own count, 336 MB against its 290 MB cap.
    const big = () => decodeImage(cmykJpeg({ width: 4000, height: 3000 }), DEFAULT_IMAGE_LIMITS);
    expect(big).toThrow(
      expect.objectContaining({
        code: 'IMAGE_TOO_LARGE',
        message: expect.stringMatching(/4 colour components.*limit is 10\d{6} pixels/),
      }),
    );
    const fits = decodeImage(cmykJpeg({ width: 400, height: 300 }), DEFAULT_IMAGE_LIMITS);
    expect([fits.width, fits.height, fits.rgba.length]).toEqual([400, 300, 400 * 300 * 4]);
  });

  it('reads the Exif orientation so a sideways phone photo can be turned upright', () => {
    const base = jpegFixture('baselineGray');
    // APP1 "Exif\0\0" + big-endian TIFF header + IFD0 with one entry: Orientation (0x0112) SHORT 1 = 6.
    const tiff = [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0];
    const payload = [...new TextEncoder().encode('Exif\0\0'), ...tiff];
    const app1 = [0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload];
    const bytes = Uint8Array.from([0xff, 0xd8, ...app1, ...base.subarray(2)]);
    expect(decodeImage(bytes, DEFAULT_IMAGE_LIMITS).orientation).toBe(6);
    expect(decodeImage(base, DEFAULT_IMAGE_LIMITS).orientation).toBe(1);
  });
});
