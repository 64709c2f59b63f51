import { decodeJpeg, decodePngPixels, pngToRgba, type ImageDecodeOptions, type PngPixels } from './decode.js';
import { detectFormat, type ImageFormat } from './format.js';
import type { GrayImage } from './gray.js';
import { checkByteLength, type ImageLimits } from './limits.js';
import { opaqueToLuminance, rgbaToLuminance } from './luminance.js';
import { applyOrientation } from './orientation.js';

/** A decoded picture as the normalization and the number reader take it: upright luminance in [0, 1]. */
export interface GrayPicture {
  readonly format: ImageFormat;
  readonly gray: GrayImage;
}

/**
 * Decodes PNG or JPEG bytes to upright luminance: decodeImage, turned by its Exif orientation, then rgbaToLuminance,
 * the same values to the bit. An 8-bit PNG in grey, RGB or RGBA without a tRNS chunk is read from its unpacked pixels,
 * with no RGBA copy (most uploads: screenshots, scans, canvas drawings).
 * @param bytes the encoded image (format detected from magic bytes)
 * @param limits resolved limits
 * @param options the inflater for PNG data
 * @throws ImageError EMPTY_INPUT, UNSUPPORTED_FORMAT, IMAGE_TOO_LARGE or CORRUPT_IMAGE
 * @example const { gray } = decodeGray(bytes, resolveImageLimits());
 */
export function decodeGray(bytes: Uint8Array, limits: ImageLimits, options: ImageDecodeOptions = {}): GrayPicture {
  const format = detectFormat(bytes);
  checkByteLength(bytes.length, limits);
  if (format === 'png') {
    const pixels = decodePngPixels(bytes, limits, options);
    return { format, gray: pngLuminance(pixels) };
  }
  const image = decodeJpeg(bytes, limits);
  return { format, gray: applyOrientation(rgbaToLuminance(image.rgba, image.width, image.height), image.orientation) };
}

function pngLuminance(pixels: PngPixels): GrayImage {
  const { width, height, colorType, depth, data } = pixels;
  const channels = colorType === 0 ? 1 : colorType === 2 ? 3 : colorType === 6 ? 4 : 0;
  const direct =
    depth === 8 &&
    channels !== 0 &&
    !pixels.transparency &&
    !pixels.animated &&
    data.length >= width * height * channels;
  if (!direct) return rgbaToLuminance(pngToRgba(pixels), width, height);
  // upng-js's RGBA of an 8-bit RGBA PNG is a copy of these bytes.
  if (channels === 4) return rgbaToLuminance(data, width, height);
  return opaqueToLuminance(data, channels, width, height);
}
