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
 * with no RGBA copy (most uploads: screenshots, scans, canvas drawings). (Indexed PNGs measured no faster read
 * through their palette: their RGBA conversion is a small part of their decoding.)
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
  const { width, height, colorType, data } = pixels;
  const n = width * height;
  // Where upng-js's RGBA conversion only spreads or copies bytes: 8 bits a sample, no tRNS key, one frame.
  const plain = pixels.depth === 8 && !pixels.transparency && !pixels.animated;
  if (plain && colorType === 0 && data.length >= n) return opaqueToLuminance(data, 1, width, height);
  if (plain && colorType === 2 && data.length >= 3 * n) return opaqueToLuminance(data, 3, width, height);
  // Its RGBA of an 8-bit RGBA PNG is a copy of these bytes.
  if (plain && colorType === 6 && data.length >= 4 * n) return rgbaToLuminance(data, width, height);
  return rgbaToLuminance(pngToRgba(pixels), width, height);
}
