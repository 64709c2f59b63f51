import type { GrayImage } from '../image/gray.js';
import { inkMap, shrinkTo, workingPicture, WORKING_SIZE, type InkMap } from './ink.js';
import { groupPieces, type PieceSet } from './pieces.js';

/** The longest side the reader looks at first (see findPieces). */
export const COARSE_SIZE = 400;
/**
 * Digits at least this tall at COARSE_SIZE are read there (see findPieces). Measured against reading every picture at
 * WORKING_SIZE on the bench's saved splits and the K3 sets (docs/BENCHMARKS.md, "Number reader", 2026-12-07).
 */
export const MIN_COARSE_HEIGHT = 32;
/**
 * A piece wider than this many digit heights is several digits joined, or strokes that are no digit (a maze, a
 * scribble across the picture): the search reads it through its cuts, which a coarse look blurs (a maze of 3 px strokes
 * 12 px apart, shrunk 4 times, read as one `8`). Such a picture is looked at whole. Two digits joined are narrower.
 */
export const MAX_COARSE_WIDTH = 2.5;

/**
 * The picture's ink and pieces, looked at with its longer side at most COARSE_SIZE px first (area-averaged from the
 * working picture): where the digits stand MIN_COARSE_HEIGHT px tall there, a stroke of MNIST's width is still about 3
 * px wide, as much as the normalization of a piece needs (it ends at a 20 px box), and the flattening, labelling, cuts
 * and frames cost a fraction of the pixels (a 600x150 number: 400x100, 2.25 times fewer). Where the digits come out
 * shorter (a number across a wide photo), no piece stands out, or a piece is too wide to be a digit or two joined
 * (MAX_COARSE_WIDTH), the working picture is looked at whole. Too many pieces at the coarse size are too many at any
 * size (finer ink only splits them further): refused without the second look.
 */
export function findPieces(
  gray: GrayImage,
  maxPieces: number,
): { map: InkMap; grouped: PieceSet | { tooMany: number } } {
  const work = workingPicture(gray, WORKING_SIZE);
  const small = shrinkTo(work, COARSE_SIZE);
  const coarse = inkMap(small, gray);
  const grouped = groupPieces(coarse, maxPieces);
  // A picture no larger than COARSE_SIZE was looked at whole already.
  if (small === work || 'tooMany' in grouped) return { map: coarse, grouped };
  const { pieces, height } = grouped;
  const narrow = pieces.every((p) => p.box.maxX - p.box.minX + 1 <= MAX_COARSE_WIDTH * height);
  if (pieces.length > 0 && height >= MIN_COARSE_HEIGHT && narrow) return { map: coarse, grouped };
  const map = inkMap(work, gray);
  return { map, grouped: groupPieces(map, maxPieces) };
}
