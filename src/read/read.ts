import type { Inflate } from '../image/bounded-inflate.js';
import { decodeGray } from '../image/decode-gray.js';
import type { GrayImage } from '../image/gray.js';
import { resolveImageLimits, type ImageLimits } from '../image/limits.js';
import type { ModelEngine } from '../ml/engine/types.js';
import type { SvmModel } from '../ml/model.js';
import { firstStageAnswer, predictBatch, type Prediction } from '../ml/predict.js';
import { readingConfidence } from './confidence.js';
import { slicePieces, type Slice } from './cuts.js';
import { ReadError } from './errors.js';
import type { InkMap } from './ink.js';
import { findPieces } from './find-pieces.js';
import { resolveReadLimits } from './limits.js';
import { unionBox, type InkBox, type Part, type Piece } from './pieces.js';
import { toBox, toDigit, uploadDigit, withPairs } from './read-digits.js';
import { loneDigitInk } from './lone-digit.js';
import { pairShape, pieceShape } from './one-digit.js';
import { renderPiece, renderPixels } from './render.js';
import { MAX_SPLITS, PAIR_MIN_WIDTH, strokeSplits } from './strokes.js';
import { inkHoles, inkLean } from './ink-shape.js';
import { MAX_JUDGED_WIDTH, MIN_JUDGED_HEIGHT, piecesInWords } from './words.js';
import type { DigitEvidence } from './digit-like.js';
import { firstStageEvidence, type PieceToScore } from './score.js';
import {
  candidateRuns,
  cheapestPath,
  digitsOf,
  leastPairCost,
  readsAsPlainDigits,
  stepCosts,
  UNSCORED,
  type Candidate,
  type CandidateEvidence,
  type Step,
} from './search.js';
import type { Reading, ReadLimits, SkippedPiece } from './types.js';

/** Slices per allowed piece: every piece may be cut a few times before the search runs out of budget. */
const SLICES_PER_PIECE = 3;

/**
 * A chosen digit whose first-stage confidence is under this is classified again from a rendering with SOFT_HALO: on
 * the K6 sets and the bench's splits (docs/BENCHMARKS.md, "Number reader", 2026-12-07) +9 / -1 numbers on the tuning
 * sets and +10 / -3 on the report sets, against +9 / -2 and +10 / -4 for every digit; a clean number's digits are
 * sure, so the six-digit picture takes no longer. Every piece of the search so rendered: +25 / -14 and +19 / -13 (the
 * checks fitted on thresholded pieces see other pictures).
 */
const SOFT_BELOW = 0.99;
/**
 * The halo's radius in working pixels: 2 gained fewer numbers than 1 (+7 / -3 against +9 / -2, every chosen digit read
 * again, tuning sets).
 */
const SOFT_HALO = 1;

/**
 * Stroke splits per allowed piece, over the picture: each costs two classifications when the search asks for it, so
 * a picture of many crossings (a maze, a page of crossed-out words) stays a bounded amount of work.
 */
const SPLITS_PER_PIECE = 3;

/** What {@link readImage} accepts besides the bytes: limits for decoding and for reading. */
export interface ReadOptions {
  readonly image?: Partial<ImageLimits>;
  readonly read?: Partial<ReadLimits>;
  /** The inflater for PNG data (node:zlib's on Node, see ImageDecodeOptions); pako when omitted. */
  readonly inflate?: Inflate;
}

/**
 * Reads every digit of a picture, left to right: finds the ink, groups fragments, cuts touching digits where
 * recognition agrees, and classifies each piece as a single upload would be (same normalization, same model), all
 * candidate pieces in one batch.
 * @param gray luminance in [0, 1], any polarity
 * @param model the model
 * @param engine the backend (the plain-JavaScript reference when omitted)
 * @param limits overrides of DEFAULT_READ_LIMITS
 * @returns the reading without `source`
 * @throws ReadError NO_DIGIT_FOUND, TOO_MANY_PIECES or TOO_MANY_DIGITS
 * @example const { text } = readDigits(gray, model, engine);
 */
export function readDigits(
  gray: GrayImage,
  model: SvmModel,
  engine?: ModelEngine,
  limits?: Partial<ReadLimits>,
): Omit<Reading, 'source'> {
  return readDigitsWithDoubt(gray, model, engine, limits).reading;
}

