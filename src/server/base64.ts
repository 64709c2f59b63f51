/**
 * Base64 without Buffer, so the app runs on any fetch-style runtime. `atob`/`btoa` work on "binary strings"
 * (one char per byte); these helpers convert to and from bytes.
 */

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATA_URL_PREFIX = /^data:[a-z0-9.+/-]*;base64,/i;

/**
 * Decodes standard base64 (whitespace and a `data:...;base64,` prefix are tolerated).
 * @param text - The encoded text.
 * @returns The bytes, or undefined when the text is not valid base64.
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  const clean = text.replace(DATA_URL_PREFIX, '').replace(/\s+/g, '');
  if (clean.length % 4 !== 0 || !BASE64.test(clean)) return undefined;
  const binary = atob(clean);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Encodes bytes as standard base64.
 * @param bytes - Any bytes.
 * @returns The base64 text.
 */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunked so String.fromCharCode never gets more arguments than the engine allows.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
