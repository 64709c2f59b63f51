import { detectFormat } from './format.js';
import { readJpegHeader } from './jpeg-header.js';
import { checkJpegStructure } from './jpeg-structure.js';
import { readPngHeader } from './png-container.js';

/**
 * Peak bytes one decode takes per declared pixel: the file's pixel buffers (RGBA, grey planes, the decoders'
 * working copies) at their peak, measured in the container with a 12 MP photo (docs/DEPLOY.md).
 */
export const DECODE_BYTES_PER_PIXEL = 35;

/**
 * Estimates the memory decoding these bytes will take, from the header alone (cheap: no pixel is decoded),
 * so a caller can budget concurrent decodes. Bytes that are not a readable PNG or JPEG header cost nothing
 * here, and neither does a JPEG that the structural check refuses (thousands of scans, several frames): their
 * decode fails before allocating, so they must not wait behind real photos for memory they will never use.
 * The structural walk reads the whole file, ~0.3 ms for a 60 KB photo.
 * @param bytes - An uploaded file.
 * @returns Estimated peak bytes.
 */
export function estimateDecodeBytes(bytes: Uint8Array): number {
  try {
    if (detectFormat(bytes) === 'png') {
      const header = readPngHeader(bytes);
      return header.width * header.height * DECODE_BYTES_PER_PIXEL;
    }
    const header = readJpegHeader(bytes);
    checkJpegStructure(bytes);
    return header.width * header.height * DECODE_BYTES_PER_PIXEL;
  } catch {
    return 0;
  }
}