/**
 * readDigits, and the doubt its confidence counts (readingConfidence): what scripts/fit-reading-confidence.ts fits on.
 * @returns the reading and the search's doubt beyond its digits' own
 */
export function readDigitsWithDoubt(
  gray: GrayImage,
  model: SvmModel,
  engine?: ModelEngine,
  limits?: Partial<ReadLimits>,
): { reading: Omit<Reading, 'source'>; doubt: number } {
  const { maxPieces, maxDigits } = resolveReadLimits(limits);
  const { map, grouped } = findPieces(gray, maxPieces);
  if ('tooMany' in grouped) {
    throw new ReadError(
      'TOO_MANY_PIECES',
      `the picture has ${grouped.tooMany} or more separate pieces of ink, more than the ${maxPieces} a number may have`,
    );
  }
  const { pieces, small, height } = grouped;
  // The tallest mark is always a piece: none means no ink at all.
  if (pieces.length === 0) throw noDigit('no ink stands out from the background');
  const slices = slicePieces(map, pieces, height, SLICES_PER_PIECE * maxPieces);
  const candidates = candidateRuns(slices, height);
  const pictures: (Uint8Array | undefined)[] = [];
  const evidence: CandidateEvidence[] = candidates.map(() => UNSCORED);
  /** Classifies candidates `ks` (and `extra` pictures, judged whole), writing their evidence; returns the extras'. */
  const score = (ks: readonly number[], whole: boolean, extra: readonly (Uint8Array | undefined)[] = []) => {
    for (const k of ks) {
      const c = candidates[k] as Candidate;
      pictures[k] = c.ink === undefined ? renderPiece(map, c.parts, c.box) : renderPixels(map, c.ink);
    }
    const all: (PieceToScore | undefined)[] = [
      ...ks.map((k) => {
        const picture = pictures[k];
        if (picture === undefined) return undefined;
        const c = candidates[k] as Candidate;
        const shape =
          c.ink === undefined ? pieceShape(c, slices, height) : pairShape(c.box, c.partner !== undefined, height);
        return { picture, shape, whole };
      }),
      ...extra.map((picture) => (picture === undefined ? undefined : { picture, whole: true })),
    ];
    const scored = firstStageEvidence(
      model,
      all.filter((p): p is PieceToScore => p !== undefined),
      engine,
    );
    let next = 0;
    const out = all.map((p) => (p === undefined ? undefined : scored[next++]));
    ks.forEach((k, i) => (evidence[k] = out[i]));
    return out.slice(ks.length);
  };
  // Each piece is judged whole first, for the word rule: an uncut piece as its one-slice candidate, a cut one no
  // wider than a glyph as the candidate that runs over all its slices (the same pixels), or drawn again whole.
  const sliceRange = new Map<number, { first: number; last: number }>();
  slices.forEach((s, i) => sliceRange.set(s.piece, { first: sliceRange.get(s.piece)?.first ?? i, last: i }));
  // Too short a piece is not judged at all (MIN_JUDGED_HEIGHT); too wide a one only when the search left it uncut.
  const tall = (k: number) => {
    const { box } = pieces[k] as Piece;
    return box.maxY - box.minY + 1 >= MIN_JUDGED_HEIGHT * height;
  };
  const judged = (k: number) => {
    const { box } = pieces[k] as Piece;
    return box.maxX - box.minX + 1 <= MAX_JUDGED_WIDTH * height && tall(k);
  };
  const wholeOf = new Map<number, number>();
  candidates.forEach((c, k) => {
    const slice = slices[c.start] as Slice;
    const range = sliceRange.get(slice.piece) as { first: number; last: number };
    const uncut = c.end - c.start === 1 && !slice.cutLeft && !slice.cutRight;
    if ((uncut && tall(slice.piece)) || (c.start === range.first && c.end === range.last + 1 && judged(slice.piece)))
      wholeOf.set(slice.piece, k);
  });
  const redrawn = pieces.flatMap((_, k) => (!wholeOf.has(k) && judged(k) ? [k] : []));
  const redrawnEvidence = score(
    [...wholeOf.values()],
    true,
    redrawn.map((k) => renderPiece(map, (pieces[k] as Piece).parts, (pieces[k] as Piece).box)),
  );
  const wholeEvidence = new Map<number, DigitEvidence | undefined>([
    ...[...wholeOf].map(([piece, k]): [number, DigitEvidence | undefined] => [piece, evidence[k] ?? undefined]),
    ...redrawn.map((piece, i): [number, DigitEvidence | undefined] => [piece, redrawnEvidence[i]]),
  ]);
  // A touching pair judged whole is often no glyph at all to the digit-or-not check: standing alone, it counted as a
  // letter and took its digits with it. It is a pair when the search reads it, alone, as plain digits.
  const readsAsDigits = (piece: number) => {
    const range = sliceRange.get(piece);
    if (range === undefined || range.last === range.first) return false;
    return readsAsPlainDigits(slices, candidates, evidence, range, height, (ks) => void score(ks, false));
  };
  const judgeWide = (k: number) => {
    const piece = pieces[k] as Piece;
    return score([], true, [renderPiece(map, piece.parts, piece.box)])[0];
  };
  // The shape of some pieces' ink taken as one glyph (a % cut into its rings and stroke).
  const asOne =
    <T>(measure: (ink: InkMap, parts: readonly Part[], box: InkBox) => T) =>
    (ks: readonly number[]): T => {
      const chosen = ks.map((k) => pieces[k] as Piece);
      return measure(
        map,
        chosen.flatMap((p) => p.parts),
        chosen.map((p) => p.box).reduce(unionBox),
      );
    };
  const leanOf = asOne(inkLean);
  const holesOf = asOne(inkHoles);
  const inLetterWords = piecesInWords(pieces, wholeEvidence, height, { readsAsDigits, judgeWide, leanOf, holesOf });
  // Pieces in words of letters are left out whole: no candidate that touches one may be read as a digit.
  const excluded = candidates.map((c) => {
    for (let s = c.start; s < c.end; s++) if (inLetterWords.has((slices[s] as Slice).piece)) return true;
    return false;
  });
  excluded.forEach((out, k) => {
    if (out) evidence[k] = undefined;
  });
  let steps = cheapestPath(slices, candidates, evidence, height, (ks) => void score(ks, false));
  // Pieces the path reads at more than a pair's least cost may be two digits that overlap: offer their stroke
  // splits and search again (pieces read cheaply, most of a clean number, never pay for the thinning).
  const dear = dearPieces(steps, stepCosts(steps, slices, candidates, evidence, height), candidates, slices, (k) => {
    const { box } = pieces[k] as Piece;
    return leastPairCost((box.maxX - box.minX + 1) / height);
  });
  let offered = false;
  let budget = SPLITS_PER_PIECE * maxPieces;
  for (const index of [...dear].sort((a, b) => a - b)) {
    const piece = pieces[index] as Piece;
    const range = sliceRange.get(index);
    if (range === undefined || inLetterWords.has(index) || budget === 0) continue;
    if (piece.box.maxX - piece.box.minX + 1 < PAIR_MIN_WIDTH * height) continue;
    const splits = strokeSplits(map, piece.parts, piece.box, height, Math.min(MAX_SPLITS, budget));
    budget -= splits.length;
    for (const split of splits) {
      const at = { start: range.first, end: range.last + 1, parts: [] };
      candidates.push({ ...at, box: split.left.box, ink: split.left, partner: candidates.length + 1 });
      candidates.push({ ...at, box: split.right.box, ink: split.right });
      evidence.push(UNSCORED, UNSCORED);
      offered = true;
    }
  }
  if (offered) steps = cheapestPath(slices, candidates, evidence, height, (ks) => void score(ks, false));
  const leftOut: { piece: number; box: InkBox }[] = [];
  const chosen: number[] = [];
  // Slices of one piece skipped side by side are one mark to the user (a € cut in two): one box.
  let skippedPiece: { piece: number; box: InkBox } | undefined;
  const flushSkipped = () => {
    if (skippedPiece !== undefined) leftOut.push(skippedPiece);
    skippedPiece = undefined;
  };
  const skippedSlices = new Set<number>();
  for (const step of steps) {
    if (step.kind === 'skip') {
      skippedSlices.add(step.slice);
      const { box, piece } = slices[step.slice] as Slice;
      if (skippedPiece?.piece === piece) skippedPiece.box = unionBox(skippedPiece.box, box);
      else {
        flushSkipped();
        skippedPiece = { piece, box };
      }
    } else {
      flushSkipped();
      chosen.push(...digitsOf(step));
    }
  }
  flushSkipped();
  if (chosen.length > maxDigits) {
    throw new ReadError(
      'TOO_MANY_DIGITS',
      `the picture holds ${chosen.length} digits, more than the ${maxDigits} allowed`,
    );
  }
  // The search ranked the chosen pieces by their first stage's scores: where the first stage answers a piece, that is
  // its answer already (bit for bit what predictBatch gives); only the pieces the second stage reads are classified
  // again (a 6-digit picture: ~1 ms less, 2-core AMD EPYC).
  // A digit the first stage is unsure of is read again from its strokes' soft edges too (renderPiece's halo), as an
  // upload's normalization would see them: the search ranked the pieces on their thresholded ink alone.
  const softly = new Set<number>();
  for (const k of chosen) {
    const c = candidates[k] as Candidate;
    if (c.ink !== undefined || (evidence[k]?.confidence ?? 0) >= SOFT_BELOW) continue;
    const soft = renderPiece(map, c.parts, c.box, SOFT_HALO);
    if (soft === undefined) continue;
    pictures[k] = soft;
    softly.add(k);
  }
  const firsts = chosen.map((k) => {
    const scored = evidence[k];
    return scored && !softly.has(k) ? firstStageAnswer(model, scored.scores) : undefined;
  });
  const again = chosen.filter((_, i) => firsts[i] === undefined);
  const staged = predictBatch(
    model,
    again.map((k) => pictures[k] as Uint8Array),
    engine,
  );
  let nextStaged = 0;
  const finals = firsts.map((p) => p ?? (staged[nextStaged++] as Prediction));
  const pathDigits = chosen.map((k, i) =>
    toDigit(
      model,
      finals[i] as Prediction,
      toBox(map, (candidates[k] as { box: InkBox }).box),
      pictures[k] as Uint8Array,
    ),
  );
  // A second look at each piece the path read one or two digits in: two digits written into each other, which the
  // model takes for one wide digit (or one digit and a mark it leaves out), are read by the pair network when it is
  // sure; one wide digit the path cut in two is read whole when the network is sure it is one (joined-pairs.ts).
  const { digits, readWhole } = withPairs(
    map,
    height,
    model,
    engine,
    pathDigits,
    chosen.map((k) => {
      const c = candidates[k] as Candidate;
      const piece = (slices[c.start] as Slice).piece;
      const range = sliceRange.get(piece) as { first: number; last: number };
      // The digit's own slices and those the path left out: all of the piece, or a digit read of part of it
      // beside a mark (another digit's slices of it are no mark).
      let whole = true;
      let marksLeftOut = false;
      for (let s = range.first; s <= range.last; s++) {
        if ((s < c.start || s >= c.end) && !skippedSlices.has(s)) whole = false;
        if (skippedSlices.has(s)) marksLeftOut = true;
      }
      return { piece: pieces[piece] as Piece, whole, marksLeftOut };
    }),
  );
  const lone = loneDigitInk(
    [...pieces.filter((_, k) => !inLetterWords.has(k)).map((p) => p.box), ...small],
    digits.length,
    [...inLetterWords].map((k) => (pieces[k] as Piece).box),
    height,
  );
  const asUpload = lone === undefined ? undefined : uploadDigit(gray, model, engine, toBox(map, lone));
  if (asUpload !== undefined) {
    digits.splice(0, digits.length, asUpload);
    for (const piece of pieces) readWhole.add(piece);
  }
  // A piece the network read (a pair, or one digit) is read whole: the parts of it the path left out are in its digits.
  const skipped: SkippedPiece[] = [
    ...(asUpload === undefined ? small : []).map((b): SkippedPiece => ({ box: toBox(map, b), reason: 'too-small' })),
    ...leftOut
      .filter((s) => !readWhole.has(pieces[s.piece] as Piece))
      .map((s): SkippedPiece => ({ box: toBox(map, s.box), reason: 'not-a-digit' })),
  ];
  if (digits.length === 0) throw noDigit(inLetterWords.size === pieces.length ? LETTERS : undefined);
  if (digits.length > maxDigits) {
    throw new ReadError(
      'TOO_MANY_DIGITS',
      `the picture holds ${digits.length} digits, more than the ${maxDigits} allowed`,
    );
  }
  skipped.sort((a, b) => a.box.x - b.box.x);
  // What the path cost beyond its digits' own doubt (-log of each one's first-stage confidence, as the search counted).
  // Letters the word rule left out cost the path their skips but are no doubt about the digits ("Park 42").
  const costs = stepCosts(steps, slices, candidates, evidence, height);
  const pathCost = steps.reduce((sum, step, i) => {
    const lettersLeftOut = step.kind === 'skip' && inLetterWords.has((slices[step.slice] as Slice).piece);
    return lettersLeftOut ? sum : sum + (costs[i] as number);
  }, 0);
  const ownDoubt = chosen.reduce((sum, k) => sum - Math.log(Math.max(evidence[k]?.confidence ?? 1, 1e-9)), 0);
  const doubt = pathCost - ownDoubt;
  return {
    reading: {
      text: digits.map((d) => d.digit).join(''),
      // A picture read as its upload is as sure as that upload (what /v1/predict answers for it): the search's doubt
      // was about pieces and cuts the reading no longer rests on.
      confidence:
        asUpload === undefined
          ? readingConfidence(
              digits.map((d) => d.confidence),
              doubt,
            )
          : asUpload.confidence,
      digits,
      skipped,
    },
    doubt,
  };
}

