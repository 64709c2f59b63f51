/**
 * The model file's number arrays as bytes: little-endian whatever the platform's byte order (a typed array's own
 * bytes follow the platform), so a file written on one machine reads the same on every other.
 */

/** float64 values as 8 little-endian bytes each. */
export function encodeFloat64LE(values: Float64Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let k = 0; k < values.length; k++) view.setFloat64(8 * k, values[k] as number, true);
  return bytes;
}

/** The float64 values of 8-byte little-endian groups (a shorter tail is left out: callers check the length). */
export function decodeFloat64LE(bytes: Uint8Array): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float64Array(Math.floor(bytes.length / 8));
  for (let k = 0; k < values.length; k++) values[k] = view.getFloat64(8 * k, true);
  return values;
}

/** uint32 values as 4 little-endian bytes each. */
export function encodeUint32LE(values: Uint32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let k = 0; k < values.length; k++) view.setUint32(4 * k, values[k] as number, true);
  return bytes;
}

/** The uint32 values of 4-byte little-endian groups (a shorter tail is left out: callers check the length). */
export function decodeUint32LE(bytes: Uint8Array): Uint32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Uint32Array(Math.floor(bytes.length / 4));
  for (let k = 0; k < values.length; k++) values[k] = view.getUint32(4 * k, true);
  return values;
}

/** The index of the first value that is NaN or infinite, or -1 when all are finite. */
export function firstNonFinite(values: Float64Array): number {
  for (let k = 0; k < values.length; k++) if (!Number.isFinite(values[k])) return k;
  return -1;
}
