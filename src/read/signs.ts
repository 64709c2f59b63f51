import { MIN_DIGIT_LOGIT, SURE_DIGIT_LOGIT } from './digit-or-not.js';
import type { DigitEvidence } from './digit-like.js';
import type { InkHole } from './ink-shape.js';
import { unionBox, type InkBox } from './pieces.js';
import { betweenLines, HANG, lineOf, spansTaller, standsOn, typesetBand, withinBand, type Band } from './type-line.js';
import { digitLogitOf, type JudgedPieces } from './judged.js';

// Signs at a printed number's ends ("€42", "42%", "(42)", "#86", "5%", "+780"), told from digits by the line the
// number's digits keep (type-line.ts) and by their shape. The word rule (words.ts) asks these once it has judged a word.

/** A piece this wide for its height, or wider, is no lining figure (they stand narrower than tall): a %. */
const SQUAT = 0.9;
/** Below this log-odds a sign in line with typeset digits is one (held out: 0.1% of digits reach so low). */
export const SIGN_LOGIT = -5;
/** Below this log-odds a sign beside one digit is one wherever it stands within the digit's height. */
const PLAIN_SIGN_LOGIT = -8;
/** A sign wider than a judged glyph (a %) is judged at an end of a printed number up to this share of the height. */
const WIDE_SIGN = 1.6;
/** A % or a € stands at least this share as tall as the digits beside it. */
const GLYPH_TALL = 0.8;
/** A %'s upper ring stands left of its lower one by at least this share of its height, and above it by RINGS_APART. */
const RINGS_ASIDE = 0.2;
const RINGS_APART = 0.3;
/**
 * Whether a piece's holes are a %'s two rings, the upper one left of the lower: an 8's loops stand one above the
 * other, or lean the way handwriting slants, to the right going up.
 */
function percentRings(holes: readonly InkHole[], box: InkBox): boolean {
  if (holes.length !== 2) return false;
  const [upper, lower] = holes as [InkHole, InkHole];
  const tall = box.maxY - box.minY + 1;
  return lower.x - upper.x >= RINGS_ASIDE * tall && lower.y - upper.y >= RINGS_APART * tall;
}

/** What the word rule (words.ts piecesInWords) and the sign rules may ask of the picture about its pieces. */
export interface PieceAsks {
  /**
   * Asked only of a piece standing alone that the check calls a letter, the only one in its run (PAIR_ALONE): whether
   * it is rather a touching pair (the search reads it as plain digits; search.ts readsAsPlainDigits). A pair joined
   * anywhere but stroke end to stroke end is often no glyph at all to the digit-or-not check.
   */
  readonly readsAsDigits?: (piece: number) => boolean;
  /**
   * The digit-or-not evidence of a piece too wide to be judged (a %), asked only of one at an end of a printed number
   * (edgeSigns).
   */
  readonly judgeWide?: (piece: number) => DigitEvidence | undefined;
  /**
   * How far the ink of some pieces, taken as one, leans right going up (ink-shape.ts inkLean), asked only of a mark beside
   * or inside a printed number (edgeSigns, marksWithin).
   */
  readonly leanOf?: (pieces: readonly number[]) => number;
  /** The holes of the ink of some pieces taken as one (ink-shape.ts inkHoles), asked only of a mark beside a number. */
  readonly holesOf?: (pieces: readonly number[]) => readonly InkHole[];
}

/** A $ beside one digit stands at most this many times as tall as the digit, and DOLLAR_ASPECT as wide as tall. */
const DOLLAR_TALL = 1.3;
const DOLLAR_ASPECT = 0.7;
/**
 * Whether a box spans one digit's lines taller, as a $ set beside it does, and no taller or wider than a $ is
 * (0.48-0.62 as wide as tall in the sets measured): a handwritten digit of another size spans them too (an 8 1.3-1.6
 * times as tall as the 4 after it, 0.82 as wide as tall).
 */
function dollarBeside(box: InkBox, band: Band, height: number): boolean {
  const tall = box.maxY - box.minY + 1;
  return (
    spansTaller(box, band, height) &&
    tall <= DOLLAR_TALL * (band.bottom - band.top + 1) &&
    box.maxX - box.minX + 1 <= DOLLAR_ASPECT * tall
  );
}

/**
 * The signs at either end of a typeset number: "€42", "42%", "+42", "$1,299". A piece there is a sign when it stands
 * in line with the digits of its group (a price's cents are a word of their own) and the digit-or-not check calls it
 * one plainly (SIGN_LOGIT; MIN_DIGIT_LOGIT beside plain digits only, or for a piece as wide as tall), or when the
 * check leans to "not a digit" and it spans the digits taller or keeps clear of both their lines (a +); beside a
 * single digit, when the check calls it a sign plainly and it stands on that digit's lines or spans them as a $ does.
 * Two signs the check takes for digits are told by their shape (asks.holesOf) within the line the rest keeps: a % by
 * its two rings, upper left and lower right, whole or cut into rings and stroke, and a € the model reads 6 by the
 * bowl it does not close (2026-12-07: bench:read's signed numbers 94.0 -> 97.5% on the tuning split, 95.0 -> 97.0 on
 * the report split, 94.0 -> 98.0 on the DejaVu set; the K3 sets' handwriting unchanged). A number keeps at least one
 * piece. Printed numbers with signs, units and labels read exactly: bench:read's tuning
 * split 25.0 -> 64.5%, a set drawn outside the repository in other typefaces 31.5 -> 69.4%; of 12,400 pictures of
 * handwritten and printed numbers and words (tuning and report splits, seven sets built outside), 6 lost a digit at
 * an end.
 */