/**
 * Decodes an uploaded PNG or JPEG (the limits and EXIF orientation of imageToDigitInput) and reads its number.
 * @param bytes the encoded file
 * @param model the model
 * @param engine the backend (the plain-JavaScript reference when omitted)
 * @param options decoding and reading limits
 * @returns the reading
 * @throws ImageError for undecodable or oversized files; ReadError as {@link readDigits}
 * @example const { text, digits } = readImage(new Uint8Array(await file.arrayBuffer()), model, engine);
 */
export function readImage(
  bytes: Uint8Array,
  model: SvmModel,
  engine?: ModelEngine,
  options: ReadOptions = {},
): Reading {
  const { format, gray } = decodeGray(
    bytes,
    resolveImageLimits(options.image),
    options.inflate === undefined ? {} : { inflate: options.inflate },
  );
  return {
    ...readDigits(gray, model, engine, options.read),
    source: { format, width: gray.width, height: gray.height },
  };
}

/**
 * The pieces whose reading on the path costs more than a pair of digits at least would (leastPairCost), and those a
 * step joins to a neighbour.
 * @param pairFloor the least a piece read as a pair costs
 */
function dearPieces(
  steps: readonly Step[],
  costs: readonly number[],
  candidates: readonly Candidate[],
  slices: readonly Slice[],
  pairFloor: (piece: number) => number,
): Set<number> {
  const spent = new Map<number, number>();
  const out = new Set<number>();
  steps.forEach((step, i) => {
    const range =
      step.kind === 'skip'
        ? { start: step.slice, end: step.slice + 1 }
        : (candidates[digitsOf(step)[0] as number] as Candidate);
    const first = (slices[range.start] as Slice).piece;
    const last = (slices[range.end - 1] as Slice).piece;
    if (first !== last) out.add(first).add(last);
    spent.set(first, (spent.get(first) ?? 0) + (costs[i] as number));
  });
  for (const [piece, cost] of spent) if (cost > pairFloor(piece)) out.add(piece);
  return out;
}

const LETTERS = "the picture's ink reads as letters or other marks, not as digits";

/** NO_DIGIT_FOUND, saying why: a blank picture, a word (or a blot, a scribble), or ink that is no digit. */
function noDigit(why = 'no piece of ink in the picture looks like a digit'): ReadError {
  return new ReadError('NO_DIGIT_FOUND', `no digit found: ${why}`);
}
