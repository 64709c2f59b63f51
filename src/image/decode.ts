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
  const pixels = decodePngPixels(bytes, limits, options);
  return { format: 'png', width: pixels.width, height: pixels.height, rgba: pngToRgba(pixels), orientation: 1 };
}

/**
 * A PNG's pixels as upng-js unpacks them, before any conversion: `data` holds `height` rows of `ceil(width x channels x
 * depth / 8)` bytes from its start (the buffer may run on past them).
 */
export interface PngPixels {
  readonly width: number;
  readonly height: number;
  /** PNG colour type: 0 grey, 2 RGB, 3 palette, 4 grey and alpha, 6 RGBA. */
  readonly colorType: number;
  /** Bits per channel (or per palette index). */
  readonly depth: number;
  readonly data: Uint8Array;
  /** Whether a tRNS chunk gives a colour or a palette entry transparency. */
  readonly transparency: boolean;
  /** Whether it is an animated PNG (acTL): its first frame is composed by upng-js's conversion. */
  readonly animated: boolean;
  /** The upng-js image, for its RGBA conversion (opaque: the published types do not depend on upng-js's). */
  readonly decoded: unknown;
}

/**
 * The byte-length and header checks of {@link decodeImage}, then upng-js's decoding with bounded inflation, stopping
 * before the conversion to RGBA (see decodeGray, which reads most PNGs' pixels as they are).
 * @throws ImageError IMAGE_TOO_LARGE or CORRUPT_IMAGE
 */
export function decodePngPixels(bytes: Uint8Array, limits: ImageLimits, options: ImageDecodeOptions): PngPixels {
  const header = readPngHeader(bytes);
  checkDimensions(header.width, header.height, limits);
  const { png } = sanitizePng(bytes, header);
  let decoded: UPNG.Image;
  try {
    // Patched on first use rather than at import, so importing the package changes nothing ("sideEffects": false).
    installUpngInterlaceFix();
    decoded = withBoundedInflate(header, () => UPNG.decode(png.buffer as ArrayBuffer), options.inflate);
  } catch (error) {
    throw corruptImage('PNG', error);
  }
  const data = decoded.data as unknown as Uint8Array | ArrayBuffer;
  return {
    width: header.width,
    height: header.height,
    colorType: header.colorType,
    depth: header.bitDepth,
    data: data instanceof Uint8Array ? data : new Uint8Array(data),
    transparency: decoded.tabs.tRNS !== undefined,
    animated: decoded.tabs.acTL !== undefined,
    decoded,
  };
}

/** upng-js's RGBA conversion of decoded PNG pixels, checked against the header's size. */
export function pngToRgba(pixels: PngPixels): Uint8Array {
  let rgba: Uint8Array;
  try {
    const frame = UPNG.toRGBA8(pixels.decoded as UPNG.Image)[0];
    if (frame === undefined) throw new Error('no frame decoded');
    rgba = new Uint8Array(frame);
  } catch (error) {
    throw corruptImage('PNG', error);
  }
  if (rgba.length !== pixels.width * pixels.height * 4)
    throw corruptImage('PNG', 'decoded size does not match the header');
  return rgba;
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

/** Decodes a JPEG after the byte-length check of {@link decodeImage}. */
export function decodeJpeg(bytes: Uint8Array, limits: ImageLimits): RgbaImage {
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
