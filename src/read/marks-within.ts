import { SURE_DIGIT_LOGIT } from './digit-or-not.js';
import type { InkBox } from './pieces.js';
import { HANG, slackOf, spansTaller, typesetBand, X_TOP, type Band } from './type-line.js';
import { digitLogitOf, type JudgedPieces } from './judged.js';

// Brackets, punctuation and slashes inside a printed number ("(325) 475", "4,834", "30:33", "12/05"), told from its
// digits by the line they keep (type-line.ts) and by their shape.

/** A colon (its dots one piece) is at most this share of the digits' line wide, and starts X_TOP below its top. */
const NARROW_MARK = 0.3;
/** A comma or a full stop of bold type tops out below this share of the digits' line: no figure starts so low. */
const LOW_MARK = 0.5;
/**
 * A slash leans right (ink-shape.ts inkLean) at least SLASH_LEAN, and SLASH_LEAN_OVER more than the most leaning judged
 * piece beside it: the slashes of bench:read's dates and fractions (40 pictures of both splits, upright and italic)
 * lean 0.12-0.62 and the figures beside them -0.08 to 0.29, each at least 0.09 under its slash. Measured against its
 * neighbours, not alone, an italic "8/12" (its slash 0.88 as wide as tall, at most SLASH_WIDTH) reads as a fraction
 * while a handwritten 6 or 5 leaning 0.20-0.24 beside digits leaning up to 0.22-0.35 stays a digit. Until 2026-12-07
 * the bound was 0.14 alone, 0.6 wide, among three neighbours: "9/4" read 914 in every face (docs/BENCHMARKS.md).
 */
const SLASH_LEAN = 0.11;
const SLASH_LEAN_OVER = 0.05;
/**
 * ...and the judged pieces beside it lean alike, within SLASH_LEAN_SPREAD of each other, as figures of one typeface do
 * (0.10-0.15 in those 40 pictures): a handwritten "4191" whose first 1 leans 0.56, 0.73 as wide as tall, beside digits
 * leaning -0.23 to 0.48 is no "4/91" (nor a 6 or a 5 beside digits 0.35-0.37 apart).
 */
const SLASH_LEAN_SPREAD = 0.25;
/**
 * ...and the check does not take it for a digit plainly (slashes -2.4 to 1.7; handwritten 1s as slanted 1.6-5.1), and
 * stands among at least SLASH_AMONG other judged pieces that line up as type ("12/05", "9/4").
 */
const SLASH_LOGIT = 2;
const SLASH_AMONG = 2;
const SLASH_WIDTH = 0.9;
/**
 * Brackets and punctuation inside a typeset number: "(325) 475" set as one word, whose brackets the check reads 1
 * (log-odds -6.9 to 0.8), the comma of a bold "4,834" tall enough to be judged (read 1), a colon whose two dots make
 * one piece ("30:33" read 3933). A piece that spans the digits' line taller and hangs below it (HANG) is a bracket
 * wherever it stands, one that tops out below the line's middle (LOW_MARK) is punctuation, judged or not, and one as
 * narrow as a colon (NARROW_MARK) that starts low and stands on the baseline is a colon, however plainly the check
 * reads it; each when no other judged piece of the word leans to "no digit": a handwritten digit taller than its
 * neighbours spans them too. Beside one digit (`typeset` false: its lines, not a band of type) only marks too small to
 * judge are told: a comma below the middle, a degree sign above it ("N° 5" read 05).
 */
export function marksWithin(
  judged: JudgedPieces,
  word: readonly number[],
  band: Band | null,
  typeset: boolean,
  leanOf?: (pieces: readonly number[]) => number,
): number[] {
  const { pieces, whole, height } = judged;
  if (band === null) return [];
  const logitOf = (piece: number) => digitLogitOf(judged, piece);
  const lineHeight = band.bottom - band.top + 1;
  const slack = slackOf(height);
  // A slash spans the line (or hangs below it) and leans as no typeset figure does; the check takes it for a 1.
  const others = (k: number) => word.filter((j) => j !== k && whole.has(j));
  const amongTypeset = (k: number) =>
    others(k).length >= SLASH_AMONG && typesetBand(pieces, others(k), height) !== null;
  const leansPast = (k: number, lean: (pieces: readonly number[]) => number) => {
    const beside = others(k).map((j) => lean([j]));
    const most = Math.max(...beside);
    return most - Math.min(...beside) <= SLASH_LEAN_SPREAD && lean([k]) >= Math.max(SLASH_LEAN, most + SLASH_LEAN_OVER);
  };
  const slash = (box: InkBox, k: number) =>
    leanOf !== undefined &&
    logitOf(k) < SLASH_LOGIT &&
    amongTypeset(k) &&
    box.minY <= band.top + slack &&
    box.maxY >= band.bottom - slack &&
    box.maxX - box.minX + 1 <= SLASH_WIDTH * (box.maxY - box.minY + 1) &&
    leansPast(k, leanOf);
  const mark = (k: number) => {
    const box = pieces[k]!.box;
    const low = box.minY >= band.top + LOW_MARK * lineHeight;
    // A comma too short to be judged still joins the digit before it in the search ("7," read 2), and a degree sign
    // the digit after it ("N° 5" read 05).
    if (!whole.has(k)) return low || box.maxY <= band.top + LOW_MARK * lineHeight;
    // One digit's lines tell no more: a handwritten digit beside a smaller one spans them as a bracket would.
    if (!typeset) return false;
    // A colon is no figure however plainly the check reads it (8.4 for a bold one, read 9 with the 0 before it).
    const colon =
      box.maxX - box.minX + 1 <= NARROW_MARK * lineHeight &&
      box.minY >= band.top + X_TOP * lineHeight &&
      Math.abs(box.maxY - band.bottom) <= slackOf(height);
    if (colon) return true;
    if (logitOf(k) > SURE_DIGIT_LOGIT) return false;
    if (k !== word[0] && k !== word[word.length - 1] && slash(box, k)) return true;
    const bracket = spansTaller(box, band, height) && box.maxY >= band.bottom + HANG * lineHeight;
    return bracket || low;
  };
  const marks = word.filter(mark);
  const rest = word.filter((k) => !marks.includes(k) && whole.has(k));
  return marks.length > 0 && rest.length > 0 && rest.every((k) => logitOf(k) > 0) ? marks : [];
}
