import { crc32 } from './crc32.js';

/** The eight bytes every PNG file starts with (PNG spec 5.2). */
export const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * One PNG chunk (PNG spec 5.3): length, type, data, CRC over type and data. The data may come in pieces, so a
 * caller can join IDAT slices without copying them twice.
 * @param type the four-letter chunk type, e.g. 'IHDR'
 * @param data the chunk data, or its pieces in order (an array, not spread arguments: a hostile file can have
 *   more IDAT chunks than a call can take arguments)
 * @returns the chunk's bytes
 */
export function pngChunk(type: string, data: Uint8Array | readonly Uint8Array[]): Uint8Array {
  const pieces = data instanceof Uint8Array ? [data] : data;
  const length = pieces.reduce((sum, p) => sum + p.length, 0);
  const out = new Uint8Array(12 + length);
  writeUint32(out, 0, length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  let at = 8;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  writeUint32(out, 8 + length, crc32(out, 4, 8 + length));
  return out;
}

/** The parts joined into one array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The big-endian unsigned 32-bit integer at `at` (PNG's byte order). */
export function readUint32(bytes: Uint8Array, at: number): number {
  return (
    (((bytes[at] as number) << 24) |
      ((bytes[at + 1] as number) << 16) |
      ((bytes[at + 2] as number) << 8) |
      (bytes[at + 3] as number)) >>>
    0
  );
}

/** Writes `value` big-endian at `at`. */
export function writeUint32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = (value >>> 24) & 0xff;
  bytes[at + 1] = (value >>> 16) & 0xff;
  bytes[at + 2] = (value >>> 8) & 0xff;
  bytes[at + 3] = value & 0xff;
}
