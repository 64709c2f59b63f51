import { MIN_DIGIT_LOGIT, SURE_DIGIT_LOGIT } from './digit-or-not.js';
import type { DigitEvidence } from './digit-like.js';
import type { InkBox } from './pieces.js';

// The lines typeset digits keep, and the signs told from digits by them at a number's ends: "€42", "42%", "(42)",
// "#86", "5%". The word rule (words.ts) asks these once it has judged a word.

/** Below this log-odds a sign in line with typeset digits is one (held out: 0.1% of digits reach so low). */
export const SIGN_LOGIT = -5;
/** Typeset digits share their top and bottom within this share of the digit height; handwritten ones seldom do. */
export const TYPESET = 0.04;
/** A bracket or a $ stands at least this many times as tall as the digits it spans. */
const TALLER = 1.12;
/** A sign wider than a judged glyph (a %) is judged at an end of a printed number up to this share of the height. */
const WIDE_SIGN = 1.6;
/** A bracket hangs below the digits' line by at least this share of their height. */
const HANG = 0.1;

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
  const slack = TYPESET * height;
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
 * for a digit at all: a printed "5%" or "€7". Measured with edgeSigns' use of it (2026-12-07, every reading of the
 * saved sets compared): bench:read's signed kind 77.5 -> 82.0% (tuning split) and 80.5 -> 84.5% (report), a set of
 * printed numbers in DejaVu faces 78.5 -> 83.0%, +26 / -0 over 7,600 pictures with the K3 sets' handwriting; a
 * sign judged by containment in the digit's height instead lost a handwritten "41" to a slanted 1. The word rule's
 * outOfLine judges "No" beside a one-digit number ("No. 7") by the same line.
 */
export function plainDigitLine(
  pieces: readonly { readonly box: InkBox }[],
  digits: readonly number[],
  logitOf: (piece: number) => number,
): Band | null {
  if (digits.length !== 1 || logitOf(digits[0]!) <= SURE_DIGIT_LOGIT) return null;
  const box = pieces[digits[0]!]!.box;
  return { top: box.minY, bottom: box.maxY };
}

/** Whether a box stands on a band's top and bottom lines, as typeset glyphs of one line do. */
function standsOn(box: InkBox, band: Band, height: number): boolean {
  const slack = TYPESET * height;
  return Math.abs(box.minY - band.top) <= slack && Math.abs(box.maxY - band.bottom) <= slack;
}

/** Whether a box spans the band top to bottom and stands taller: a bracket, a $ with its bar through. */
function spansTaller(box: InkBox, band: Band, height: number): boolean {
  const slack = TYPESET * height;
  return (
    box.minY <= band.top + slack &&
    box.maxY >= band.bottom - slack &&
    box.maxY - box.minY + 1 >= TALLER * (band.bottom - band.top + 1)
  );
}

/** Whether a box stays within the band: a sign set in line with the digits (€ # % +). */
function withinBand(box: InkBox, band: Band, height: number): boolean {
  const slack = TYPESET * height;
  return box.minY >= band.top - slack && box.maxY <= band.bottom + slack;
}

/**
 * The signs at either end of a typeset number: "€42", "42%", "+42", "$1,299". A piece there is a sign when it stands
 * in line with the digits of its group (a price's cents are a word of their own) and the digit-or-not check calls it
 * one plainly (SIGN_LOGIT), or when the check leans to "not a digit" and it spans the digits taller; beside a
 * single plain digit, when the check calls it a sign plainly and it stands on that digit's lines (plainDigitLine).
 * A number keeps at least one piece. Printed numbers with signs, units and labels read exactly: bench:read's tuning
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
  judgeWide?: (piece: number) => DigitEvidence | undefined,
): EdgeSigns {
  const logitOf = (piece: number) => whole.get(piece)?.digitLogit ?? -Infinity;
  const digits = group.filter((k) => whole.has(k) && logitOf(k) > 0);
  const band = typesetBand(pieces, digits, height);
  const lone = band === null ? plainDigitLine(pieces, digits, logitOf) : null;
  if (band === null && lone === null) return { signs: [], band };
  const isSign = (piece: number) => {
    const box = pieces[piece]!.box;
    if (band === null) {
      // Beside one plain digit ("5%", "€7", "#1"): no line of type to judge by, so only a sign exactly as tall as
      // the digit, top and bottom, that the check plainly calls one (a handwritten 1 beside a 4 stood inside the 4's
      // height, not on its lines).
      if (!standsOn(box, lone!, height)) return false;
      if (whole.has(piece)) return logitOf(piece) < SIGN_LOGIT;
      const width = box.maxX - box.minX + 1;
      if (judgeWide === undefined || width > WIDE_SIGN * height) return false;
      return (judgeWide(piece)?.digitLogit ?? Infinity) < SIGN_LOGIT;
    }
    if (!whole.has(piece)) {
      // A % is wider than a glyph the word rule judges; judged here, in line with printed digits, it is a sign.
      const width = box.maxX - box.minX + 1;
      if (judgeWide === undefined || width > WIDE_SIGN * height || !withinBand(box, band, height)) return false;
      return (judgeWide(piece)?.digitLogit ?? Infinity) < SIGN_LOGIT;
    }
    const logit = logitOf(piece);
    return (logit < SIGN_LOGIT && withinBand(box, band, height)) || (logit < 0 && spansTaller(box, band, height));
  };
  let first = 0;
  let last = word.length - 1;
  while (first < last && isSign(word[first]!)) first++;
  while (last > first && isSign(word[last]!)) last--;
  return { signs: [...word.slice(0, first), ...word.slice(last + 1)], band };
}

/** What edgeSigns found: the signs, and the line the group's digits keep (null when they keep none, as type does). */
export interface EdgeSigns {
  readonly signs: number[];
  readonly band: Band | null;
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
  const rest = word.filter((k) => k !== signs[0] && whole.has(k));
  const digitInLine = (k: number) =>
    (whole.get(k)?.digitLogit ?? -Infinity) >= MIN_DIGIT_LOGIT && standsOn(pieces[k]!.box, band, height);
  return rest.length > 0 && rest.every(digitInLine) ? signs : null;
}
