/**
 * Counts the structural characters of a JSON text ({ } [ ] : ,) outside strings, stopping as soon as the count
 * passes `max`. JSON.parse builds one object per value, so a 4 MiB array of small numbers becomes millions of
 * objects and hundreds of MB on the main thread; a valid predict request has a handful of tokens per image.
 * Counting first, in one pass with no allocation, refuses such a body before it is parsed.
 * @param bytes - The UTF-8 body.
 * @param max - The most structural characters allowed.
 * @returns The count, or `max + 1` as soon as it is over.
 */
export function countJsonStructure(bytes: Uint8Array, max: number): number {
  let count = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (inString) {
      if (byte === 0x5c)
        i++; // backslash: skip the escaped character
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x7b || byte === 0x7d || byte === 0x5b || byte === 0x5d || byte === 0x3a || byte === 0x2c) {
      if (++count > max) return count;
    }
  }
  return count;
}

/**
 * Structural characters a predict request may have: `{"images":[{"filename":"a","data":"..."}]}` has 4 around
 * the list and 6 per image; twice that leaves room for any formatting a client may choose.
 * @param maxFiles - The file limit.
 * @returns The bound for countJsonStructure.
 */
export function maxJsonStructure(maxFiles: number): number {
  return 2 * (4 + 6 * (maxFiles + 1));
}
