/**
 * Crafted images that cost a decoder far more than their size suggests, built byte by byte (ITU T.81) so the
 * tests and the soak benchmark need no tools. Each is a valid file as far as the markers go.
 */

function segment(marker: number, payload: readonly number[]): number[] {
  const length = payload.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...payload];
}

/** DQT: table 0, all steps 1. */
const DQT = segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]);

function frame(marker: number, width: number, height: number): number[] {
  // 8-bit, one component (id 1, 1x1 sampling, quantization table 0).
  return segment(marker, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]);
}

/**
 * An AC Huffman table (class 1, id 0) holding one 1-bit code, "0", for symbol 0xE0: an end-of-band run of
 * 2^14 + (14 extra bits) blocks, so a few bytes cover thousands of blocks.
 */
const DHT_EOB_RUN = segment(0xc4, [0x10, 1, ...new Array<number>(15).fill(0), 0xe0]);

/** Entropy-coded bytes of one AC scan that ends the band of `blocks` blocks in EOB runs of 32,767. */
function eobRunScanData(blocks: number): number[] {
  const bits: number[] = [];
  for (let left = blocks; left > 0; left -= 32_767) {
    bits.push(0); // the code for 0xE0
    for (let b = 13; b >= 0; b--) bits.push(1); // extra bits all ones: run 2^14 + 2^14 - 1 = 32,767
  }
  while (bits.length % 8 !== 0) bits.push(1); // pad with ones (T.81 F.1.2.3)
  const bytes: number[] = [];
  for (let i = 0; i < bits.length; i += 8) {
    let byte = 0;
    for (let j = 0; j < 8; j++) byte = (byte << 1) | (bits[i + j] as number);
    bytes.push(byte);
    if (byte === 0xff) bytes.push(0x00); // byte stuffing
  }
  return bytes;
}

/**
 * A progressive JPEG of a flat `width` x `height` grey picture whose AC refinement scan is repeated `scans`
 * times (`componentId` other than 1 names a component the frame lacks). Each scan is about 20 bytes, but a decoder that walks every block of every scan (jpeg-js does) pays
 * for width x height x scans: 4000x3000 with 2,000 scans is ~45 KB and held a worker for over a minute.
 * @param options - Size and number of scans.
 * @returns The file's bytes.
 */
export function manyScanJpeg(options: {
  width: number;
  height: number;
  scans: number;
  componentId?: number;
}): Uint8Array {
  const { width, height, scans } = options;
  const id = options.componentId ?? 1;
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const data = eobRunScanData(blocks);
  const out: number[] = [0xff, 0xd8, ...DQT, ...frame(0xc2, width, height), ...DHT_EOB_RUN];
  // First pass: AC band 1..63, Ah=0 Al=1; then refinements Ah=1 Al=0 over the same band, again and again.
  out.push(...segment(0xda, [1, id, 0x00, 1, 63, 0x01]), ...data);
  for (let i = 1; i < scans; i++) out.push(...segment(0xda, [1, id, 0x00, 1, 63, 0x10]), ...data);
  out.push(0xff, 0xd9);
  return Uint8Array.from(out);
}

/**
 * A JPEG with `frames` frame headers (SOF0) in a row: each one makes jpeg-js allocate component planes for the
 * declared size again, so the memory grows with declared pixels x frames while the file stays tiny.
 * @param options - Declared size and frame count.
 * @returns The file's bytes.
 */
export function multiFrameJpeg(options: { width: number; height: number; frames: number }): Uint8Array {
  const out: number[] = [0xff, 0xd8, ...DQT];
  for (let i = 0; i < options.frames; i++) out.push(...frame(0xc0, options.width, options.height));
  out.push(0xff, 0xd9);
  return Uint8Array.from(out);
}

/**
 * A flat 4-component (CMYK, Adobe APP14 transform 0) progressive JPEG: one AC scan per component, all end-of-band
 * runs. Valid and tiny, but jpeg-js keeps four full-size planes and converts them to RGBA, the most memory a
 * picture of this size can cost it (issue 22: 12 MP CMYK uploads at once took the server to 698 MB).
 * @param options - Size.
 * @returns The file's bytes.
 */
export function cmykJpeg(options: { width: number; height: number }): Uint8Array {
  const { width, height } = options;
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const data = eobRunScanData(blocks);
  // APP14 "Adobe": version 100, flags 0, 0, transform 0 (CMYK, no colour transform).
  const adobe = segment(0xee, [0x41, 0x64, 0x6f, 0x62, 0x65, 0, 100, 0, 0, 0, 0, 0]);
  const components = [1, 2, 3, 4].flatMap((id) => [id, 0x11, 0]);
  const sof = segment(0xc2, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 4, ...components]);
  const out: number[] = [0xff, 0xd8, ...adobe, ...DQT, ...sof, ...DHT_EOB_RUN];
  for (const id of [1, 2, 3, 4]) out.push(...segment(0xda, [1, id, 0x00, 1, 63, 0x01]), ...data);
  out.push(0xff, 0xd9);
  return Uint8Array.from(out);
}
