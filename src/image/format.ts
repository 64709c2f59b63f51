import { ImageError, SUPPORTED_FORMATS_TEXT } from './errors.js';
import { PNG_SIGNATURE } from './png-chunks.js';

/** The encoded formats we decode. */
export type ImageFormat = 'png' | 'jpeg';

/** Formats people commonly send that we recognise only to name them in the error (never decoded). */
const KNOWN_UNSUPPORTED: readonly { readonly name: string; readonly test: (b: Uint8Array) => boolean }[] = [
  { name: 'GIF', test: (b) => ascii(b, 0, 4) === 'GIF8' },
  { name: 'BMP', test: (b) => ascii(b, 0, 2) === 'BM' },
  { name: 'WebP', test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP' },
  { name: 'TIFF', test: (b) => ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*' },
  { name: 'HEIC/AVIF', test: (b) => ascii(b, 4, 4) === 'ftyp' },
  { name: 'PDF', test: (b) => ascii(b, 0, 5) === '%PDF-' },
  { name: 'ICO', test: (b) => b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0 },
  { name: 'SVG/XML', test: (b) => /^(\uFEFF|\s)*</.test(ascii(b, 0, 64)) },
];

/**
 * Detects the format from the magic bytes (never from a file name, which the client controls).
 * @param bytes the encoded image
 * @returns 'png' or 'jpeg'
 * @throws ImageError EMPTY_INPUT for zero bytes, UNSUPPORTED_FORMAT (naming the format when recognised) otherwise
 */
export function detectFormat(bytes: Uint8Array): ImageFormat {
  if (bytes.length === 0)
    throw new ImageError('EMPTY_INPUT', `the input is empty (0 bytes); ${SUPPORTED_FORMATS_TEXT}`);
  if (PNG_SIGNATURE.every((value, i) => bytes[i] === value)) return 'png';
  // SOI followed by the first marker's 0xFF; every JPEG (JFIF, Exif, raw) starts this way.
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  const known = KNOWN_UNSUPPORTED.find((f) => f.test(bytes));
  const what = known ? `${known.name} images are not supported` : 'the input is not a recognised image format';
  throw new ImageError('UNSUPPORTED_FORMAT', `${what}; ${SUPPORTED_FORMATS_TEXT}`);
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  let text = '';
  for (let i = start; i < Math.min(bytes.length, start + length); i++) text += String.fromCharCode(bytes[i] as number);
  return text;
}
