import { ImageError, SUPPORTED_FORMATS_TEXT } from './errors.js';
import { crc32 } from './crc32.js';
import { concatBytes, pngChunk, readUint32 } from './png-chunks.js';

/** The fields of a PNG IHDR chunk (PNG spec 11.2.2). */
export interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colorType: number;
  readonly interlace: number;
}

/** Bit depths the PNG spec allows for each colour type (table 11.1). */
const ALLOWED_DEPTHS: Readonly<Record<number, readonly number[]>> = {
  0: [1, 2, 4, 8, 16], // greyscale
  2: [8, 16], // truecolour
  3: [1, 2, 4, 8], // indexed
  4: [8, 16], // greyscale + alpha
  6: [8, 16], // truecolour + alpha
};

/** Chunks we pass to upng-js; everything else (text, APNG frames, metadata) is dropped, see sanitizePng. */
const KEPT_CHUNKS = new Set(['PLTE', 'tRNS']);

const SIGNATURE_LENGTH = 8;

/**
 * Reads the IHDR (always the first chunk, at a fixed offset) without touching the rest of the file, so the
 * size check runs before anything proportional to the image is allocated.
 * @param bytes a PNG file (signature already checked)
 * @returns the validated header
 * @throws ImageError CORRUPT_IMAGE when the IHDR is missing, truncated or invalid
 */
export function readPngHeader(bytes: Uint8Array): PngHeader {
  // signature(8) + length(4) + "IHDR"(4) + 13 data bytes + CRC(4)
  if (bytes.length < SIGNATURE_LENGTH + 25) throw corrupt('the file ends inside the IHDR header');
  const length = readUint32(bytes, 8);
  if (length !== 13 || chunkType(bytes, 12) !== 'IHDR') throw corrupt('the first chunk is not a valid IHDR');
  const width = readUint32(bytes, 16);
  const height = readUint32(bytes, 20);
  const bitDepth = bytes[24] as number;
  const colorType = bytes[25] as number;
  const compression = bytes[26] as number;
  const filter = bytes[27] as number;
  const interlace = bytes[28] as number;
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    throw corrupt(`invalid dimensions ${width}x${height}`);
  }
  if (!(ALLOWED_DEPTHS[colorType] ?? []).includes(bitDepth)) {
    throw corrupt(`invalid colour type ${colorType} with bit depth ${bitDepth}`);
  }
  if (compression !== 0 || filter !== 0 || interlace > 1)
    throw corrupt('unknown compression, filter or interlace method');
  return { width, height, bitDepth, colorType, interlace };
}

/**
 * Walks every chunk, checks its length against the file and the CRC of the chunks we keep, and rebuilds a
 * minimal PNG (IHDR, PLTE, tRNS, one IDAT, IEND). upng-js trusts chunk lengths (a 4 GB length loops for
 * minutes), scans text chunks for a NUL byte without a bound (hangs on a missing NUL) and inflates every APNG
 * frame with sizes from fcTL; dropping all of that leaves it only the default image, which is the first frame
 * of an APNG whose IDAT is part of the animation (APNG spec, "fcTL before IDAT").
 * @param bytes a PNG file whose header passed readPngHeader
 * @returns the sanitized PNG and the total length of the compressed image data
 * @throws ImageError CORRUPT_IMAGE on a truncated file, a bad CRC, or missing required chunks
 */
