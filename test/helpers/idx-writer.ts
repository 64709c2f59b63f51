/** Writes IDX bytes (big-endian header, unsigned-byte data) for tests; the reader must round-trip them. */
export function writeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x0800 + dims.length, false);
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d, false));
  out.set(data, header);
  return out;
}
