/**
 * The model file's number arrays as bytes: little-endian whatever the platform's byte order (a typed array's own
 * bytes follow the platform), so a file written on one machine reads the same on every other.
 */

/** One element type: its size in bytes, and how a DataView reads and writes it little-endian. */
interface ElementCodec<T extends Float64Array | Uint32Array> {
  readonly size: number;
  readonly make: (length: number) => T;
  readonly get: (view: DataView, at: number) => number;
  readonly set: (view: DataView, at: number, value: number) => void;
}

const FLOAT64: ElementCodec<Float64Array> = {
  size: 8,
  make: (length) => new Float64Array(length),
  get: (view, at) => view.getFloat64(at, true),
  set: (view, at, value) => view.setFloat64(at, value, true),
};

const UINT32: ElementCodec<Uint32Array> = {
  size: 4,
  make: (length) => new Uint32Array(length),
  get: (view, at) => view.getUint32(at, true),
  set: (view, at, value) => view.setUint32(at, value, true),
};

function encode<T extends Float64Array | Uint32Array>(values: T, codec: ElementCodec<T>): Uint8Array {
  const bytes = new Uint8Array(values.length * codec.size);
  const view = new DataView(bytes.buffer);
  for (let k = 0; k < values.length; k++) codec.set(view, k * codec.size, values[k] as number);
  return bytes;
}

/** True where typed arrays hold their elements little-endian (every platform Node and browsers run on today). */
const PLATFORM_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** A shorter tail than one element is left out: callers check the length against what they expect. */
function decode<T extends Float64Array | Uint32Array>(bytes: Uint8Array, codec: ElementCodec<T>): T {
  const values = codec.make(Math.floor(bytes.length / codec.size));
  if (PLATFORM_LITTLE_ENDIAN) {
    // The file's bytes are the array's own: one copy (1.9 M float64 of the shipped model: 9-37 -> under 1 ms).
    new Uint8Array(values.buffer).set(bytes.subarray(0, values.length * codec.size));
    return values;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let k = 0; k < values.length; k++) values[k] = codec.get(view, k * codec.size);
  return values;
}

/**
 * `decode`'s values as a view of `bytes` itself where the platform's byte order and the bytes' alignment allow (no
 * copy: a model file read straight into shared memory stays there), else decoded. The caller keeps `bytes`
 * unchanged for as long as the values are used.
 */
function view<T extends Float64Array | Uint32Array>(
  bytes: Uint8Array,
  codec: ElementCodec<T>,
  over: (buffer: ArrayBufferLike, at: number, length: number) => T,
): T {
  if (!PLATFORM_LITTLE_ENDIAN || bytes.byteOffset % codec.size !== 0) return decode(bytes, codec);
  return over(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / codec.size));
}

/** float64 values as 8 little-endian bytes each. */
export const encodeFloat64LE = (values: Float64Array): Uint8Array => encode(values, FLOAT64);
/** The float64 values of 8-byte little-endian groups. */
export const decodeFloat64LE = (bytes: Uint8Array): Float64Array => decode(bytes, FLOAT64);
/** uint32 values as 4 little-endian bytes each. */
export const encodeUint32LE = (values: Uint32Array): Uint8Array => encode(values, UINT32);
/** The uint32 values of 4-byte little-endian groups. */
export const decodeUint32LE = (bytes: Uint8Array): Uint32Array => decode(bytes, UINT32);
/** {@link decodeFloat64LE}'s values, as a view of `bytes` where it can be one (see `view`). */
export const viewFloat64LE = (bytes: Uint8Array): Float64Array =>
  view(bytes, FLOAT64, (buffer, at, length) => new Float64Array(buffer, at, length));
/** {@link decodeUint32LE}'s values, as a view of `bytes` where it can be one (see `view`). */
export const viewUint32LE = (bytes: Uint8Array): Uint32Array =>
  view(bytes, UINT32, (buffer, at, length) => new Uint32Array(buffer, at, length));

/** The index of the first value that is NaN or infinite, or -1 when all are finite. */
export function firstNonFinite(values: Float64Array): number {
  for (let k = 0; k < values.length; k++) if (!Number.isFinite(values[k])) return k;
  return -1;
}
