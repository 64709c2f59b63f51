import { afterEach, describe, expect, it, vi } from 'vitest';
import UPNG from 'upng-js';
import jpeg from 'jpeg-js';
import { decodeImage } from '../../src/image/decode.js';
import { ImageError, type ImageErrorCode } from '../../src/image/errors.js';
import { imageToDigitInput } from '../../src/image/index.js';
import { DEFAULT_IMAGE_LIMITS, resolveImageLimits } from '../../src/image/limits.js';
import { ConfigError } from '../../src/shared/config-error.js';
import { headerOnlyPng, pngChunk, writePng } from './png-writer.js';
import { jpegFixture } from './jpeg-fixtures.js';

function codeOf(run: () => unknown): ImageErrorCode | 'no error' {
  try {
    run();
    return 'no error';
  } catch (error) {
    if (error instanceof ImageError) return error.code;
    throw error;
  }
}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const smallPng = writePng({ width: 4, height: 4, colorType: 0, bitDepth: 8, samples: new Array(16).fill(128) });

afterEach(() => vi.restoreAllMocks());

describe('image errors', () => {
  it('EMPTY_INPUT for zero bytes, naming the supported formats', () => {
    expect(codeOf(() => imageToDigitInput(new Uint8Array(0)))).toBe('EMPTY_INPUT');
    expect(messageOf(() => imageToDigitInput(new Uint8Array(0)))).toMatch(/empty.*PNG, JPEG/);
  });

  const unsupported: [string, Uint8Array][] = [
    ['GIF', ascii('GIF89a\x01\x00\x01\x00\x00\x00\x00;')],
    ['BMP', ascii('BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00')],
    ['WebP', ascii('RIFF\x1a\x00\x00\x00WEBPVP8 ')],
    ['SVG', ascii('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['TIFF', Uint8Array.of(0x49, 0x49, 0x2a, 0, 8, 0, 0, 0)],
  ];
  for (const [name, bytes] of unsupported) {
    it(`UNSUPPORTED_FORMAT for ${name}, named in the message with the supported formats`, () => {
      expect(codeOf(() => imageToDigitInput(bytes))).toBe('UNSUPPORTED_FORMAT');
      expect(messageOf(() => imageToDigitInput(bytes))).toContain(name);
      expect(messageOf(() => imageToDigitInput(bytes))).toContain('PNG, JPEG');
    });
  }

  it('UNSUPPORTED_FORMAT for text and random bytes, whatever the file is called', () => {
    expect(codeOf(() => imageToDigitInput(ascii('hello.png')))).toBe('UNSUPPORTED_FORMAT');
    expect(codeOf(() => imageToDigitInput(Uint8Array.of(1, 2, 3)))).toBe('UNSUPPORTED_FORMAT');
  });

  it('UNSUPPORTED_FORMAT for arithmetic-coded JPEG, which jpeg-js cannot decode', () => {
    expect(codeOf(() => imageToDigitInput(jpegFixture('arithmetic')))).toBe('UNSUPPORTED_FORMAT');
    expect(messageOf(() => imageToDigitInput(jpegFixture('arithmetic')))).toMatch(/arithmetic/);
  });

  it('CORRUPT_IMAGE for a PNG cut anywhere', () => {
    for (const cut of [8, 20, 33, 40, smallPng.length - 13, smallPng.length - 1]) {
      expect(
        codeOf(() => decodeImage(smallPng.subarray(0, cut), DEFAULT_IMAGE_LIMITS)),
        `cut at ${cut}`,
      ).toBe('CORRUPT_IMAGE');
    }
  });

  it('CORRUPT_IMAGE for a PNG with a bad CRC or damaged compressed data', () => {
    const badCrc = smallPng.slice();
    badCrc[badCrc.length - 13] = (badCrc[badCrc.length - 13]! + 1) & 0xff; // last byte of the IDAT CRC
    expect(codeOf(() => decodeImage(badCrc, DEFAULT_IMAGE_LIMITS))).toBe('CORRUPT_IMAGE');
    const garbage = Buffer.concat([
      smallPng.subarray(0, 33),
      pngChunk('IDAT', Uint8Array.of(1, 2, 3, 4, 5)),
      pngChunk('IEND', new Uint8Array(0)),
    ]);
    expect(codeOf(() => decodeImage(garbage, DEFAULT_IMAGE_LIMITS))).toBe('CORRUPT_IMAGE');
  });

  it('CORRUPT_IMAGE, quickly, for a chunk claiming 4 GB (upng-js would loop over it)', () => {
    const hostile = Buffer.concat([
      smallPng.subarray(0, 33),
      Uint8Array.of(0xff, 0xff, 0xff, 0xf0),
      ascii('IDAT'),
      new Uint8Array(16),
    ]);
    expect(codeOf(() => decodeImage(hostile, DEFAULT_IMAGE_LIMITS))).toBe('CORRUPT_IMAGE');
  });

  it('CORRUPT_IMAGE for an invalid IHDR (zero width, impossible bit depth) and for a palette image without PLTE', () => {
    expect(codeOf(() => decodeImage(headerOnlyPng(0, 5), DEFAULT_IMAGE_LIMITS))).toBe('CORRUPT_IMAGE');
    const badDepth = writePng({ width: 1, height: 1, colorType: 2, bitDepth: 4, samples: [1, 2, 3] });
    expect(codeOf(() => decodeImage(badDepth, DEFAULT_IMAGE_LIMITS))).toBe('CORRUPT_IMAGE');
    const noPalette = writePng({ width: 1, height: 1, colorType: 3, bitDepth: 8, samples: [0] });
    expect(codeOf(() => decodeImage(noPalette, DEFAULT_IMAGE_LIMITS))).toBe('CORRUPT_IMAGE');
  });

  it('CORRUPT_IMAGE for a JPEG cut in the header or in the scan data', () => {
    const good = jpegFixture('baselineGray');
    for (const cut of [3, 10, 100, good.length - 40, good.length - 2]) {
      expect(
        codeOf(() => decodeImage(good.subarray(0, cut), DEFAULT_IMAGE_LIMITS)),
        `cut at ${cut}`,
      ).toBe('CORRUPT_IMAGE');
    }
  });

  it('NO_DIGIT_FOUND for blank pictures of any colour, not a guess', () => {
    for (const value of [0, 128, 255]) {
      const blank = writePng({
        width: 40,
        height: 30,
        colorType: 0,
        bitDepth: 8,
        samples: new Array(1200).fill(value),
      });
      expect(
        codeOf(() => imageToDigitInput(blank)),
        `grey ${value}`,
      ).toBe('NO_DIGIT_FOUND');
    }
    const transparent = writePng({ width: 8, height: 8, colorType: 6, bitDepth: 8, samples: new Array(256).fill(0) });
    expect(codeOf(() => imageToDigitInput(transparent))).toBe('NO_DIGIT_FOUND');
  });

  it('NO_DIGIT_FOUND for faint paper texture (low-contrast noise)', () => {
    let seed = 7;
    const noise = Array.from({ length: 64 * 64 }, () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return 200 + ((seed >>> 16) % 9);
    });
    const png = writePng({ width: 64, height: 64, colorType: 0, bitDepth: 8, samples: noise });
    expect(codeOf(() => imageToDigitInput(png))).toBe('NO_DIGIT_FOUND');
  });
});

describe('image size limits', () => {
  it('refuses a 50000x50000 PNG from its header, before the decoder is reached or any pixel buffer allocated', () => {
    const decode = vi.spyOn(UPNG, 'decode');
    const toRgba = vi.spyOn(UPNG, 'toRGBA8');
    const bytes = headerOnlyPng(50_000, 50_000);
    expect(bytes.length).toBe(33); // the IHDR is all there is: nothing to decode, so only the header check can answer
    expect(codeOf(() => imageToDigitInput(bytes))).toBe('IMAGE_TOO_LARGE');
    expect(messageOf(() => imageToDigitInput(bytes))).toMatch(/50000x50000/);
    expect(decode).not.toHaveBeenCalled();
    expect(toRgba).not.toHaveBeenCalled();
  });

  it('refuses a 50000x50000 JPEG from its SOF header before jpeg-js is called', () => {
    const decode = vi.spyOn(jpeg, 'decode');
    const good = jpegFixture('baselineGray');
    const bytes = good.slice();
    // Find the SOF0 (FFC0) or SOF2 (FFC2) marker and rewrite height and width to 50000 (0xC350).
    let at = 2;
    while (!(bytes[at] === 0xff && (bytes[at + 1] === 0xc0 || bytes[at + 1] === 0xc2)))
      at += 2 + ((bytes[at + 2]! << 8) | bytes[at + 3]!);
    bytes.set([0xc3, 0x50, 0xc3, 0x50], at + 5);
    expect(codeOf(() => imageToDigitInput(bytes))).toBe('IMAGE_TOO_LARGE');
    expect(decode).not.toHaveBeenCalled();
  });

  it('applies each configured limit: bytes, width, height and total pixels', () => {
    const png = writePng({ width: 30, height: 20, colorType: 0, bitDepth: 8, samples: new Array(600).fill(0) });
    expect(codeOf(() => decodeImage(png, resolveImageLimits({ maxBytes: png.length - 1 })))).toBe('IMAGE_TOO_LARGE');
    expect(codeOf(() => decodeImage(png, resolveImageLimits({ maxWidth: 29 })))).toBe('IMAGE_TOO_LARGE');
    expect(codeOf(() => decodeImage(png, resolveImageLimits({ maxHeight: 19 })))).toBe('IMAGE_TOO_LARGE');
    expect(codeOf(() => decodeImage(png, resolveImageLimits({ maxPixels: 599 })))).toBe('IMAGE_TOO_LARGE');
    expect(codeOf(() => decodeImage(png, resolveImageLimits({ maxPixels: 600, maxWidth: 30, maxHeight: 20 })))).toBe(
      'no error',
    );
  });

  it('rejects nonsense limits', () => {
    expect(() => resolveImageLimits({ maxPixels: 0 })).toThrow(ConfigError);
    expect(() => resolveImageLimits({ maxBytes: Number.NaN })).toThrow(ConfigError);
    expect(resolveImageLimits()).toEqual(DEFAULT_IMAGE_LIMITS);
  });
});

describe('hostile content', () => {
  it('handles a picture of pure salt-and-pepper noise (hundreds of thousands of specks) with a typed result', () => {
    let seed = 11;
    const side = 600;
    const samples = Array.from({ length: side * side }, () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return (seed >>> 16) & 1 ? 255 : 0;
    });
    const png = writePng({ width: side, height: side, colorType: 0, bitDepth: 8, samples });
    const code = codeOf(() => imageToDigitInput(png));
    expect(['no error', 'NO_DIGIT_FOUND']).toContain(code);
  });
});
