import { ImageError, SUPPORTED_FORMATS_TEXT } from './errors.js';
import { readExifOrientation, type Orientation } from './exif.js';

/** What the JPEG markers before the first scan tell us: size, components, and the Exif orientation. */
export interface JpegHeader {
  readonly width: number;
  readonly height: number;
  readonly components: number;
  readonly progressive: boolean;
  readonly orientation: Orientation;
}

/** SOFn markers that are not frame headers: DHT (C4), JPG extension (C8), DAC (CC). */
const NOT_SOF = new Set([0xc4, 0xc8, 0xcc]);

/** Names of the SOF variants jpeg-js cannot decode (ITU T.81 table B.1), for the error message. */
const UNSUPPORTED_SOF: Readonly<Record<number, string>> = {
  0xc3: 'lossless',
  0xc5: 'hierarchical',
  0xc6: 'hierarchical progressive',
  0xc7: 'hierarchical lossless',
  0xc9: 'arithmetic-coded',
  0xca: 'arithmetic-coded progressive',
  0xcb: 'arithmetic-coded lossless',
  0xcd: 'arithmetic-coded hierarchical',
  0xce: 'arithmetic-coded hierarchical progressive',
  0xcf: 'arithmetic-coded hierarchical lossless',
};

/**
 * Walks the marker segments up to the frame header (SOFn) and reads the image size from it, so oversize
 * images are refused before jpeg-js allocates anything. Also picks up the Exif orientation (APP1) on the way.
 * @param bytes a JPEG file (SOI already checked)
 * @returns the frame header fields
 * @throws ImageError CORRUPT_IMAGE for truncated or malformed headers, UNSUPPORTED_FORMAT for JPEG variants
 *   jpeg-js cannot decode (lossless, hierarchical, arithmetic, 12-bit)
 */
export function readJpegHeader(bytes: Uint8Array): JpegHeader {
  let offset = 2;
  let orientation: Orientation = 1;
  for (;;) {
    if (offset >= bytes.length) throw corrupt('the file ends before the frame header (SOF)');
    if (bytes[offset] !== 0xff) throw corrupt(`expected a marker at byte ${offset}`);
    while (bytes[offset] === 0xff) offset++; // fill bytes (T.81 B.1.1.2)
    const marker = bytes[offset];
    offset++;
    if (marker === undefined) throw corrupt('the file ends inside a marker');
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // standalone markers, no length
    if (marker === 0xd9 || marker === 0xda) throw corrupt('no frame header (SOF) before the image data');
    if (offset + 2 > bytes.length) throw corrupt('the file ends inside a segment length');
    const length = ((bytes[offset] as number) << 8) | (bytes[offset + 1] as number);
    if (length < 2 || offset + length > bytes.length)
      throw corrupt(`a segment (marker 0x${marker.toString(16)}) runs past the end of the file`);
    const segment = bytes.subarray(offset + 2, offset + length);
    if (marker === 0xe1) orientation = readExifOrientation(segment) ?? orientation;
    if (marker >= 0xc0 && marker <= 0xcf && !NOT_SOF.has(marker)) return frameHeader(marker, segment, orientation);
    offset += length;
  }
}

function frameHeader(marker: number, segment: Uint8Array, orientation: Orientation): JpegHeader {
  const variant = UNSUPPORTED_SOF[marker];
  if (variant !== undefined) {
    throw new ImageError(
      'UNSUPPORTED_FORMAT',
      `${variant} JPEG is not supported (baseline and progressive are); ${SUPPORTED_FORMATS_TEXT}`,
    );
  }
  if (segment.length < 6) throw corrupt('the frame header (SOF) is truncated');
  const precision = segment[0] as number;
  const height = ((segment[1] as number) << 8) | (segment[2] as number);
  const width = ((segment[3] as number) << 8) | (segment[4] as number);
  const components = segment[5] as number;
  if (precision !== 8) {
    throw new ImageError(
      'UNSUPPORTED_FORMAT',
      `${precision}-bit JPEG is not supported (8-bit is); ${SUPPORTED_FORMATS_TEXT}`,
    );
  }
  // Height 0 means "given later by a DNL marker" (T.81 B.2.5), which jpeg-js does not implement.
  if (width === 0 || height === 0) throw corrupt(`invalid dimensions ${width}x${height}`);
  if (components !== 1 && components !== 3 && components !== 4)
    throw corrupt(`unsupported component count ${components}`);
  return { width, height, components, progressive: marker === 0xc2, orientation };
}

function corrupt(detail: string): ImageError {
  return new ImageError('CORRUPT_IMAGE', `the JPEG data is truncated or corrupt: ${detail}; ${SUPPORTED_FORMATS_TEXT}`);
}