export function sanitizePng(bytes: Uint8Array, header: PngHeader): { png: Uint8Array; idatLength: number } {
  const kept: Uint8Array[] = [];
  const idat: Uint8Array[] = [];
  let idatLength = 0;
  let offset = SIGNATURE_LENGTH;
  let sawEnd = false;
  let sawPalette = false;
  let greyKey: number | undefined;
  while (offset < bytes.length) {
    if (offset + 12 > bytes.length) throw corrupt('the file ends inside a chunk header');
    const length = readUint32(bytes, offset);
    const type = chunkType(bytes, offset + 4);
    const dataStart = offset + 8;
    const dataEnd = dataStart + length;
    if (length > 0x7fffffff || dataEnd + 4 > bytes.length)
      throw corrupt(`the ${printable(type)} chunk runs past the end of the file`);
    const critical = (type.charCodeAt(0) & 0x20) === 0;
    if ((critical || KEPT_CHUNKS.has(type)) && crc32(bytes, offset + 4, dataEnd) !== readUint32(bytes, dataEnd)) {
      throw corrupt(`the ${printable(type)} chunk fails its CRC check`);
    }
    if (type === 'IDAT') {
      idat.push(bytes.subarray(dataStart, dataEnd));
      idatLength += length;
    } else if (type === 'IEND') {
      sawEnd = true;
      break;
    } else if (KEPT_CHUNKS.has(type)) {
      if (type === 'PLTE') sawPalette = true;
      // tRNS is interpreted per colour type; upng-js reads a fixed number of bytes, so require at least that many.
      if (type === 'tRNS' && length < ([2, 0, 6][header.colorType] ?? 0)) throw corrupt('the tRNS chunk is too short');
      if (type === 'tRNS' && header.colorType === 0)
        greyKey = ((bytes[dataStart] as number) << 8) | (bytes[dataStart + 1] as number);
      kept.push(bytes.subarray(offset, dataEnd + 4));
    } else if (critical && type !== 'IHDR') {
      throw corrupt(`unknown critical chunk ${printable(type)}`);
    }
    offset = dataEnd + 4;
  }
  if (!sawEnd) throw corrupt('the file is truncated (no IEND chunk)');
  if (idatLength === 0) throw corrupt('the file has no image data (no IDAT chunk)');
  if (header.colorType === 3 && !sawPalette) throw corrupt('an indexed-colour image has no palette (PLTE chunk)');

  let ihdr = bytes.subarray(SIGNATURE_LENGTH, SIGNATURE_LENGTH + 25);
  if (header.colorType === 0 && header.bitDepth < 8) {
    // upng-js 2.1 unpacks 1/2/4-bit greyscale as one continuous bit stream, ignoring that every row starts on a
    // byte boundary (PNG spec 7.2), so any width not a multiple of 8/depth comes out sheared. Its palette path
    // handles rows correctly, and a grey image is exactly a palette image with a grey ramp: rewrite it as one.
    ihdr = pngChunk('IHDR', greyAsPaletteHeader(ihdr));
    kept.length = 0;
    kept.push(...greyRampChunks(header.bitDepth, greyKey));
  }
  const png = concatBytes([
    bytes.subarray(0, SIGNATURE_LENGTH),
    ihdr,
    ...kept,
    pngChunk('IDAT', idat),
    pngChunk('IEND', []),
  ]);
  return { png, idatLength };
}

/** A copy of the IHDR data (13 bytes) with the colour type changed from greyscale (0) to indexed (3). */
function greyAsPaletteHeader(ihdr: Uint8Array): Uint8Array {
  // Copied with Uint8Array's own constructor: `ihdr` views the caller's bytes, and a Node Buffer's slice() is a view
  // too, so the colour type was written into the caller's file (a second decoding of it then failed its CRC check).
  const data = new Uint8Array(ihdr.subarray(8, 21));
  data[9] = 3;
  return data;
}

/** PLTE with the grey ramp of a `depth`-bit image, and tRNS making the colour-key grey transparent. */
function greyRampChunks(depth: number, key: number | undefined): Uint8Array[] {
  const levels = 2 ** depth;
  const palette = new Uint8Array(levels * 3);
  for (let v = 0; v < levels; v++) palette.fill(Math.round((v * 255) / (levels - 1)), v * 3, v * 3 + 3);
  const chunks = [pngChunk('PLTE', palette)];
  if (key !== undefined && key < levels) {
    const alpha = new Uint8Array(key + 1).fill(255);
    alpha[key] = 0;
    chunks.push(pngChunk('tRNS', alpha));
  }
  return chunks;
}

function corrupt(detail: string): ImageError {
  return new ImageError('CORRUPT_IMAGE', `the PNG data is truncated or corrupt: ${detail}; ${SUPPORTED_FORMATS_TEXT}`);
}

function chunkType(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);
}

function printable(type: string): string {
  return /^[A-Za-z]{4}$/.test(type) ? type : JSON.stringify(type);
}
