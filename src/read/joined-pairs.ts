import type { ModelEngine } from '../ml/engine/types.js';
import type { InkMap } from './ink.js';
import { pairFrame } from './pair-frame.js';
import { readPairFrame } from './pair-net.js';
import type { InkBox, Part } from './pieces.js';

/** Pieces narrower than this share of the digit height are not asked: two digits written into each other are wider. */
export const PAIR_LOOK_WIDTH = 0.6;
/**
 * A piece the path read as one digit is read as the network's two when the network is this sure it is two digits
 * and its two digits together are at least SURE_PAIR_OF_ONE likely. Chosen on the tuning sets (test digits 0-4999) with
 * every reading compared (docs/BENCHMARKS.md, "Number reader", 2026-12-06): at 0.99 single wide digits (a 5, an 8,
 * a 0) were read as pairs ("55", "88", "00") in spaced numbers: of the pieces it replaced in numbers that changed,
 * 10 were in numbers lost and 95 in numbers gained; at 0.9995, 3 and 87. 0.999 since 2026-12-07, on larger tuning
 * sets (3,800 pictures, every reading compared, docs/BENCHMARKS.md "Number reader"): digits pushed into each other that
 * the path read as one, +6 numbers, against a 9 read "91" beside a sign and an 8 read "88" in spaced handwriting; 0.995
 * gained 11 and lost 6. The network costs about 0.3 ms a piece with the WebAssembly engine (0.5 in JavaScript), and 0.1
 * ms to frame it, asked of every piece at least PAIR_LOOK_WIDTH wide that the path read as one or two.
 */
const SURE_TWO_OF_ONE = 0.999;
/**
 * Where the network is all but certain a piece is two digits, the path's one digit for it is a digit short whatever
 * it reads, and the network's pair is the better guess even when it hesitates over one side (a 1 joined to a 7 read
 * "71" at 0.61 x 0.65, the path "7"). Until 2026-12-06 these pairs had to be 0.9 likely, as for a piece read as two;
 * at 0.5, every reading compared (docs/BENCHMARKS.md, "Number reader"): touching on the tuning sets K-tune 75.0 ->
 * 77.0%, K2-tune 71.0 -> 76.0, tuning split unchanged; on the report sets K-report 79.5 -> 82.0, K2-report 82.5 ->
 * 84.0, report split's canvas 99.0 -> 98.5 (a 4 read as "26"), every other kind unchanged. At 0.25 and with no floor,
 * one more number gained and a spaced one lost (a 4 read "11").
 */
const SURE_PAIR_OF_ONE = 0.5;
/**
 * A piece the path read as one digit less than UNSURE_ONE sure is read as the network's two from this sureness of
 * "two" (and SURE_PAIR_OF_ONE for its digits): a path unsure of its one digit is often reading two (a 1 joined to a 9
 * read as a 4 at 0.52), while the single wide digits the network takes for pairs (an 8 as "57", a 9 as "91") the path
 * reads at 0.99 or more. Chosen on the tuning sets (docs/BENCHMARKS.md, "Number reader", 2026-12-07): +3 / -0
 * numbers at 0.95-0.98 with UNSURE_ONE 0.95, +4 / -2 at 0.98 with 0.97, +4 / -3 with 0.99; on the report sets +4 / -1.
 */
const UNSURE_TWO_OF_ONE = 0.98;
const UNSURE_ONE = 0.95;
/**
 * A piece the path read as two digits is read as the network's two, when they differ, at this sureness of "two" (and
 * its two digits at least SURE_PAIR_OF_TWO likely), however sure the path's two were: the model reads each side of a
 * cut through two digits written into each other surely and often wrongly (a 5 cut from a 6 read as a 4 at 0.61, a 1
 * beside a 4 read as a 4 at 0.998), while the network sees both whole. Until 2026-12-06 the network's pair also had to
 * be more likely than the path's two digits together; without that, every reading compared (docs/BENCHMARKS.md, "Number
 * reader"): touching on the tuning sets K-tune 73.0 -> 75.0%, K2-tune 69.5 -> 71.0, tuning split 91.0 -> 90.5; on the
 * report sets K-report 77.5 -> 79.5, K2-report 80.5 -> 82.5, report split 95.5 -> 95.0; every other kind unchanged.
 */
const SURE_TWO_OF_TWO = 0.99;
const SURE_PAIR_OF_TWO = 0.9;
/**
 * A piece the path read as two digits, or as one digit of part of it beside marks it left out, is one digit, read
 * whole, when the network says "two" at less than this: the path cuts a single wide or open digit in two (a flat 2 read
 * "22", an open 4 "61", a 9 "07") where the network, which sees it whole, is all but certain it is one. Chosen on the
 * tuning sets (the bench's tuning split, K3-tune and K3c-tune, test digits 0-4999) with every reading logged: the ten
 * numbers with such a piece under 0.009 were all read wrong, a digit too many in each, and the first number read right
 * had one at 0.023 (docs/BENCHMARKS.md, "Number reader", 2026-12-07). 0.01 at first; 0.02, still under that first right
 * one, also reads K3s's flat 2 (0.0107, read "22") as one, and changed no other reading of the saved sets. Asked of a
 * one-digit reading beside marks the path left out of the same piece since 2026-12-07 (a 5 whose bar the path left out
 * read as a 3, a flat 2 whose tail it left out read as a 3): on the tuning sets +4 / -0 numbers at 0.02, +4 / -1 at
 * 0.05, +6 / -1 at 0.2 (docs/BENCHMARKS.md, "Number reader", 2026-12-07).
 */
