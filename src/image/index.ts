/**
 * Real images in: safe PNG/JPEG decoding with limits checked from the header, and normalization of any digit
 * picture into MNIST's 28x28 representation. Pure: no Node APIs, typed arrays in and out.
 */
export { imageToDigitInput } from './to-digit-input.js';
export type { DigitInput } from './to-digit-input.js';
export { ImageError, SUPPORTED_FORMATS_TEXT } from './errors.js';
export type { ImageErrorCode } from './errors.js';
export { DEFAULT_IMAGE_LIMITS, resolveImageLimits } from './limits.js';
export { ConfigError } from '../shared/config-error.js';
export type { ImageLimits } from './limits.js';
export { detectFormat } from './format.js';
export type { ImageFormat } from './format.js';
export { decodeImage } from './decode.js';
export { decodeGray, type GrayPicture } from './decode-gray.js';
export type { ImageDecodeOptions } from './decode.js';
export type { Inflate } from './bounded-inflate.js';
export type { RgbaImage } from './decode.js';
export { rgbaToLuminance } from './luminance.js';
export { normalizeDigit } from './normalize.js';
export { encodeGrayPng, encodePng } from './encode-png.js';
export type { GrayImage } from './gray.js';
export { MNIST_SIZE, MNIST_BOX, centerOfMass } from './center.js';