export function edgeSigns(
  judged: JudgedPieces,
  word: readonly number[],
  group: readonly number[],
  asks: PieceAsks = {},
): EdgeSigns {
  const { pieces, whole, height } = judged;
  const { judgeWide, holesOf } = asks;
  const logitOf = (piece: number) => digitLogitOf(judged, piece);
  const digits = group.filter((k) => whole.has(k) && logitOf(k) > 0);
  const band = typesetBand(pieces, digits, height);
  // Beside the group's one digit, that digit's lines; it need not be plain, as the sign must be ("$9": the 9 at 4.2).
  const lone = band === null && digits.length === 1 ? lineOf(pieces[digits[0]!]!.box) : null;
  // A % is told by its lean beside the rest of its group: their band of type, or their one plain digit (the check
  // may take the % for a digit too, so that "6%" in 20-px type keeps no band).
  // Whether some pieces, taken as one glyph, stand within the line the rest of the group keeps (their band of type,
  // or their one plain digit's lines) and nearly as tall as it: where a % or a € is told by its shape.
  const glyphBeside = (ks: readonly number[]): boolean => {
    const rest = group.filter((k) => !ks.includes(k) && whole.has(k));
    const plain = rest.filter((k) => logitOf(k) > SURE_DIGIT_LOGIT);
    const line =
      typesetBand(
        pieces,
        rest.filter((k) => logitOf(k) > 0),
        height,
      ) ?? (plain.length === 1 ? lineOf(pieces[plain[0]!]!.box) : null);
    if (line === null) return false;
    const box = ks.map((k) => pieces[k]!.box).reduce(unionBox);
    // No wider than a sign is judged (WIDE_SIGN): the holes are then looked for in a box of a glyph's size only.
    return (
      withinBand(box, line, height) &&
      box.maxY - box.minY + 1 >= GLYPH_TALL * (line.bottom - line.top + 1) &&
      box.maxX - box.minX + 1 <= WIDE_SIGN * height
    );
  };
  const percent = (ks: readonly number[]): boolean =>
    holesOf !== undefined &&
    glyphBeside(ks) &&
    percentRings(holesOf(ks), ks.map((k) => pieces[k]!.box).reduce(unionBox));
  // A € the model reads 6 (the check -2.8 to 6.8), with no loop closed: every typeset 6 closes its bowl.
  const euro = (k: number): boolean => {
    const scores = whole.get(k)?.scores;
    return (
      holesOf !== undefined &&
      scores !== undefined &&
      logitOf(k) < SURE_DIGIT_LOGIT &&
      scores.indexOf(Math.max(...scores)) === 6 &&
      glyphBeside([k]) &&
      holesOf([k]).length === 0
    );
  };
  // Beside plain digits only, a sign in line needs less: a € the check leans against (-4.4) was read 6.
  const plainRest = (piece: number) => word.every((k) => k === piece || !whole.has(k) || logitOf(k) > SURE_DIGIT_LOGIT);
  const isSign = (piece: number) => {
    const box = pieces[piece]!.box;
    const width = box.maxX - box.minX + 1;
    // A glyph as wide as it is tall is no lining figure (a %, read "96"): the check need only lean against it.
    const needs = width >= SQUAT * (box.maxY - box.minY + 1) ? MIN_DIGIT_LOGIT : SIGN_LOGIT;
    // A % is wider than a glyph the word rule judges; it is judged here, at an end of a printed number.
    const wideLogit = () =>
      judgeWide === undefined || width > WIDE_SIGN * height ? Infinity : (judgeWide(piece)?.digitLogit ?? Infinity);
    // A % leans left as no figure set upright or in italics does (its upper ring left, its lower right; the check
    // takes it for an 8 at 2.8-8.3).
    if (percent([piece])) return true;
    if (band === null) {
      // Beside one plain digit ("5%", "€7", "#1"): no line of type to judge by, so only a sign exactly as tall as
      // the digit, top and bottom, that the check plainly calls one (a handwritten 1 beside a 4 stood inside the 4's
      // height, not on its lines), or a $ spanning it.
      if (lone === null) return false;
      if (whole.has(piece) && dollarBeside(box, lone, height)) return logitOf(piece) < SIGN_LOGIT;
      // Inside the digit's height but off its lines, only a sign the check calls one beyond doubt: a # set lower
      // than a 9 (-9.8; a slanted handwritten 1 inside a 4 was -6.5).
      if (!standsOn(box, lone, height))
        return whole.has(piece) && withinBand(box, lone, height) && logitOf(piece) < PLAIN_SIGN_LOGIT;
      return (whole.has(piece) ? logitOf(piece) : wideLogit()) < needs;
    }
    if (!whole.has(piece)) return withinBand(box, band, height) && wideLogit() < needs;
    const logit = logitOf(piece);
    return (
      (logit < (plainRest(piece) ? MIN_DIGIT_LOGIT : SIGN_LOGIT) && withinBand(box, band, height)) ||
      (logit < 0 && (spansTaller(box, band, height) || betweenLines(box, band)))
    );
  };
  let first = 0;
  let last = word.length - 1;
  // A % cut into its rings and stroke (DejaVu Sans bold, Liberation Sans at 48 px): the last pieces, each overlapping
  // the next in columns as no neighbouring figures of type do, told as one.
  let from = last;
  while (from > 0 && pieces[word[from - 1]!]!.box.maxX >= pieces[word[from]!]!.box.minX) from--;
  if (from > 0 && from < last && percent(word.slice(from))) last = from - 1;
  // A € or % set a space apart from its number is a word of its own ("€ 1,299", "15 %"), told beside the rest of its
  // group.
  if (group.length > word.length && ((word.length === 1 && euro(word[0]!)) || (from === 0 && percent(word))))
    return { signs: [...word], band, line: band ?? lone };
  if (first < last && euro(word[first]!)) first++;
  while (first < last && isSign(word[first]!)) first++;
  while (last > first && isSign(word[last]!)) last--;
  return { signs: [...word.slice(0, first), ...word.slice(last + 1)], band, line: band ?? lone };
}

