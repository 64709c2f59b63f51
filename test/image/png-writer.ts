/**
 * Test-only PNG writer: builds PNGs of every colour type, bit depth and interlace method from explicit samples,
 * with real CRCs and zlib (node:zlib), so the decoder is tested on files upng-js 2.1's encoder cannot produce.
 */
import { deflateSync } from 'node:zlib';
import { concatBytes, PNG_SIGNATURE, pngChunk } from '../../src/image/png-chunks.js';

export { pngChunk };

export interface PngSpec {
  readonly width: number;
  readonly height: number;
  readonly colorType: 0 | 2 | 3 | 4 | 6;
  readonly bitDepth: 1 | 2 | 4 | 8 | 16;
  /** Samples row-major, channels interleaved, each 0..2^bitDepth-1 (palette indices for colour type 3). */
  readonly samples: readonly number[];
  readonly palette?: readonly (readonly [number, number, number])[];
  /** Raw tRNS chunk data. */
  readonly trns?: Uint8Array;
  readonly interlace?: boolean;
  /** Extra chunks inserted before IDAT, e.g. text or APNG control chunks. */
  readonly extraChunks?: readonly Uint8Array[];
  /** Extra chunks inserted after IDAT (APNG fdAT). */
  readonly afterIdat?: readonly Uint8Array[];
}

const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;

/** Packs one row of samples at the given bit depth, prefixed with filter byte 0. */
function packRow(samples: readonly number[], depth: number): Uint8Array {
  const bytes = new Uint8Array(1 + Math.ceil((samples.length * depth) / 8));
  if (depth === 16) {
    samples.forEach((s, i) => {
      bytes[1 + 2 * i] = s >> 8;
      bytes[2 + 2 * i] = s & 0xff;
    });
  } else {
    samples.forEach((s, i) => {
      const bit = i * depth;
      bytes[1 + (bit >> 3)] = (bytes[1 + (bit >> 3)] as number) | (s << (8 - depth - (bit & 7)));
    });
  }
  return bytes;
}

/** Adam7 passes: start x, start y, step x, step y (PNG spec 8.2). */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** The raw (filtered, uncompressed) image data for the spec. */
function rawData(spec: PngSpec): Uint8Array {
  const ch = CHANNELS[spec.colorType];
  const pixel = (x: number, y: number): number[] =>
    spec.samples.slice((y * spec.width + x) * ch, (y * spec.width + x + 1) * ch);
  const rows: Uint8Array[] = [];
  if (!spec.interlace) {
    for (let y = 0; y < spec.height; y++) {
      const row: number[] = [];
      for (let x = 0; x < spec.width; x++) row.push(...pixel(x, y));
      rows.push(packRow(row, spec.bitDepth));
    }
  } else {
    for (const [sx, sy, dx, dy] of ADAM7) {
      if (sx >= spec.width) continue; // an empty pass has no rows at all
      for (let y = sy; y < spec.height; y += dy) {
        const row: number[] = [];
        for (let x = sx; x < spec.width; x += dx) row.push(...pixel(x, y));
        rows.push(packRow(row, spec.bitDepth));
      }
    }
  }
  return concatBytes(rows);
}

/** Writes the PNG described by `spec`. */
export function writePng(spec: PngSpec): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, spec.width);
  view.setUint32(4, spec.height);
  ihdr[8] = spec.bitDepth;
  ihdr[9] = spec.colorType;
  ihdr[12] = spec.interlace ? 1 : 0;
  const parts: Uint8Array[] = [Uint8Array.from(PNG_SIGNATURE), pngChunk('IHDR', ihdr)];
  if (spec.palette) parts.push(pngChunk('PLTE', Uint8Array.from(spec.palette.flat())));
  if (spec.trns) parts.push(pngChunk('tRNS', spec.trns));
  parts.push(...(spec.extraChunks ?? []));
  parts.push(pngChunk('IDAT', new Uint8Array(deflateSync(rawData(spec)))));
  parts.push(...(spec.afterIdat ?? []));
  parts.push(pngChunk('IEND', new Uint8Array(0)));
  return Buffer.concat(parts);
}

/** A PNG whose IHDR claims `width` x `height` and that has nothing else (for header-only checks). */
export function headerOnlyPng(width: number, height: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([Uint8Array.from(PNG_SIGNATURE), pngChunk('IHDR', ihdr)]);
}
