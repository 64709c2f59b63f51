import { MIN_DIGIT_LOGIT, SURE_DIGIT_LOGIT } from './digit-or-not.js';
import type { DigitEvidence } from './digit-like.js';
import type { InkHole } from './ink-shape.js';
import { unionBox, type InkBox } from './pieces.js';

// The lines typeset digits keep, and the marks told from digits by them: signs at a number's ends ("€42", "42%",
// "(42)", "#86", "5%", "+780"), a unit after it ("17 kg"), brackets and punctuation within it ("(325) 475", "4,834").
// The word rule (words.ts) asks these once it has judged a word.

/** A piece this wide for its height, or wider, is no lining figure (they stand narrower than tall): a %. */
const SQUAT = 0.9;
/** Below this log-odds a sign in line with typeset digits is one (held out: 0.1% of digits reach so low). */
export const SIGN_LOGIT = -5;
/** Below this log-odds a sign beside one digit is one wherever it stands within the digit's height. */
const PLAIN_SIGN_LOGIT = -8;
/** Typeset digits share their top and bottom within this share of the digit height; handwritten ones seldom do. */
export const TYPESET = 0.04;
/**
 * A bracket or a $ stands at least this many times as tall as the digits it spans (1.12 missed the $ of 17-px type,
 * 19 px tall).
 */
const TALLER = 1.1;
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
/** A bracket hangs below the digits' line by at least this share of their height. */
const HANG = 0.1;

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

/**
 * How far typeset glyphs of one line may stand off it, in pixels: TYPESET of the digit height, and a pixel at least,
 * which small type's antialiased edges give or take ("$18" at 17 px: its 1 and 8 a pixel apart at the top).
 */
export function slackOf(height: number): number {
  return Math.max(1, TYPESET * height);
}

/** Top and bottom rows of a line of digits. */
export interface Band {
  readonly top: number;
  readonly bottom: number;
}

/**
 * The rows typeset digits share, or null when the pieces do not line up as type does: at least two, and two thirds of
 * them, within TYPESET of the median top and bottom (a bracket the check takes for a digit stands out of line). Only
 * in type are signs told from digits by where they stand: a handwritten pair joined at the end of a number is no
 * glyph to the digit-or-not check either, and as narrow as a sign (on the G tuning set, with any end taken for a
 * sign, 17 of 400 touching numbers read right lost a digit).
 */
export function typesetBand(
  pieces: readonly { readonly box: InkBox }[],
  digits: readonly number[],
  height: number,
): Band | null {
  if (digits.length < 2) return null;
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
  const top = median(digits.map((k) => pieces[k]!.box.minY));
  const bottom = median(digits.map((k) => pieces[k]!.box.maxY));
  const slack = slackOf(height);
  const aligned = digits.filter(
    (k) => Math.abs(pieces[k]!.box.minY - top) <= slack && Math.abs(pieces[k]!.box.maxY - bottom) <= slack,
  );
  if (aligned.length < 2 || 3 * aligned.length < 2 * digits.length) return null;
  return {
    top: Math.min(...aligned.map((k) => pieces[k]!.box.minY)),
    bottom: Math.max(...aligned.map((k) => pieces[k]!.box.maxY)),
  };
}

/**
 * The line of a group's one plain digit (log-odds above SURE_DIGIT_LOGIT), when it is the only piece the check takes
 * for a digit at all: the word rule's outOfLine judges "No" beside a one-digit number ("No. 7") by it. edgeSigns
 * first told "5%" and "€7" by it too (2026-12-07, every reading of the saved sets compared: bench:read's signed kind
 * 77.5 -> 82.0% on the tuning split, 80.5 -> 84.5% on the report split, +26 / -0 over 7,600 pictures with the K3 sets'
 * handwriting; a sign judged by containment in the digit's height instead lost a handwritten "41" to a slanted 1), and
 * now takes any one digit's line, the sign having to be plainly one ("$9" with its 9 at 4.2: +3 / -0).
 */
export function plainDigitLine(
  pieces: readonly { readonly box: InkBox }[],
  digits: readonly number[],
  logitOf: (piece: number) => number,
): Band | null {
  if (digits.length !== 1 || logitOf(digits[0]!) <= SURE_DIGIT_LOGIT) return null;
  return lineOf(pieces[digits[0]!]!.box);
}

/** The lines one glyph stands on. */
function lineOf(box: InkBox): Band {
  return { top: box.minY, bottom: box.maxY };
}

/** Whether a box stands on a band's top and bottom lines, as typeset glyphs of one line do. */
function standsOn(box: InkBox, band: Band, height: number): boolean {
  const slack = slackOf(height);
  return Math.abs(box.minY - band.top) <= slack && Math.abs(box.maxY - band.bottom) <= slack;
}

