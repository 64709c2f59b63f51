import { SURE_DIGIT_LOGIT } from './digit-or-not.js';
import type { InkBox } from './pieces.js';

// The lines typeset digits keep: their top and bottom rows, the same within a few percent for every lining figure of
// one line of type, as handwritten digits seldom are. The sign, unit and mark rules (signs.ts, units.ts,
// marks-within.ts) tell marks from digits by where they stand against these lines.

/** Typeset digits share their top and bottom within this share of the digit height; handwritten ones seldom do. */
export const TYPESET = 0.04;
/**
 * A bracket or a $ stands at least this many times as tall as the digits it spans (1.12 missed the $ of 17-px type,
 * 19 px tall).
 */
const TALLER = 1.1;
/** A bracket hangs below the digits' line by at least this share of their height. */
export const HANG = 0.1;
/**
 * A lowercase letter beside printed digits tops out at least this share of their line below the digits' top: a unit's
 * letter hanging from the x-line (a bracket spans the line), every x-height letter (words.ts xHeightWord).
 */
export const X_TOP = 0.15;
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
export function lineOf(box: InkBox): Band {
  return { top: box.minY, bottom: box.maxY };
}

/** Whether a box stands on a band's top and bottom lines, as typeset glyphs of one line do. */
export function standsOn(box: InkBox, band: Band, height: number): boolean {
  const slack = slackOf(height);
  return Math.abs(box.minY - band.top) <= slack && Math.abs(box.maxY - band.bottom) <= slack;
}

/** Whether a box spans the band top to bottom and stands taller: a bracket, a $ with its bar through. */
export function spansTaller(box: InkBox, band: Band, height: number): boolean {
  const slack = slackOf(height);
  return (
    box.minY <= band.top + slack &&
    box.maxY >= band.bottom - slack &&
    box.maxY - box.minY + 1 >= TALLER * (band.bottom - band.top + 1)
  );
}

/** Whether a box stays within the band: a sign set in line with the digits (€ # % +). */
export function withinBand(box: InkBox, band: Band, height: number): boolean {
  const slack = slackOf(height);
  return box.minY >= band.top - slack && box.maxY <= band.bottom + slack;
}

/** A sign set between a line's top and bottom (a + or a bullet) misses both by at least this share of its height. */
const OFF_BOTH = 0.1;
/** Whether a box keeps clear of both of a band's lines, as no lining figure does: a +, a x, a bullet. */
export function betweenLines(box: InkBox, band: Band): boolean {
  const off = OFF_BOTH * (band.bottom - band.top + 1);
  return box.minY >= band.top + off && box.maxY <= band.bottom - off;
}
