import { ImageError, SUPPORTED_FORMATS_TEXT } from './errors.js';

/**
 * Most scans (SOS segments) a JPEG may have. A decoder walks every block of the frame in every scan, so the
 * cost of a progressive file is (declared size) x (scans), whatever the file's byte count: 2,000 refinement
 * scans of a flat 4000x3000 picture fit in ~45 KB and held a jpeg-js worker for over a minute (43 ms a scan
 * on an Intel Xeon). Real encoders write few scans: libjpeg's and jpegtran's standard progression has 10 for
 * colour and 6 for greyscale, mozjpeg's optimised scripts about as many, Photoshop 3 to 5. libjpeg-turbo
 * itself has no default limit; its TurboJPEG API lets a caller set one (TJPARAM_SCANLIMIT, `djpeg -maxscans`)
 * and its benchmark tool uses 500 with `-limitscans`. Ours is far lower because jpeg-js spends tens of
 * milliseconds per scan where libjpeg-turbo spends one or two: 64 scans is 6x the standard scripts and, at
 * our 12 MP limit, still under 3 s of decoding at the worst.
 */
export const MAX_JPEG_SCANS = 64;

/**
 * Most block visits over all scans, as a multiple of the frame's blocks (all components). libjpeg's standard
 * progression visits each block 4.7 (4:4:4 colour), 5.3 (4:2:0) or 6 (greyscale) times; optimised scripts a
 * few more. A scan count alone does not bound the work, since every scan may interleave all components, so the
 * total is bounded too: 16 visits of a 12 MP greyscale frame cost jpeg-js about 0.7 s.
 */
export const MAX_JPEG_BLOCK_VISITS_PER_BLOCK = 16;

/** What the whole marker stream says, before any entropy-coded data is decoded. */
export interface JpegStructure {
  readonly frames: number;
  readonly scans: number;
  /** Blocks the decoder will visit over all scans. */
  readonly blockVisits: number;
  /** Blocks of the frame, all components. */
  readonly frameBlocks: number;
}

interface Component {
  readonly id: number;
  readonly blocks: number;
}

/**
 * Walks every marker of a JPEG (skipping entropy-coded data byte by byte, as a decoder would find its markers)
 * and refuses files whose decoding cost grows with their declared size rather than their bytes: more than one
 * frame header, more than {@link MAX_JPEG_SCANS} scans, or more block visits than
 * {@link MAX_JPEG_BLOCK_VISITS_PER_BLOCK} per block. Linear in the file's length; allocates nothing per block.
 * @param bytes - A JPEG file whose first frame header has already been read and checked (see readJpegHeader).
 * @returns The counts, for callers that want to report them.
 * @throws ImageError CORRUPT_IMAGE for a second frame header; IMAGE_TOO_COMPLEX for too many scans or visits.
 */
export function checkJpegStructure(bytes: Uint8Array): JpegStructure {
  let frames = 0;
  let scans = 0;
  let blockVisits = 0;
  let frameBlocks = 0;
  let components: Component[] = [];
  let offset = 2;
  while (offset + 1 < bytes.length) {
    if (bytes[offset] !== 0xff) {
      // Entropy-coded data (or padding a decoder skips the same way) up to the next 0xFF; indexOf is native, so
      // this costs ~1 ms per 10 MB instead of a JS loop's ~40 ms.
      const next = bytes.indexOf(0xff, offset);
      if (next === -1) break;
      offset = next;
      continue;
    }
    const marker = bytes[offset + 1] as number;
    // Stuffed zero, fill byte, restart markers, TEM: no segment follows.
    if (marker === 0x00 || marker === 0xff || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      offset += marker === 0xff ? 1 : 2;
      continue;
    }
    if (marker === 0xd9) break; // EOI
    if (offset + 4 > bytes.length) break;
    const length = ((bytes[offset + 2] as number) << 8) | (bytes[offset + 3] as number);
    const segment = bytes.subarray(offset + 4, Math.min(bytes.length, offset + 2 + length));
    if (isFrameHeader(marker)) {
      frames++;
      if (frames > 1) throw corrupt('it has more than one frame header (SOF); a JPEG image has one');
      components = frameComponents(segment);
      frameBlocks = components.reduce((sum, c) => sum + c.blocks, 0);
    } else if (marker === 0xda) {
      scans++;
      if (scans > MAX_JPEG_SCANS) {
        throw tooComplex(`it has more than ${MAX_JPEG_SCANS} scans; ordinary progressive JPEGs have 3 to 12`);
      }
      blockVisits += scanBlocks(segment, components);
      if (blockVisits > MAX_JPEG_BLOCK_VISITS_PER_BLOCK * Math.max(frameBlocks, 1)) {
        throw tooComplex(`its scans revisit every block more than ${MAX_JPEG_BLOCK_VISITS_PER_BLOCK} times`);
      }
    }
    offset += 2 + Math.max(length, 2);
  }
  return { frames, scans, blockVisits, frameBlocks };
}

/** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range (T.81 table B.1). */
function isFrameHeader(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Each component's block count from the frame header (T.81 A.2.1: sizes scale with the sampling factors). */
function frameComponents(segment: Uint8Array): Component[] {
  if (segment.length < 6) return [];
  const height = ((segment[1] as number) << 8) | (segment[2] as number);
  const width = ((segment[3] as number) << 8) | (segment[4] as number);
  const count = segment[5] as number;
  const specs: { id: number; h: number; v: number }[] = [];
  for (let i = 0; i < count && 6 + i * 3 + 2 < segment.length; i++) {
    const sampling = segment[7 + i * 3] as number;
    specs.push({ id: segment[6 + i * 3] as number, h: Math.max(1, sampling >> 4), v: Math.max(1, sampling & 15) });
  }
  const hMax = Math.max(1, ...specs.map((s) => s.h));
  const vMax = Math.max(1, ...specs.map((s) => s.v));
  return specs.map((s) => ({
    id: s.id,
    blocks: Math.ceil(Math.ceil((width * s.h) / hMax) / 8) * Math.ceil(Math.ceil((height * s.v) / vMax) / 8),
  }));
}

/** Blocks one scan visits: the blocks of each component it names (an id the frame lacks is a decode error). */
function scanBlocks(segment: Uint8Array, components: readonly Component[]): number {
  const count = segment[0] ?? 0;
  let blocks = 0;
  for (let i = 0; i < count; i++) {
    const id = segment[1 + i * 2];
    blocks += components.find((c) => c.id === id)?.blocks ?? 0;
  }
  return blocks;
}

function corrupt(detail: string): ImageError {
  return new ImageError('CORRUPT_IMAGE', `the JPEG data is truncated or corrupt: ${detail}; ${SUPPORTED_FORMATS_TEXT}`);
}

function tooComplex(detail: string): ImageError {
  return new ImageError(
    'IMAGE_TOO_COMPLEX',
    `this JPEG would take too long to decode: ${detail}. Save it again as a baseline (non-progressive) JPEG or a PNG`,
  );
}