/** What edgeSigns found: the signs, and the line the group's digits keep (null when they keep none, as type does). */
export interface EdgeSigns {
  readonly signs: number[];
  readonly band: Band | null;
  /** The band, or beside a group's one digit that digit's lines. */
  readonly line: Band | null;
}

/**
 * A typeset number in brackets, which the word rule counted as letters: "(42)". Each end (one piece at most) must be
 * a letter to the check, span the rest taller and hang below their line; the rest must be plain digits, every one,
 * lined up as type. Returns the ends, or null when the word is letters after all.
 */
export function bracketSigns(judged: JudgedPieces, word: readonly number[]): number[] | null {
  const { pieces, whole, height } = judged;
  const logitOf = (piece: number) => digitLogitOf(judged, piece);
  const letter = (piece: number) => whole.has(piece) && logitOf(piece) < MIN_DIGIT_LOGIT;
  const first = letter(word[0]!) ? 1 : 0;
  const last = word.length > 1 && letter(word[word.length - 1]!) ? word.length - 2 : word.length - 1;
  const core = word.slice(first, last + 1);
  if (core.length === 0 || core.length === word.length) return null;
  if (!core.every((k) => logitOf(k) > SURE_DIGIT_LOGIT)) return null;
  const band = typesetBand(pieces, core, height);
  const ends = [...word.slice(0, first), ...word.slice(last + 1)];
  // Brackets hang below the line; a capital or a letter's ascender beside lowercase ("Cool") stands on it.
  const hangs = (k: number) =>
    band !== null && pieces[k]!.box.maxY >= band.bottom + HANG * (band.bottom - band.top + 1);
  return band !== null && ends.every((k) => spansTaller(pieces[k]!.box, band, height) && hangs(k)) ? ends : null;
}

/**
 * A typeset number with a sign at one end, which the word rule counted as letters: "#86", "+58", "€01", where one
 * digit is not plainly a digit to the check (log-odds 3.7-5.5 in the pictures that showed it) and the sign alone is
 * the third of three pieces that makes type a word (TYPESET_LETTERS): the picture was answered "no digit". The sign
 * is what edgeSigns finds, at one end only (both ends off leave the middle of a word: "Room" without its R and m
 * reads "00"); every other judged piece must pass the check and stand on the number's line top to bottom (the o of
 * "No." stands an x-height tall). Measured on bench:read's saved splits (2026-12-07): signed tuning 74.5 -> 77.5%,
 * report 73.5 -> 80.5%, +20 / -0 readings, every other kind the same; printed numbers with signs in DejaVu faces the
 * bench never uses (a set rendered apart, 600 pictures) 76.5 -> 78.5%, +4 / -0; 3,000 handwritten numbers of the K3
 * sets unchanged. Returns the sign, or null when the word is letters after all.
 */
export function signBesideNumber(judged: JudgedPieces, word: readonly number[], edge: EdgeSigns): number[] | null {
  const { signs, band } = edge;
  if (signs.length !== 1 || band === null) return null;
  return numberBeside(judged, word, band, signs);
}

/** The marks, when every other judged piece of the word passes the check and stands on the band; else null. */
export function numberBeside(
  judged: JudgedPieces,
  word: readonly number[],
  band: Band,
  marks: readonly number[],
): number[] | null {
  const { pieces, whole, height } = judged;
  const rest = word.filter((k) => !marks.includes(k) && whole.has(k));
  const digitInLine = (k: number) =>
    digitLogitOf(judged, k) >= MIN_DIGIT_LOGIT && standsOn(pieces[k]!.box, band, height);
  return rest.length > 0 && rest.every(digitInLine) ? [...marks] : null;
}
