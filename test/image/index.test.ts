import { expect, it } from 'vitest';
import * as api from '../../src/image/index.js';

it('exports exactly the public image API (a change here is an API change: review it)', () => {
  expect(Object.keys(api).sort()).toEqual([
    'ConfigError',
    'DEFAULT_IMAGE_LIMITS',
    'ImageError',
    'MNIST_BOX',
    'MNIST_SIZE',
    'SUPPORTED_FORMATS_TEXT',
    'centerOfMass',
    'decodeGray',
    'decodeImage',
    'detectFormat',
    'encodeGrayPng',
    'encodePng',
    'imageToDigitInput',
    'normalizeDigit',
    'resolveImageLimits',
    'rgbaToLuminance',
  ]);
  expect(api.DEFAULT_IMAGE_LIMITS).toEqual({
    maxBytes: 10 * 1024 * 1024,
    maxWidth: 16_384,
    maxHeight: 16_384,
    maxPixels: 12_000_000,
  });
});
