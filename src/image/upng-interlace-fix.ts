import UPNG from 'upng-js';
import { ADAM7_PASSES } from './adam7.js';

/** The internals of upng-js 2.1 this fix touches (not in its published types). */
interface UpngDecodeInternals {
  _readInterlace: (
    data: Uint8Array,
    out: { width: number; height: number; ctype: number; depth: number },
  ) => Uint8Array;
  _filterZero: (data: Uint8Array, out: unknown, offset: number, width: number, height: number) => Uint8Array;
  _getBPP: (out: unknown) => number;
  _fixedByMnistDigits?: true;
}

/**
 * Replaces upng-js 2.1's Adam7 de-interlacer, whose 1-bit branch places pixel `col` at bit `col & 3` instead of
 * `col & 7` and so scrambles every interlaced 1-bit PNG (black-and-white scans are exactly that). Same algorithm
 * otherwise: unfilter each pass's sub-image, then scatter its pixels into the full-size scanlines. Idempotent.
 */
export function installUpngInterlaceFix(): void {
  const decode = UPNG.decode as unknown as UpngDecodeInternals;
  if (decode._fixedByMnistDigits) return;
  decode._readInterlace = (data, out) => {
    const { width: w, height: h } = out;
    const bpp = decode._getBPP(out);
    const bytesPerPixel = bpp >> 3;
    const bpl = Math.ceil((w * bpp) / 8);
    const img = new Uint8Array(h * bpl);
    let offset = 0;
    for (const [startRow, startCol, rowStep, colStep] of ADAM7_PASSES) {
      const passWidth = startCol < w ? Math.ceil((w - startCol) / colStep) : 0;
      const passHeight = startRow < h ? Math.ceil((h - startRow) / rowStep) : 0;
      if (passWidth === 0 || passHeight === 0) continue;
      const passBpl = Math.ceil((passWidth * bpp) / 8);
      decode._filterZero(data, out, offset, passWidth, passHeight);
      for (let y = 0, row = startRow; row < h; y++, row += rowStep) {
        let bit = (offset + y * passBpl) * 8;
        for (let col = startCol; col < w; col += colStep, bit += bpp) {
          if (bpp >= 8) {
            const from = bit >> 3;
            const to = row * bpl + col * bytesPerPixel;
            for (let j = 0; j < bytesPerPixel; j++) img[to + j] = data[from + j] as number;
          } else {
            const value = ((data[bit >> 3] as number) >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
            const target = col * bpp;
            const at = row * bpl + (target >> 3);
            img[at] = (img[at] as number) | (value << (8 - bpp - (target & 7)));
          }
        }
      }
      offset += passHeight * (1 + passBpl);
    }
    return img;
  };
  decode._fixedByMnistDigits = true;
}