/** Whether a box spans the band top to bottom and stands taller: a bracket, a $ with its bar through. */
function spansTaller(box: InkBox, band: Band, height: number): boolean {
  const slack = slackOf(height);
  return (
    box.minY <= band.top + slack &&
    box.maxY >= band.bottom - slack &&
    box.maxY - box.minY + 1 >= TALLER * (band.bottom - band.top + 1)
  );
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

/** Whether a box stays within the band: a sign set in line with the digits (€ # % +). */
function withinBand(box: InkBox, band: Band, height: number): boolean {
  const slack = slackOf(height);
  return box.minY >= band.top - slack && box.maxY <= band.bottom + slack;
}

/** A sign set between a line's top and bottom (a + or a bullet) misses both by at least this share of its height. */
const OFF_BOTH = 0.1;

/** Whether a box keeps clear of both of a band's lines, as no lining figure does: a +, a x, a bullet. */
function betweenLines(box: InkBox, band: Band): boolean {
  const off = OFF_BOTH * (band.bottom - band.top + 1);
  return box.minY >= band.top + off && box.maxY <= band.bottom - off;
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
  pieces: readonly { readonly box: InkBox }[],
  word: readonly number[],
  group: readonly number[],
  whole: ReadonlyMap<number, DigitEvidence | undefined>,
  height: number,
  asks: PieceAsks = {},
): EdgeSigns {
  const { judgeWide, holesOf } = asks;
  const logitOf = (piece: number) => whole.get(piece)?.digitLogit ?? -Infinity;
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
    return withinBand(box, line, height) && box.maxY - box.minY + 1 >= GLYPH_TALL * (line.bottom - line.top + 1);
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
export function bracketSigns(
  pieces: readonly { readonly box: InkBox }[],
  word: readonly number[],
  whole: ReadonlyMap<number, DigitEvidence | undefined>,
  height: number,
): number[] | null {
  const logitOf = (piece: number) => whole.get(piece)?.digitLogit ?? -Infinity;
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
export function signBesideNumber(
  pieces: readonly { readonly box: InkBox }[],
  word: readonly number[],
  whole: ReadonlyMap<number, DigitEvidence | undefined>,
  height: number,
  edge: EdgeSigns,
): number[] | null {
  const { signs, band } = edge;
  if (signs.length !== 1 || band === null) return null;
  return numberBeside(pieces, word, whole, height, band, signs);
}

/**
 * A typeset number with a unit after it, which the word rule counted as letters: "99 g", whose g the check calls no
 * digit (-3.2) and makes the third of three pieces that makes type a word. The unit is what unitAfterNumber finds
 * on the number's line of type, and every other judged piece must pass the check and stand on that line. Returns the
 * unit, or null when the word is letters after all.
 */
export function unitBesideNumber(
  pieces: readonly { readonly box: InkBox }[],
  word: readonly number[],
  group: readonly number[],
  whole: ReadonlyMap<number, DigitEvidence | undefined>,
  height: number,
  edge: EdgeSigns,
): number[] | null {
  const { band } = edge;
  if (band === null) return null;
  const unit = unitAfterNumber(pieces, word, group, whole, height, band, true);
  return unit.length === 0 ? null : numberBeside(pieces, word, whole, height, band, unit);
}

/** The marks, when every other judged piece of the word passes the check and stands on the band; else null. */
function numberBeside(
  pieces: readonly { readonly box: InkBox }[],
  word: readonly number[],
  whole: ReadonlyMap<number, DigitEvidence | undefined>,
  height: number,
  band: Band,
  marks: readonly number[],
): number[] | null {
  const rest = word.filter((k) => !marks.includes(k) && whole.has(k));
  const digitInLine = (k: number) =>
    (whole.get(k)?.digitLogit ?? -Infinity) >= MIN_DIGIT_LOGIT && standsOn(pieces[k]!.box, band, height);
  return rest.length > 0 && rest.every(digitInLine) ? [...marks] : null;
}

/** A unit's last letter hangs below the digits' line by at least this share of their height: g, p, y. */
const DESCENDS = 0.15;
/** A last piece the check plainly reads as a digit is a descender below a line of type when it hangs this deep. */
const DEEP = 0.2;
/**
 * ...and rises from the x-line, its top at least this share below the digits' top (a bracket spans them); so does every
 * x-height letter beside printed digits (words.ts xHeightWord).
 */
export const X_TOP = 0.15;

/**
 * The unit after a printed number (its band of type, or one digit's lines): "17 kg", "539 kg", "7 kg". Its last
 * piece hangs from the x-line below the digits' baseline and is no plain digit to the check; the pieces before it that
 * lean to "no digit" (log-odds below 0) and stand nearer it than to what comes before them are its letters (the k,
 * which the check reads 8 or 1). A unit with no descender ("250 ml", read 2501) is the run of pieces after the number
 * that are no plain digit, nearer each other than to it, from an x-height letter on, two pieces at least (a small
 * handwritten 5 after a number stands so too: "265505" lost its 5 with one). A plain digit on the line stays in the
 * group, else there is no number to take a unit.
 */
export function unitAfterNumber(
  pieces: readonly { readonly box: InkBox }[],
  word: readonly number[],
  group: readonly number[],
  whole: ReadonlyMap<number, DigitEvidence | undefined>,
  height: number,
  band: Band | null,
  typeset: boolean,
): number[] {
  if (band === null || word.length === 0) return [];
  const logitOf = (piece: number) => whole.get(piece)?.digitLogit ?? -Infinity;
  const lineHeight = band.bottom - band.top + 1;
  const last = word[word.length - 1]!;
  const hanging = pieces[last]!.box;
  const before = (k: number) => {
    const at = group.indexOf(k);
    return at > 0 ? pieces[k]!.box.minX - pieces[group[at - 1]!]!.box.maxX : Infinity;
  };
  const nearer = (k: number, next: number) => pieces[next]!.box.minX - pieces[k]!.box.maxX < before(k);
  const plain = (k: number) => whole.has(k) && logitOf(k) > SURE_DIGIT_LOGIT;
  const descender =
    whole.has(last) &&
    hanging.maxY >= band.bottom + DESCENDS * lineHeight &&
    hanging.minY >= band.top + X_TOP * lineHeight;
  // A g may be a plain 9 to the check (9.5 in DejaVu Serif bold "100 g"); only a line of type says it hangs as a g.
  if (plain(last) && !(typeset && descender && hanging.maxY >= band.bottom + DEEP * lineHeight)) return [];
  let unit: number[];
  if (descender) {
    unit = [last];
    for (let i = word.length - 2; i >= 0; i--) {
      const k = word[i]!;
      if (!whole.has(k) || logitOf(k) >= 0 || !nearer(k, unit[0]!)) break;
      unit.unshift(k);
    }
  } else {
    // A unit in lowercase with no descender ("250 ml", "12 cm"): the pieces after the number that are no plain
    // digit, nearer each other than to it, from an x-height letter on (its top X_TOP below the digits', leaning to
    // "no digit").
    let first = word.length - 1;
    while (first > 0 && !plain(word[first - 1]!) && nearer(word[first - 1]!, word[first]!)) first--;
    const xHeight = (k: number) => {
      const box = pieces[k]!.box;
      return (
        box.minY >= band.top + X_TOP * lineHeight &&
        Math.abs(box.maxY - band.bottom) <= slackOf(height) &&
        (!whole.has(k) || logitOf(k) < 0)
      );
    };
    while (first < word.length && !xHeight(word[first]!)) first++;
    unit = word.slice(first);
    // One short piece after a number may be a small handwritten digit: a unit has two letters at least.
    if (unit.length < 2) return [];
  }
  // Beside one digit, that digit must be plain; a line of type needs two digits on it (DejaVu Serif bold's 1 and 0s
  // at 5.1-6.7 in "100 g").
  const onLine = group.filter(
    (k) => !unit.includes(k) && logitOf(k) > (typeset ? 0 : SURE_DIGIT_LOGIT) && standsOn(pieces[k]!.box, band, height),
  );
  return onLine.length >= (typeset ? 2 : 1) ? unit : [];
}

/** A colon (its dots one piece) is at most this share of the digits' line wide, and starts X_TOP below its top. */
const NARROW_MARK = 0.3;
/** A comma or a full stop of bold type tops out below this share of the digits' line: no figure starts so low. */
const LOW_MARK = 0.5;
/**
 * A slash leans right at least this share of its height going up (ink-shape.ts inkLean: 0.15-0.28 in the faces of
 * bench:read-labels, where a typeset 1 leans -0.11 to 0 and a 7 0.06-0.13), and is at most SLASH_WIDTH as wide as tall.
 */
const SLASH_LEAN = 0.14;
/**
 * ...and the check does not take it for a digit plainly (slashes -1.2 to 1.7; handwritten 1s as slanted 1.6-5.1), and
 * stands among at least SLASH_AMONG other pieces that line up as type ("12/05").
 */
const SLASH_LOGIT = 2;
const SLASH_AMONG = 3;
const SLASH_WIDTH = 0.6;

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
  pieces: readonly { readonly box: InkBox }[],
  word: readonly number[],
  whole: ReadonlyMap<number, DigitEvidence | undefined>,
  height: number,
  band: Band | null,
  typeset: boolean,
  leanOf?: (pieces: readonly number[]) => number,
): number[] {
  if (band === null) return [];
  const logitOf = (piece: number) => whole.get(piece)?.digitLogit ?? -Infinity;
  const lineHeight = band.bottom - band.top + 1;
  const slack = slackOf(height);
  // A slash spans the line (or hangs below it) and leans as no typeset figure does; the check takes it for a 1.
  const amongTypeset = (k: number) => {
    const others = word.filter((j) => j !== k && whole.has(j));
    return others.length >= SLASH_AMONG && typesetBand(pieces, others, height) !== null;
  };
  const slash = (box: InkBox, k: number) =>
    leanOf !== undefined &&
    logitOf(k) < SLASH_LOGIT &&
    amongTypeset(k) &&
    box.minY <= band.top + slack &&
    box.maxY >= band.bottom - slack &&
    box.maxX - box.minX + 1 <= SLASH_WIDTH * (box.maxY - box.minY + 1) &&
    leanOf([k]) >= SLASH_LEAN;
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