const SURE_ONE_OF_TWO = 0.02;
/** Each digit of a pair is given this share of the piece's width, from its side, as its box and its 28x28 picture. */
const SIDE_SHARE = 0.55;

/** One digit of a pair as the network reads it. */
export interface PairSide {
  readonly digit: number;
  /** Probability of each digit for this side, index = digit. */
  readonly probabilities: Float64Array;
  /** The side's columns of the piece (SIDE_SHARE of its width), for its box and picture. */
  readonly parts: readonly Part[];
  readonly box: InkBox;
}

/** What the pair network changes in the path's reading of a piece: its two digits instead, or the piece read whole. */
export type PairVerdict = { readonly kind: 'pair'; readonly sides: [PairSide, PairSide] } | { readonly kind: 'one' };

/**
 * The pair network's second look at a piece the path read one or two digits in, when it should change the path's
 * reading: the path reads two digits written into each other as one wide digit (the model and the one-digit check both
 * take them for one), as one digit and a mark it leaves out, or cuts them wrong, and the network, which sees the whole
 * piece, reads both; or the path cuts one wide digit in two, and the network is all but certain it is one.
 * @param map the ink map
 * @param piece the piece's parts and box (one piece of ink, whole), and whether the path read its one digit of part of
 *   it and left the rest out as marks
 * @param height the digit height in working pixels
 * @param read the digits the path read in the piece, left to right (one or two, over all of the piece or part of it),
 *   with their confidences
 * @param engine sums the network's convolutions (pair-net.ts readPairFrame)
 * @returns the network's two digits to read instead, `one` to read the piece whole as one digit, or undefined to keep
 *   the path's reading
 */
export function pairInstead(
  map: InkMap,
  piece: { readonly parts: readonly Part[]; readonly box: InkBox; readonly marksLeftOut?: boolean },
  height: number,
  read: readonly { readonly digit: number; readonly confidence: number }[],
  engine?: ModelEngine,
): PairVerdict | undefined {
  const { box } = piece;
  const width = box.maxX - box.minX + 1;
  if (width < PAIR_LOOK_WIDTH * height || read.length < 1 || read.length > 2) return undefined;
  const frame = pairFrame(map, piece.parts, box);
  if (frame === undefined) return undefined;
  const pair = readPairFrame(frame, engine);
  const left = best(pair.left);
  const right = best(pair.right);
  const sure = (pair.left[left] as number) * (pair.right[right] as number);
  if (read.length === 1 && piece.marksLeftOut === true && pair.two < SURE_ONE_OF_TWO) return { kind: 'one' };
  if (read.length === 1) {
    const two = (read[0] as { confidence: number }).confidence < UNSURE_ONE ? UNSURE_TWO_OF_ONE : SURE_TWO_OF_ONE;
    if (pair.two < two || sure < SURE_PAIR_OF_ONE) return undefined;
  }
  if (read.length === 2) {
    if (pair.two < SURE_ONE_OF_TWO) return { kind: 'one' };
    const [a, b] = read as readonly [(typeof read)[number], (typeof read)[number]];
    if (pair.two < SURE_TWO_OF_TWO || sure < SURE_PAIR_OF_TWO || (a.digit === left && b.digit === right))
      return undefined;
  }
  const share = Math.max(1, Math.round(SIDE_SHARE * width));
  return {
    kind: 'pair',
    sides: [
      { digit: left, probabilities: pair.left, ...side(piece.parts, box, box.minX, box.minX + share - 1) },
      { digit: right, probabilities: pair.right, ...side(piece.parts, box, box.maxX - share + 1, box.maxX) },
    ],
  };
}

function best(p: Float64Array): number {
  let top = 0;
  for (let d = 1; d < p.length; d++) if ((p[d] as number) > (p[top] as number)) top = d;
  return top;
}

/** The piece's parts and box between columns `from` and `to`, inclusive. */
function side(parts: readonly Part[], box: InkBox, from: number, to: number): { parts: Part[]; box: InkBox } {
  return {
    parts: parts.flatMap((p) => {
      const x0 = Math.max(p.x0, from);
      const x1 = Math.min(p.x1, to);
      return x0 <= x1 ? [{ ...p, x0, x1 }] : [];
    }),
    box: { minX: from, maxX: to, minY: box.minY, maxY: box.maxY },
  };
}
