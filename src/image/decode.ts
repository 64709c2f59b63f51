import UPNG from 'upng-js';
import jpeg from 'jpeg-js';
import { corruptImage, ImageError } from './errors.js';
import type { Orientation } from './exif.js';
import { detectFormat, type ImageFormat } from './format.js';
import { readJpegHeader } from './jpeg-header.js';
import { checkJpegStructure } from './jpeg-structure.js';
import { checkByteLength, checkDimensions, type ImageLimits } from './limits.js';
import { readPngHeader, sanitizePng } from './png-container.js';
import { installUpngInterlaceFix } from './upng-interlace-fix.js';
import { withBoundedInflate, type Inflate } from './bounded-inflate.js';

/** A decoded image: 8-bit RGBA, row-major, plus how it must be turned to be upright. */
export interface RgbaImage {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  /** width * height * 4 bytes, non-premultiplied RGBA. */
  readonly rgba: Uint8Array;
  /** Exif orientation of a JPEG (1 = upright); PNGs are always 1. */
  readonly orientation: Orientation;
}

/** How {@link decodeImage} decodes, besides its limits. */
export interface ImageDecodeOptions {
  /** The zlib inflater for PNG image data (node:zlib's on Node, see Inflate); pako when omitted. */
  readonly inflate?: Inflate;
}

/** JPEG working memory per pixel, bytes: ~4 B per component plane (jpeg-js keeps 16-bit blocks) x up to 4 planes + RGBA output. */
const JPEG_BYTES_PER_PIXEL = 24;

/**
 * Decodes PNG or JPEG bytes after checking the byte length and the header dimensions against the limits.
 * Every decoder exception becomes ImageError CORRUPT_IMAGE.
 * @param bytes the encoded image (format detected from magic bytes)
 * @param limits resolved limits
 * @param options the inflater for PNG data
 * @returns the RGBA pixels
 * @throws ImageError EMPTY_INPUT, UNSUPPORTED_FORMAT, IMAGE_TOO_LARGE or CORRUPT_IMAGE
 */
export function decodeImage(bytes: Uint8Array, limits: ImageLimits, options: ImageDecodeOptions = {}): RgbaImage {
  const format = detectFormat(bytes);
  checkByteLength(bytes.length, limits);
  return format === 'png' ? decodePng(bytes, limits, options) : decodeJpeg(bytes, limits);
}

function decodePng(bytes: Uint8Array, limits: ImageLimits, options: ImageDecodeOptions): RgbaImage {
  const header = readPngHeader(bytes);
  checkDimensions(header.width, header.height, limits);
  const { png } = sanitizePng(bytes, header);
  let rgba: Uint8Array;
  try {
    // Patched on first use rather than at import, so importing the package changes nothing ("sideEffects": false).
    installUpngInterlaceFix();
    const decoded = withBoundedInflate(header, () => UPNG.decode(png.buffer as ArrayBuffer), options.inflate);
    const frame = UPNG.toRGBA8(decoded)[0];
    if (frame === undefined) throw new Error('no frame decoded');
    rgba = new Uint8Array(frame);
  } catch (error) {
    throw corruptImage('PNG', error);
  }
  if (rgba.length !== header.width * header.height * 4)
    throw corruptImage('PNG', 'decoded size does not match the header');
  return { format: 'png', width: header.width, height: header.height, rgba, orientation: 1 };
}

/** jpeg-js's own memory cap for our limits (it counts its allocations as it goes and throws past it). */
function jpegMemoryCapBytes(limits: ImageLimits): number {
  return (Math.ceil((limits.maxPixels * JPEG_BYTES_PER_PIXEL) / (1024 * 1024)) + 16) * 1024 * 1024;
}

/**
 * Refuses, from the header, a JPEG that jpeg-js would refuse only after decoding its scans: per pixel it counts
 * 4 B per component for its 32-bit blocks, 1 B per component for the component planes and again for the
 * interleaved output, plus 4 B of RGBA (a lower bound: MCU padding adds more). A 12 MP CMYK file comes to 336 MB,
 * over the 290 MB cap; jpeg-js found that after ~3.4 s of work and ~480 MB of RSS (issue 22's CMYK attack).
 */
function checkJpegMemory(width: number, height: number, components: number, limits: ImageLimits): void {
  const needed = width * height * (6 * components + 4);
  const cap = jpegMemoryCapBytes(limits);
  if (needed > cap) {
    const most = Math.floor(cap / (6 * components + 4));
    throw new ImageError(
      'IMAGE_TOO_LARGE',
      `the image is ${width}x${height} pixels with ${components} colour components; at that many components the ` +
        `limit is ${most} pixels in total`,
    );
  }
}

function decodeJpeg(bytes: Uint8Array, limits: ImageLimits): RgbaImage {
  const header = readJpegHeader(bytes);
  checkDimensions(header.width, header.height, limits);
  checkJpegMemory(header.width, header.height, header.components, limits);
  // jpeg-js walks every block in every scan and allocates planes for every frame: refuse what would cost far
  // more than the file's size before it starts.
  checkJpegStructure(bytes);
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, {
      useTArray: true, // Uint8Array output: no Buffer, so this module stays platform-neutral
      formatAsRGBA: true,
      // Tolerate minor stream damage (as browsers do); a file cut before the scan data still fails the checks below.
      tolerantDecoding: true,
      // Belt and braces: jpeg-js's own limits, derived from ours, in case its view of the size differs from the header.
      maxResolutionInMP: limits.maxPixels / 1e6,
      maxMemoryUsageInMB: jpegMemoryCapBytes(limits) / (1024 * 1024),
    });
  } catch (error) {
    throw corruptImage('JPEG', error);
  }
  if (
    decoded.width !== header.width ||
    decoded.height !== header.height ||
    decoded.data.length !== decoded.width * decoded.height * 4
  ) {
    throw corruptImage('JPEG', 'decoded size does not match the frame header');
  }
  return {
    format: 'jpeg',
    width: decoded.width,
    height: decoded.height,
    rgba: decoded.data,
    orientation: header.orientation,
  };
}
