import UPNG from 'upng-js';
import { expect, it } from 'vitest';
import { decodeImage, encodeGrayPng } from '../../src/image/index.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/image/limits.js';

/** The flags the upng-js workarounds leave on UPNG.decode once installed (not in its published types). */
const patched = (): unknown[] => {
  const decode = UPNG.decode as unknown as { _fixedByMnistDigits?: true; _boundedByMnistDigits?: true };
  return [decode._fixedByMnistDigits, decode._boundedByMnistDigits];
};

it('importing the image package patches nothing ("sideEffects": false); the first PNG decode does', () => {
  expect(patched()).toEqual([undefined, undefined]);
  decodeImage(encodeGrayPng(new Uint8Array(16), 4, 4), DEFAULT_IMAGE_LIMITS);
  expect(patched()).toEqual([true, true]);
});
