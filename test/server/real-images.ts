import { encodeGrayPng } from '../../src/image/index.js';

/** Real bytes that src/image rejects, one per error code, with the status the API must answer. */
export const BAD_IMAGES = {
  /** A white square: decodes, but holds no ink. */
  blank: { bytes: encodeGrayPng(new Uint8Array(784).fill(255), 28, 28), status: 422, code: 'NO_DIGIT_FOUND' },
  gif: { bytes: new TextEncoder().encode('GIF89a\u0001\u0000\u0001\u0000'), status: 415, code: 'UNSUPPORTED_FORMAT' },
  truncated: {
    bytes: encodeGrayPng(new Uint8Array(784).fill(3), 28, 28).slice(0, 40),
    status: 400,
    code: 'CORRUPT_IMAGE',
  },
  empty: { bytes: new Uint8Array(0), status: 400, code: 'EMPTY_INPUT' },
} as const;
