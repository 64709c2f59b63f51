import { deflateSync } from 'node:zlib';
import pako from 'pako';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { inflatedPngSize } from '../../src/image/bounded-inflate.js';
import { decodeImage } from '../../src/image/decode.js';
import { resolveImageLimits } from '../../src/image/limits.js';
import { nativeInflate } from '../../src/server/node/native-inflate.js';
import { ImageError } from '../../src/image/errors.js';
import { imageToDigitInput } from '../../src/image/index.js';
import { pngChunk, writePng } from './png-writer.js';

/** A PNG with a given IHDR and raw IDAT payload, chunks and CRCs written by the test writer. */
function pngWithIdat(width: number, height: number, idat: Uint8Array): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const signature = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
  return Buffer.concat([
    signature,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

/** Small pictures of each colour type, plain and Adam7-interlaced, with varied samples. */
function interlacedSamples(): Uint8Array[] {
  const size = 13;
  const sample = (k: number, max: number) => (k * 37 + 11) % (max + 1);
  const out: Uint8Array[] = [];
  for (const interlace of [false, true]) {
    for (const [colorType, channels] of [
      [0, 1],
      [2, 3],
      [4, 2],
      [6, 4],
    ] as const) {
      const samples = Array.from({ length: size * size * channels }, (_, k) => sample(k, 255));
      out.push(writePng({ width: size, height: size, colorType, bitDepth: 8, samples, interlace }));
    }
    const palette = Array.from({ length: 16 }, (_, k) => [k * 16, 255 - k * 16, (k * 40) % 256] as const);
    const indices = Array.from({ length: size * size }, (_, k) => sample(k, 15));
    out.push(writePng({ width: size, height: size, colorType: 3, bitDepth: 4, samples: indices, palette, interlace }));
  }
  return out;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('PNG inflation is bounded by the header', () => {
  it('computes the inflated size of plain and Adam7 images', () => {
    expect(inflatedPngSize({ width: 28, height: 28, bitDepth: 8, colorType: 0, interlace: 0 })).toBe(28 * 29);
    expect(inflatedPngSize({ width: 10, height: 3, bitDepth: 1, colorType: 0, interlace: 0 })).toBe(3 * 3);
    expect(inflatedPngSize({ width: 4, height: 4, bitDepth: 8, colorType: 6, interlace: 0 })).toBe(4 * 17);
    // 8x8 Adam7 of 8-bit grey: passes of 1x1, 1x1, 2x1, 2x2, 4x2, 4x4, 8x4 pixels, each row with a filter byte.
    expect(inflatedPngSize({ width: 8, height: 8, bitDepth: 8, colorType: 0, interlace: 1 })).toBe(
      2 + 2 + 3 + 2 * 3 + 2 * 5 + 4 * 5 + 4 * 9,
    );
  });

  it('refuses a small file whose image data inflates far beyond its 28x28 header (a zip bomb)', () => {
    const bomb = deflateSync(new Uint8Array(64 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(200_000);
    const png = pngWithIdat(28, 28, new Uint8Array(bomb));
    // Watch the decoder's inflater: how far it got is in its stream state, exact, unlike a memory reading.
    const inflaters = vi.spyOn(pako, 'Inflate');
    let error: unknown;
    try {
      imageToDigitInput(png);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImageError);
    expect((error as ImageError).code).toBe('CORRUPT_IMAGE');
    expect((error as Error).message).toMatch(/inflates to more than the 812 bytes its header allows/);
    // It stopped one byte past the 812-byte cap (its output buffer is cap + 1 bytes), not after the 64 MiB.
    expect(inflaters).toHaveBeenCalledTimes(1);
    const inflater = inflaters.mock.results[0]?.value as { strm: { total_out: number } };
    expect(inflater.strm.total_out).toBe(813);
  });

  it('accepts image data of exactly the size the header allows and refuses one byte more', () => {
    const rows = new Uint8Array(28 * 29); // filter byte 0 and 28 black pixels per row
    const exact = pngWithIdat(28, 28, new Uint8Array(deflateSync(rows)));
    expect(() => imageToDigitInput(exact)).toThrow(/no digit found/);
    const oneMore = pngWithIdat(28, 28, new Uint8Array(deflateSync(Buffer.concat([rows, Uint8Array.of(0)]))));
    expect(() => imageToDigitInput(oneMore)).toThrow(/inflates to more than the 812 bytes its header allows/);
  });

  it('bounds an injected native inflater the same way, with the same words (node:zlib, as the worker threads use)', () => {
    const rows = new Uint8Array(28 * 29);
    const native = { inflate: nativeInflate };
    const exact = pngWithIdat(28, 28, new Uint8Array(deflateSync(rows)));
    expect(() => imageToDigitInput(exact, {}, native)).toThrow(/no digit found/);
    const oneMore = pngWithIdat(28, 28, new Uint8Array(deflateSync(Buffer.concat([rows, Uint8Array.of(0)]))));
    expect(() => imageToDigitInput(oneMore, {}, native)).toThrow(
      /inflates to more than the 812 bytes its header allows/,
    );
    const bomb = pngWithIdat(28, 28, new Uint8Array(deflateSync(new Uint8Array(64 * 1024 * 1024), { level: 9 })));
    expect(() => imageToDigitInput(bomb, {}, native)).toThrow(/inflates to more than the 812 bytes its header allows/);
    // A corrupt stream is a corrupt image, whichever inflater found it.
    const corrupt = pngWithIdat(28, 28, Uint8Array.of(0x78, 0x9c, 0xff, 0xff, 0xff));
    for (const decoding of [undefined, native]) {
      let error: unknown;
      try {
        imageToDigitInput(corrupt, {}, decoding);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ImageError);
      expect((error as ImageError).code).toBe('CORRUPT_IMAGE');
    }
  });

  it('decodes every sample and robustness picture to the same pixels with node:zlib as with pako', () => {
    const dir = path.resolve('images_test');
    const files = readdirSync(dir).filter((f) => f.endsWith('.png'));
    expect(files.length).toBeGreaterThan(5);
    // Grey, RGB, RGBA, palette and Adam7 interlacing, from the PNG writer the tests share.
    const pictures = [...files.map((f) => new Uint8Array(readFileSync(path.join(dir, f)))), ...interlacedSamples()];
    for (const png of pictures) {
      const limits = resolveImageLimits({});
      expect(decodeImage(png, limits, { inflate: nativeInflate })).toEqual(decodeImage(png, limits));
    }
  });
});
