import { isNumberIn } from '../shared/checks.js';
import { concatBytes, PNG_SIGNATURE, pngChunk, writeUint32 } from './png-chunks.js';

/** Samples per pixel for the PNG colour types we write: grey, grey+alpha, RGB, RGBA (PNG spec table 11.1). */
const COLOR_TYPE: Readonly<Record<1 | 2 | 3 | 4, number>> = { 1: 0, 2: 4, 3: 2, 4: 6 };

/** Largest stored deflate block (RFC 1951 3.2.4: LEN is 16 bits). */
const MAX_STORED_BLOCK = 65_535;

/**
 * Encodes 8-bit pixels as a PNG using uncompressed ("stored") deflate blocks. Small and exact, with no
 * dependency: meant for small images such as the 28x28 network input shown in the UI, where compression saves
 * nothing worth the code (upng-js 2.1's encoder sizes its output buffer from the raw image and silently
 * truncates small, colourful images).
 * @param pixels width*height*channels bytes, row-major
 * @param width image width (>= 1)
 * @param height image height (>= 1)
 * @param channels 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA
 * @returns a valid PNG file
 * @example encodePng(new Uint8Array(784), 28, 28, 1)
 */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 2 | 3 | 4): Uint8Array {
  if (!isNumberIn(width, { min: 1, integer: true }) || !isNumberIn(height, { min: 1, integer: true })) {
    throw new RangeError(`PNG dimensions must be positive integers, got ${width}x${height}`);
  }
  if (pixels.length !== width * height * channels) {
    throw new RangeError(
      `expected ${width * height * channels} bytes for ${width}x${height}x${channels}, got ${pixels.length}`,
    );
  }
  const stride = width * channels;
  // Each scanline is prefixed by filter type 0 (None).
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const ihdr = new Uint8Array(13);
  writeUint32(ihdr, 0, width);
  writeUint32(ihdr, 4, height);
  ihdr[8] = 8;
  ihdr[9] = COLOR_TYPE[channels];
  return concatBytes([
    Uint8Array.from(PNG_SIGNATURE),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlibStored(raw)),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

/**
 * Encodes a greyscale image (for example the 784-byte network input) as an 8-bit grey PNG.
 * @param pixels width*height grey values
 * @param width image width
 * @param height image height
 * @returns a PNG file
 * @example encodeGrayPng(input.pixels, 28, 28)
 */
export function encodeGrayPng(pixels: Uint8Array, width: number, height: number): Uint8Array {
  return encodePng(pixels, width, height, 1);
}

/** A zlib stream (RFC 1950) holding `data` in stored deflate blocks (RFC 1951 3.2.4). */
function zlibStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / MAX_STORED_BLOCK));
  const out = new Uint8Array(2 + blocks * 5 + data.length + 4);
  out[0] = 0x78; // CMF: deflate, 32K window
  out[1] = 0x01; // FLG: no dictionary, fastest; (0x78 * 256 + 0x01) % 31 === 0 as RFC 1950 requires
  let at = 2;
  for (let b = 0; b < blocks; b++) {
    const piece = data.subarray(b * MAX_STORED_BLOCK, (b + 1) * MAX_STORED_BLOCK);
    out[at++] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE=00
    out[at++] = piece.length & 0xff;
    out[at++] = piece.length >>> 8;
    out[at++] = ~piece.length & 0xff;
    out[at++] = (~piece.length >>> 8) & 0xff;
    out.set(piece, at);
    at += piece.length;
  }
  writeUint32(out, at, adler32(data));
  return out;
}

function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; i++) {
    a = (a + (data[i] as number)) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}
