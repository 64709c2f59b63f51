import pako from 'pako';
import UPNG from 'upng-js';
import { concatBytes } from './png-chunks.js';
import type { PngHeader } from './png-container.js';
import { ADAM7_PASSES } from './adam7.js';

/** upng-js 2.1's inflate hook (not in its published types). */
interface UpngInflateHook {
  _inflate: (data: Uint8Array) => Uint8Array;
  _boundedByMnistDigits?: true;
}

/** Channels per PNG colour type (PNG spec table 11.1). */
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Bytes the image data of a valid PNG inflates to: one filter byte plus the packed pixels per (pass) row. */
export function inflatedPngSize(header: PngHeader): number {
  const bitsPerPixel = (CHANNELS[header.colorType] ?? 4) * header.bitDepth;
  const rowBytes = (width: number): number => 1 + Math.ceil((width * bitsPerPixel) / 8);
  if (header.interlace === 0) return header.height * rowBytes(header.width);
  let total = 0;
  for (const [row0, col0, rowStep, colStep] of ADAM7_PASSES) {
    const w = col0 < header.width ? Math.ceil((header.width - col0) / colStep) : 0;
    const h = row0 < header.height ? Math.ceil((header.height - row0) / rowStep) : 0;
    if (w > 0 && h > 0) total += h * rowBytes(w);
  }
  return total;
}

/**
 * Inflates a zlib stream (RFC 1950), refusing output past `maxBytes`: it throws {@link inflateOverrun} once the
 * output would pass it. The runtime's native inflater where there is one (node:zlib's inflateSync, several times
 * faster than pako on a PNG's image data); pako's when none is given.
 */
export type Inflate = (data: Uint8Array, maxBytes: number) => Uint8Array;

/** The error an {@link Inflate} throws for output past its bound: the same words whichever inflater ran. */
export function inflateOverrun(maxBytes: number): Error {
  return new Error(`image data inflates to more than the ${maxBytes} bytes its header allows`);
}

let limit: number | undefined;
let givenInflate: Inflate | undefined;

/**
 * Runs `decode` (a synchronous upng-js call) with PNG inflation capped at what `header` says the image needs.
 * upng-js inflates with pako in one call and no output limit, so a few megabytes of crafted IDAT (a "zip bomb")
 * would otherwise expand to gigabytes before any size check. The cap (and `inflate`, when given) is module state,
 * set and cleared around one synchronous call, so no other call can observe it.
 * @param inflate the inflater to use instead of pako's (see {@link Inflate})
 */
export function withBoundedInflate<T>(header: PngHeader, decode: () => T, inflate?: Inflate): T {
  const hook = UPNG.decode as unknown as UpngInflateHook;
  if (!hook._boundedByMnistDigits) {
    hook._inflate = boundedInflate;
    hook._boundedByMnistDigits = true;
  }
  limit = inflatedPngSize(header);
  givenInflate = inflate;
  try {
    return decode();
  } finally {
    limit = undefined;
    givenInflate = undefined;
  }
}

function boundedInflate(data: Uint8Array): Uint8Array {
  const cap = limit;
  if (cap === undefined) return pako.inflate(data);
  if (givenInflate !== undefined) return givenInflate(data, cap);
  // One byte past the cap is enough to detect an overrun, and a small PNG then costs a small output buffer instead
  // of pako's 64 KB default per call: under load that garbage, collected lazily, was most of the server's RSS.
  const inflater = new pako.Inflate({ chunkSize: Math.min(1 << 16, cap + 1) });
  const chunks: Uint8Array[] = [];
  let total = 0;
  inflater.onData = (chunk: pako.Data) => {
    const bytes = chunk as Uint8Array;
    total += bytes.length;
    // Stop at the first chunk past the cap: memory stays bounded by the cap plus one chunk.
    if (total > cap) throw inflateOverrun(cap);
    chunks.push(bytes);
  };
  inflater.push(data, true);
  if (inflater.err) throw new Error(inflater.msg || `inflate error ${inflater.err}`);
  return concatBytes(chunks);
}
