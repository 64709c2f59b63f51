import { ImageError } from '../image/errors.js';
import { normalizeDigit } from '../image/normalize.js';
import type { ModelEngine } from '../ml/engine/types.js';
import type { SvmModel } from '../ml/model.js';
import { predictBatch, type Prediction } from '../ml/predict.js';
import type { Atom } from './atoms.js';
import { DIGIT_COST, digitCost, isBlob } from './digit-cost.js';
import type { InkPieces } from './ink.js';
import { segmentOf, segmentPicture, type Segment } from './segment.js';

/** A digit is at most this many consecutive atoms (a digit in four pieces, or cut three times). */
const MAX_RUN = 4;
/** A candidate wider than this share of the digit height is two digits or more, never one: not classified. */
const MAX_WIDTH = 1.25;
/** A candidate shorter than this share of the digit height is a dash or a fragment, never a digit by itself. */
const MIN_HEIGHT = 0.45;
/** Each share of the digit height a candidate is wider than WIDE_FROM costs this much (digits are taller than wide). */
const WIDE_FROM = 0.9;
const WIDE_COST = 4;
/**
 * A digit that starts at a cut through connected ink costs this much more: touching digits must read clearly
 * better split than whole, so a single wide digit (a 0, a 2 with a long base) is not cut in two.
 */
const CUT_COST = 1.2;

/** One candidate digit, classified. */
export interface Candidate {
  readonly segment: Segment;
  readonly pixels: Uint8Array;
  readonly prediction: Prediction;
  readonly cost: number;
}

/** The chosen reading: digits and skipped atoms, in order. */
export interface Path {
  readonly digits: readonly Candidate[];
  /** Atoms read as no digit (letters, dashes, marks), with the candidate when they were classified. */
  readonly skipped: readonly { readonly atom: number; readonly notADigit: boolean }[];
  /** Candidates classified to find it (the work done). */
  readonly classified: number;
}

/**
 * Chooses the digits by recognition (segmentation by verification, Oliveira, Sabourin, Bortolozzi & Suen, PAMI
 * 2002): every run of up to MAX_RUN consecutive atoms that could be one digit is classified, all in one engine
 * pass, and dynamic programming picks the split of the atoms into digits and skipped marks of least total cost.
 * The work is bounded: at most MAX_RUN candidates per atom.
 * @param ink the picture's ink
 * @param atoms the atoms, in reading order
 * @param digitHeight the estimated digit height
 * @param model the model
 * @param engine the model's engine
 * @returns the best path
 */
export function searchDigits(
  ink: InkPieces,
  atoms: readonly Atom[],
  digitHeight: number,
  model: SvmModel,
  engine: ModelEngine | undefined,
): Path {
  const n = atoms.length;
  const segments: Segment[] = [];
  const pictures: Uint8Array[] = [];
  for (let first = 0; first < n; first++) {
    for (let last = first; last < Math.min(n, first + MAX_RUN); last++) {
      const segment = segmentOf(atoms, first, last);
      const w = segment.maxX - segment.minX + 1;
      if (w > MAX_WIDTH * digitHeight) break;
      if (segment.maxY - segment.minY + 1 < MIN_HEIGHT * digitHeight) continue;
      let pixels: Uint8Array;
      try {
        pixels = normalizeDigit(segmentPicture(ink, atoms, segment));
      } catch (err) {
        if (err instanceof ImageError) continue;
        throw err;
      }
      segments.push(segment);
      pictures.push(pixels);
    }
  }
  const predictions = pictures.length === 0 ? [] : predictBatch(model, pictures, engine);
  const byEnd: Candidate[][] = Array.from({ length: n }, () => []);
  // Slices of a blob (a dot, a smudge) are not digits either: halves of a disc read as two confident 1s.
  const inBlob = new Uint8Array(n);
  segments.forEach((segment, k) => {
    if (isBlob(pictures[k]!)) inBlob.fill(1, segment.first, segment.last + 1);
  });
  segments.forEach((segment, k) => {
    if (inBlob.subarray(segment.first, segment.last + 1).includes(1)) return;
    const pixels = pictures[k]!;
    const prediction = predictions[k]!;
    const w = segment.maxX - segment.minX + 1;
    const wide = Math.max(0, w / digitHeight - WIDE_FROM) * WIDE_COST;
    const cut = atoms[segment.first]!.cutLeft ? CUT_COST : 0;
    const cost = digitCost(prediction) + wide + cut;
    // A candidate that is not a digit by itself is never read as one, whatever a split of it would cost.
    if (cost - cut > DIGIT_COST.skip) return;
    byEnd[segment.last]!.push({ segment, pixels, prediction, cost });
  });

  // best[j]: least cost of reading atoms [0, j); from[j]: the candidate ending there, or null for a skipped atom.
  const best = new Float64Array(n + 1).fill(Infinity);
  const from: (Candidate | null)[] = new Array<Candidate | null>(n + 1).fill(null);
  best[0] = 0;
  for (let j = 1; j <= n; j++) {
    best[j] = best[j - 1]! + DIGIT_COST.skip;
    for (const c of byEnd[j - 1]!) {
      const total = best[c.segment.first]! + c.cost;
      if (total < best[j]!) {
        best[j] = total;
        from[j] = c;
      }
    }
  }
  const digits: Candidate[] = [];
  const skipped: { atom: number; notADigit: boolean }[] = [];
  const classifiedAlone = new Set(segments.filter((s) => s.first === s.last).map((s) => s.first));
  for (let j = n; j > 0;) {
    const c = from[j];
    if (c === null || c === undefined) {
      skipped.push({ atom: j - 1, notADigit: classifiedAlone.has(j - 1) });
      j -= 1;
    } else {
      digits.push(c);
      j = c.segment.first;
    }
  }
  return { digits: digits.reverse(), skipped: skipped.reverse(), classified: segments.length };
}
