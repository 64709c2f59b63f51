import { MlError } from './errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = (() => {
  const table = new Int16Array(128).fill(-1);
  for (let k = 0; k < ALPHABET.length; k++) table[ALPHABET.charCodeAt(k)] = k;
  return table;
})();

/** Standard base64 (RFC 4648, with padding) of bytes; no Buffer, so it runs in browsers and workers too. */
export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  let k = 0;
  for (; k + 2 < bytes.length; k += 3) {
    const v = ((bytes[k] as number) << 16) | ((bytes[k + 1] as number) << 8) | (bytes[k + 2] as number);
    chunk += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + ALPHABET[v & 63]!;
    if (chunk.length >= 65536) {
      parts.push(chunk);
      chunk = '';
    }
  }
  const rest = bytes.length - k;
  if (rest === 1) {
    const v = (bytes[k] as number) << 16;
    chunk += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const v = ((bytes[k] as number) << 16) | ((bytes[k + 1] as number) << 8);
    chunk += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + '=';
  }
  parts.push(chunk);
  return parts.join('');
}

/**
 * Decodes standard base64 (padding optional, no whitespace).
 * @throws MlError `INVALID_ARGUMENT` naming `what` on a character outside the alphabet or a bad length
 */
export function decodeBase64(text: string, what = 'base64 data'): Uint8Array {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61) end--;
  if (end % 4 === 1 || text.length - end > 2) throw new MlError('INVALID_ARGUMENT', `${what}: invalid base64 length`);
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let o = 0;
  let buf = 0;
  let bits = 0;
  for (let k = 0; k < end; k++) {
    const c = text.charCodeAt(k);
    const v = c < 128 ? (LOOKUP[c] as number) : -1;
    if (v < 0) throw new MlError('INVALID_ARGUMENT', `${what}: invalid base64 character at offset ${k}`);
    buf = (buf << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buf >> bits) & 255;
    }
  }
  return out;
}

/**
 * Decodes a base64 field of a model file.
 * @throws MlError `MODEL_INVALID` naming `field` when it is not base64
 */
export function decodeModelField(text: string, field: string): Uint8Array {
  try {
    return decodeBase64(text, field);
  } catch (error) {
    throw new MlError('MODEL_INVALID', `model file is not valid: ${(error as Error).message}`, { cause: error });
  }
}
