import { describe, expect, it } from 'vitest';
import { DECODE_BYTES_PER_PIXEL, estimateDecodeBytes } from '../../src/image/decode-cost.js';
import { encodeGrayPng } from '../../src/image/index.js';
import { manyScanJpeg, multiFrameJpeg } from '../helpers/hostile-images.js';

describe('estimateDecodeBytes', () => {
  it('charges a decodable picture its declared pixels, read from the header', () => {
    expect(estimateDecodeBytes(encodeGrayPng(new Uint8Array(12 * 5), 12, 5))).toBe(60 * DECODE_BYTES_PER_PIXEL);
    expect(estimateDecodeBytes(manyScanJpeg({ width: 4000, height: 3000, scans: 10 }))).toBe(
      12_000_000 * DECODE_BYTES_PER_PIXEL,
    );
  });

  it('charges nothing for what the decoder refuses before allocating: hostile JPEGs, unreadable headers', () => {
    expect(estimateDecodeBytes(manyScanJpeg({ width: 4000, height: 3000, scans: 2000 }))).toBe(0);
    expect(estimateDecodeBytes(multiFrameJpeg({ width: 4000, height: 3000, frames: 2 }))).toBe(0);
    expect(estimateDecodeBytes(new Uint8Array([1, 2, 3]))).toBe(0);
    expect(estimateDecodeBytes(new Uint8Array(0))).toBe(0);
  });
});
