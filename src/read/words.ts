import { MIN_DIGIT_LOGIT, SURE_DIGIT_LOGIT } from './digit-or-not.js';
import type { DigitEvidence } from './digit-like.js';
import type { InkBox } from './pieces.js';
import { marksWithin } from './marks-within.js';
import { bracketSigns, edgeSigns, SIGN_LOGIT, signBesideNumber, type EdgeSigns, type PieceAsks } from './signs.js';
import { plainDigitLine, slackOf, standsOn, TYPESET, typesetBand, X_TOP, type Band } from './type-line.js';
import { unitAfterNumber, unitBesideNumber } from './units.js';
import { digitLogitOf, loneGlyphLogitOf, type JudgedPieces } from './judged.js';

/**
 * Pieces closer than this share of the digit height belong to one word (letters sit closer than words do). 0.4 split
 * type set with wide letter spacing into words of one letter each, and a lone letter reads as a digit unless its
 * evidence is strong (LONE_LETTER_LOGIT). With 0.8, on six sets composed by Chromium outside the repository (two
 * generators, three seeds each) words answered "no digit" 75.5 -> 86.5, 81.5 -> 90.5, 85.0 -> 91.5 and 74.5 -> 87.5,
 * 74.0 -> 86.5, 76.0 -> 88.5%, every other kind the same or up to a point better; report split touching 92.0 -> 92.5,
 * varied 96.0 -> 96.5; tuning split touching 83.0 -> 82.0 (two numbers with a touching pair the word rule now takes
 * as a word with a letter), canvas 96.0 -> 96.5. 1.0 read the same as 0.8.
 */
const WORD_GAP = 0.8;

/**
 * A lone "letter" is asked whether it is a touching pair (piecesInWords' readsAsDigits) only when no other letter
 * stands in its run of pieces this near each other (share of the digit height): type set with wide letter spacing
 * stands apart letter by letter, and an n, a u or an H reads as two plain digits. On three sets of pictures composed
 * by Chromium (outside the repository), with words split at 0.4 digit heights, asking every lone letter read 1-3.5
 * points more words as digits.
 */
const PAIR_ALONE = 1;
/**
 * ...and only when the digit-or-not check doubts it no further than this: a touching pair of digits seldom falls far
 * below the lone-letter line (the check was fitted with pairs pushed into each other as digits; held out, 99.6% of
 * them at -5 or above), while a V, a u or an n the search cuts into two plain 1s, or a 1 and a 7, mostly sits at -6
 * to -20. On the bench's tuning split of single printed letters (`npm run bench:read -- --digits tune --only letter`)
 * 75.5 -> 81.5% answered "no digit", and no reading of the tuning sets' 11,800 numbers and digits changed (-8: 80.0%;
 * never asking: 81.5%, but a touching "18" of the report split, at -5.1, was lost); report split's letters 67.0 ->
 * 72.5% (docs/BENCHMARKS.md, "Number reader", 2026-12-08). The lone-letter line was -5 then; since it is -7
 * (LONE_LETTER_LOGIT), the pieces asked are those the lone-glyph check calls letters (LONE_GLYPH_LINE).
 */
const PAIR_RESCUE_LOGIT = -6;

/**
 * A piece too wide to judge alone, asked whole, is a letter below a sign's log-odds (held out: 62% of letters, 0.1% of
 * digits; see wideLetter).
 */
const MIN_LONE_LOGIT = SIGN_LOGIT;
/**
 * A word of one piece is a letter or a mark below this log-odds of the digit-or-not check. It was MIN_LONE_LOGIT (-5)
 * until the lone-glyph check (below) came to catch the letters between: on the tuning sets at -7 every single letter
 * answered as before and 6 more of 8,000 lone digits were read (a 0, two 1s, a 5 and two 8s the check put at -5 to
 * -7); at -8 a letter was lost, at -10 four. Report sets: letters as before, lone digits +2 of 8,000
 * (docs/BENCHMARKS.md, "Number reader", 2026-12-08, "a second check").
 */
const LONE_LETTER_LOGIT = -7;
/**
 * ...or below this log-odds of the lone-glyph check (digit-or-not.ts loneGlyphNet), the digit-or-not network fitted
 * on glyphs as the reader renders them too: it tells a printed J, an e or an A (read 3, 8 or 4, above the lone-letter
 * line to the digit-or-not check) from a digit better; alone, in place of that check, it took touching pairs in numbers
 * for letters. Chosen on the tuning sets (docs/BENCHMARKS.md, "Number reader", 2026-12-08, "a second check"): single
 * printed letters 86.0 -> 95.0% "no digit", 8,000 lone digits -5, 500 pushed pairs -2, 1,800 numbers +2; at -6: 93.5%,
 * -4, -1, +2. Report sets: letters 83.0 -> 89.5%, lone digits -1 of 8,000, numbers +1 / -1 of 5,800 (both with the
 * digit-or-not check's lone line at -5).
 */
const LONE_GLYPH_LINE = -5;
/**
 * A word with at least this many plain digits, and more of them than letters, is a number with one misshapen digit
 * (an open 7, a 5 with a hooked bar), not a word: on the tuning split (`npm run bench:read -- --digits tune --count
 * 100`) spaced 93% -> 94%, varied sizes 90% -> 92%, letters unchanged at 92% "no digit"; on 150 printed words
 * rendered with another seed, 135 -> 134 answered "no digit" (one word with three such pieces).
 */
const SURE_DIGITS = 2;

/**
 * The share of a word's judged pieces that must be letters for the word to be letters: a third when its pieces line
 * up as type (typesetBand), where letters shaped like digits (o, l, S, I) pass the check one by one; half when they
 * do not, as handwriting does not: at a third, one odd digit took a handwritten number with it whole (an open 0 the
 * check calls a letter beside a 7, a 5 and a 1: "0751" answered "no digit"). Measured at a half (2026-12-06, scratch
 * sets outside the repository as well as bench:read's saved splits): tuning split spaced 95.5 -> 96.0%, touching
 * 84.0 -> 84.5, signed 73.5 -> 74.5, letters unchanged at 99.5; report split unchanged kind by kind; on four sets
 * composed by another generator (docs/BENCHMARKS.md, sets K and K2) spaced 91.0 -> 91.5% (K tuning) and 96.5 -> 97.0
 * (K2 report), touching 55.5 -> 56.5 (K2 tuning) and 65.0 -> 65.5 (K2 report), the rest unchanged; printed words in
 * DejaVu faces the bench never uses: 95.5% "no digit" either way. At two thirds or all, letters fell to 92-94.5% and
 * 88-92.5% on those sets, and numbers gained nothing more.
 */
const TYPESET_LETTERS = 1 / 3;
const WRITTEN_LETTERS = 1 / 2;

/** Pieces wider than this share of the digit height are not judged alone: they may be several touching glyphs. */
export const MAX_JUDGED_WIDTH = 1.1;
/**
 * Pieces shorter than this share of the digit height are not judged either: a stroke that low is a fragment or a
 * mark (a 5's top bar written off to the right of its body, a dash), and judged alone it is a "letter" that takes the
 * number it stands in with it.
 */
export const MIN_JUDGED_HEIGHT = 0.5;

/**
 * The pieces that stand in words of letters. A word's letters are cut by the search into strokes that look like
 * 1s and 7s, and some letters are shaped like digits (o, l, S): judged one by one, nearly every word yields a few
 * digits. Judged as a word, it does not: when at least a third of a word's whole pieces are not digits (half when
 * they do not line up as type; all of them in a word of one or two), the word is letters and none of its pieces is
 * read, unless plain digits outnumber its letters (SURE_DIGITS). A handwritten number keeps its digits unless half of
 * them fail the digit-or-not check at once.
 * Signs at the ends of a typeset number are left out alone (edgeSigns, bracketSigns): "€42" reads 42, not 642; so
 * are a unit after it, even set a space apart, and brackets and punctuation within it (unitAfterNumber, unitsAlone,
 * marksWithin): "17 kg" and "73 g" read 17 and 73.
 * @param pieces the grouped pieces' boxes, left to right
 * @param whole each judged piece's evidence as a whole (undefined: it normalized to nothing); pieces wider than
 *   MAX_JUDGED_WIDTH or lower than MIN_JUDGED_HEIGHT are absent
 * @param height digit height in working pixels
 * @param asks what the rules may ask of the picture about its pieces (PieceAsks), each only where it needs to
 * @returns the indices of the pieces that stand in words of letters
 */
export function piecesInWords(
  pieces: readonly { readonly box: InkBox }[],
  whole: ReadonlyMap<number, DigitEvidence | undefined>,
  height: number,
  asks: PieceAsks = {},
): Set<number> {
  const { readsAsDigits, leanOf } = asks;
  const judged: JudgedPieces = { pieces, whole, height };
  const order = pieces.map((_, k) => k).sort((a, b) => pieces[a]!.box.minX - pieces[b]!.box.minX);
  // Each word with the group it was split from (splitAtSpaces): signs are told by the line the group's digits keep.
  const groups = groupByGap(pieces, order, WORD_GAP * height);
  const words = groups.flatMap((group) => splitAtSpaces(pieces, group, height).map((word) => ({ word, group })));
  const logitOf = (piece: number) => digitLogitOf(judged, piece);
  const isLetter = (piece: number) => whole.has(piece) && logitOf(piece) < MIN_DIGIT_LOGIT;
  // Runs: pieces joined by gaps of at most PAIR_ALONE (a line of type set with wide letter spacing is one run).
  const lettersInRun = new Map<number, number>();
  for (const run of groupByGap(pieces, order, PAIR_ALONE * height)) {
    const letters = run.filter(isLetter).length;
    for (const piece of run) lettersInRun.set(piece, letters);
  }
  /** Whether no other letter stands in the piece's run: one would make it a letter of spaced type, not a pair. */
  const onlyLetter = (piece: number) => lettersInRun.get(piece) === (isLetter(piece) ? 1 : 0);
  const out = new Set<number>();
  for (const piece of unitsAlone(judged, groups)) out.add(piece);
  for (const { word: all, group } of words) {
    // Lowercase letters are told by the lines they stand on; what is left of the word (a number beside them, "Room
    // 517" set too tight for a space to stand out) is judged as a word of its own.
    const lowercase = lowercaseRun(judged, all);
    for (const piece of lowercase) out.add(piece);
    const word = all.filter((piece) => !lowercase.includes(piece));
    if (word.length === 0) continue;
    let count = 0;
    let letters = 0;
    let loneLetter = false;
    let sure = 0;
    for (const piece of word) {
      if (!whole.has(piece)) continue;
      count++;
      const logit = logitOf(piece);
      if (logit < MIN_DIGIT_LOGIT) letters++;
      if (logit < LONE_LETTER_LOGIT) loneLetter = true;
      if (logit > SURE_DIGIT_LOGIT) sure++;
    }
    if (count === 2 && letters === 1) letters += outOfLine(judged, word, numberLine(judged, word));
    // One piece alone is a letter only on stronger evidence: spaced handwritten digits stand alone too.
    if (count === 1) {
      const alone = word.find((piece) => whole.has(piece))!;
      letters =
        loneLetter || loneGlyphLogitOf(judged, alone) < LONE_GLYPH_LINE || wideCapitalAndLetter(judged, word) ? 1 : 0;
    }
    if (count === 0 && xHeightWord(judged, word)) {
      for (const piece of word) out.add(piece);
      continue;
    }
    if (count === 0 && word.length === 1 && wideLetter(judged, word[0]!, asks.judgeWide)) {
      out.add(word[0]!);
      continue;
    }
    if (
      letters > 0 &&
      word.length === 1 &&
      onlyLetter(word[0]!) &&
      logitOf(word[0]!) >= PAIR_RESCUE_LOGIT &&
      readsAsDigits?.(word[0]!) === true
    )
      letters = 0;
    if (sure >= SURE_DIGITS && sure > letters) letters = 0;
    const letterWord = letters > 0 && letters >= lettersNeeded(judged, word, count);
    let found: EdgeSigns | undefined;
    const edge = () => (found ??= edgeSigns(judged, word, group, asks));
    const signs = letterWord
      ? (bracketSigns(judged, word) ??
        signBesideNumber(judged, word, edge()) ??
        unitBesideNumber(judged, word, group, edge()))
      : edge().signs;
    for (const piece of letterWord && signs === null ? word : (signs ?? [])) out.add(piece);
    if (!letterWord || signs !== null) {
      // What stands off a printed number's line inside the word: a unit after it, brackets, a comma.
      for (const piece of unitAfterNumber(judged, word, group, edge().line, edge().band !== null)) out.add(piece);
      const unsigned = word.filter((k) => !out.has(k));
      for (const piece of marksWithin(judged, unsigned, edge().line, edge().band !== null, leanOf)) out.add(piece);
    }
  }
  return out;
}

/**
 * A word of one piece too wide to be judged alone (MAX_JUDGED_WIDTH: it may be a touching pair) is a letter when the
 * digit-or-not check, asked of it whole, puts it under the lone-letter line (MIN_LONE_LOGIT): a W, an m or a k the
 * search read as `1111`, `177` or `16`. The check was fitted with pairs pushed into each other as digits: on the
 * tuning sets every such piece that was digits (122 touching pairs, 41 lone digits) sat at -0.74 or above, the 9
 * single letters at -5.4 to -18.5 (docs/BENCHMARKS.md, "Number reader", 2026-12-08).
 */
function wideLetter(
  judged: JudgedPieces,
  piece: number,
  judgeWide: ((piece: number) => DigitEvidence | undefined) | undefined,
): boolean {
  const { box } = judged.pieces[piece]!;
  const tall = box.maxY - box.minY + 1 >= MIN_JUDGED_HEIGHT * judged.height;
  if (!tall || box.maxX - box.minX + 1 <= MAX_JUDGED_WIDTH * judged.height || judgeWide === undefined) return false;
  return (judgeWide(piece)?.digitLogit ?? Infinity) < MIN_LONE_LOGIT;
}

/** A unit standing alone after a printed number is at most this many digit heights from it ("73 g"). */
const UNIT_GAP = 2;

/**
 * Units of one letter set a space apart from a printed number, as a group of their own ("73 g", where the g, read 9,
 * stands farther than WORD_GAP from the 3): the letter must hang from the line the number's digits keep as a g does
 * (units.ts unitAfterNumber, which the number's own group asks of its last pieces).
 */
function unitsAlone(judged: JudgedPieces, groups: readonly number[][]): number[] {
  const { pieces, height } = judged;
  const out: number[] = [];
  groups.forEach((group, i) => {
    const before = groups[i - 1];
    const k = group[0]!;
    if (group.length !== 1 || before === undefined || !judged.whole.has(k)) return;
    if (pieces[k]!.box.minX - pieces[before[before.length - 1]!]!.box.maxX > UNIT_GAP * height) return;
    const band = typesetBand(
      pieces,
      before.filter((j) => digitLogitOf(judged, j) > 0),
      height,
    );
    if (band !== null) out.push(...unitAfterNumber(judged, [k], [...before, k], band, true));
  });
  return out;
}

/**
 * How many of a word's judged pieces must be letters for it to be a word of letters: all of one or two, else a share
 * by whether the pieces line up as type (TYPESET_LETTERS, WRITTEN_LETTERS).
 */
function lettersNeeded(judged: JudgedPieces, word: readonly number[], count: number): number {
  const { pieces, whole, height } = judged;
  if (count <= 2) return count;
  const typeset =
    typesetBand(
      pieces,
      word.filter((k) => whole.has(k)),
      height,
    ) !== null;
  return Math.ceil(count * (typeset ? TYPESET_LETTERS : WRITTEN_LETTERS));
}

/** A word needs at least this many pieces on its x-line to be told lowercase by its lines (lowercaseRun). */
const X_LINE_PIECES = 2;
/** An x-height piece is this share of the word's tallest glyph on the baseline, at most and at least. */
const X_HEIGHT_MAX = 0.8;
const X_HEIGHT_MIN = 0.4;
/** ...and at most this share where a letter hanging below the baseline tops out with it (lowercaseRun). */
const X_HEIGHT_BESIDE_DESCENDER = 0.9;
/** A descender hangs below the baseline by at least this share of the x-height. */
const DESCENDER = 0.25;
/**
 * A neighbour nearer than this many times the lowercase letters' median gap, or than X_GAP x-heights (letters set
 * nearly touching, a capital A's slope), is a letter of their word; a space is half an x-height or more.
 */
const LETTER_GAP = 2;
const X_GAP = 0.3;

/**
 * The pieces of a word that stand on the lines of lowercase type, left to right: a run from the first piece that
 * tops out at an x-height well below the word's tallest glyph (or hangs from that x-line below the baseline: a
 * descender) to the last, with the capitals and ascenders set as near as its letters are to each other. Told only
 * when at least X_LINE_PIECES pieces share the x-line, every piece of the word stands on one baseline (within TYPESET
 * of the tallest glyph's height) or hangs from the x-line, none is off both lines, and either the other pieces top out
 * on one line too (capitals, ascenders) or the digit-or-not check leans to "no digit" (log-odds below 0) for one of
 * the short pieces at least. Lining figures, every typeface's default, stand as tall as each other: "bus", "hello",
 * "Hotel", "Zoo" are lowercase by their lines, though the check takes most of their letters for digits (o for 0, s
 * for 5, t and l for 1), while handwritten digits seldom line up within a few percent of their height. A word whose
 * tallest glyph is a t ("stop" in Liberation Sans: x-height 0.84 of it) is told only by a letter hanging below the
 * baseline from the x-line (the p): at 0.85 without one, handwritten numbers of two sizes were taken for words
 * (docs/BENCHMARKS.md); with one ("stop", "step"), 5 words more answered "no digit" over the saved splits and no
 * handwritten number lost (2026-12-07). Old-style
 * figures (Georgia's 0, 1 and 2 sit at x-height beside a taller 6 or 8) stand as lowercase does: a number set in them
 * reads as a word.
 * @returns the run's pieces (none when the word is not lowercase type)
 */
function lowercaseRun(judged: JudgedPieces, word: readonly number[]): number[] {
  const { pieces, whole } = judged;
  if (word.length <= X_LINE_PIECES) return [];
  const boxes = word.map((k) => pieces[k]!.box);
  const baseline = boxes.map((b) => b.maxY).sort((a, b) => a - b)[boxes.length >> 1]!;
  const tallest = Math.max(...boxes.map((b) => b.maxY - b.minY + 1));
  // Half a pixel more: round letters overshoot the lines (the o of "hello" in DejaVu Sans Mono bold: 2 px at 42).
  const slack = Math.max(1, TYPESET * tallest) + 0.5;
  const stands = (b: InkBox) => Math.abs(b.maxY - baseline) <= slack;
  const standing = boxes.filter(stands);
  if (standing.length === 0) return [];
  const capTop = Math.min(...standing.map((b) => b.minY));
  const cap = baseline - capTop + 1;
  let highest = X_HEIGHT_MAX;
  const short = (b: InkBox) => {
    const h = b.maxY - b.minY + 1;
    return stands(b) && h <= highest * cap && h >= X_HEIGHT_MIN * cap;
  };
  // The x-line: the top most short pieces share (within the slack either way).
  let xLine = -1;
  let most = 0;
  for (const b of boxes.filter(short)) {
    const n = boxes.filter((c) => short(c) && Math.abs(c.minY - b.minY) <= slack).length;
    if (n > most) [most, xLine] = [n, b.minY];
  }
  if (most === 0) {
    // Where a t is the tallest glyph ("stop": its s and o 0.81-0.86 as tall), a letter hanging below the baseline
    // marks the x-line: its top, shared by pieces standing on the baseline up to X_HEIGHT_BESIDE_DESCENDER as tall.
    highest = X_HEIGHT_BESIDE_DESCENDER;
    for (const b of boxes.filter((c) => c.maxY > baseline + slack)) {
      const n = boxes.filter((c) => short(c) && Math.abs(c.minY - b.minY) <= slack).length;
      if (n > most) [most, xLine] = [n, b.minY];
    }
  }
  if (most === 0) {
    // A letter hanging alone with no x-height letter beside it ("7 kg": the k an ascender, the g's top the x-line) is
    // lowercase only as one after a capital (capitalAndLetter, below).
    const hanging = boxes.filter((c) => c.maxY > baseline + slack);
    if (hanging.length !== 1) return [];
    xLine = hanging[0]!.minY;
  }
  const xHeight = baseline - xLine + 1;
  const onXLine = (b: InkBox) => Math.abs(b.minY - xLine) <= slack;
  const descends = (b: InkBox) => onXLine(b) && b.maxY >= baseline + DESCENDER * xHeight;
  // Every glyph of a line of type stands on its baseline or hangs from its x-line: digits of varied sizes written
  // along a ruled line share a baseline too, but seldom all of them within a few percent.
  if (boxes.some((b) => !stands(b) && !descends(b))) return [];
  // One x-height piece is lowercase only right after a capital the check plainly calls no digit, near as letters are,
  // with every other judged piece of the word a plain digit: the "No" of "No. 3" set close to its number.
  const capitalAndLetter = (i: number): number[] => {
    const logitOf = (k: number) => digitLogitOf(judged, k);
    if (i === 0 || !whole.has(word[i - 1]!) || logitOf(word[i - 1]!) >= SIGN_LOGIT) return [];
    const capital = boxes[i - 1]!;
    if (Math.abs(capital.minY - capTop) > slack || boxes[i]!.minX - capital.maxX > X_GAP * xHeight) return [];
    const rest = word.filter((k, j) => j !== i && j !== i - 1 && whole.has(k));
    return rest.every((k) => logitOf(k) > SURE_DIGIT_LOGIT) ? word.slice(i - 1, i + 1) : [];
  };
  const lower = boxes.flatMap((b, i) => ((short(b) && onXLine(b)) || descends(b) ? [i] : []));
  if (lower.length < X_LINE_PIECES) return lower.length === 1 ? capitalAndLetter(lower[0]!) : [];
  // Handwritten digits of two sizes can stand so by chance (a 6161 with short 1s). Type keeps a third line as well,
  // where its capitals and ascenders top out ("Zoo", "Book", whose o's the check takes for 0s); a word without it
  // (a t stands between the lines) is lowercase only when the check leans to "no digit" for a short piece at least.
  const leans = (i: number) => whole.has(word[i]!) && digitLogitOf(judged, word[i]!) < 0;
  const capLine = boxes.every((b, i) => lower.includes(i) || Math.abs(b.minY - capTop) <= slack);
  if (!capLine && !lower.some(leans)) return [];
  // Word order is left to right (groupByGap); the gaps between neighbours, and the letters' own.
  const gap = (i: number) => boxes[i + 1]!.minX - boxes[i]!.maxX;
  let first = lower[0]!;
  let last = lower[lower.length - 1]!;
  const inside = Array.from({ length: last - first }, (_, k) => gap(first + k)).sort((a, b) => a - b);
  const near = Math.max(LETTER_GAP * inside[inside.length >> 1]!, X_GAP * xHeight);
  while (first > 0 && gap(first - 1) <= near) first--;
  while (last < boxes.length - 1 && gap(last) <= near) last++;
  return word.slice(first, last + 1);
}

/** A lowercase letter's top or a descender's bottom lies this share of the digits' height off their line. */
const OFF_LINE = 0.1;

/**
 * How many judged pieces of a two-piece word that the check takes for digits stand out of the line a printed number
 * beside them keeps (the plain digits of the other words): the o of "No. 42", sitting an x-height tall, and the g of
 * "76 kg", hanging below. A word of two is letters only when both pieces are, so that a handwritten two-digit number
 * with one odd digit stays whole; out of a printed line, a piece shaped like a digit is a lowercase letter.
 */
function outOfLine(judged: JudgedPieces, word: readonly number[], band: Band | null): number {
  const { pieces, whole } = judged;
  const logitOf = (piece: number) => digitLogitOf(judged, piece);
  if (band === null) return 0;
  const off = OFF_LINE * (band.bottom - band.top + 1);
  return word.filter((k) => {
    if (!whole.has(k) || logitOf(k) < MIN_DIGIT_LOGIT) return false;
    const box = pieces[k]!.box;
    return box.minY > band.top + off || box.maxY > band.bottom + off;
  }).length;
}

/**
 * Whether a word of two pieces is a capital too wide to be judged (N, M, W) and a letter out of the line of a printed
 * number beside it: "No. 542", whose N the search cut into 111 and whose o it read 0. The capital stands on the
 * number's line top to bottom, as no two handwritten digits beside a printed number do.
 */
function wideCapitalAndLetter(judged: JudgedPieces, word: readonly number[]): boolean {
  const { pieces, whole, height } = judged;
  if (word.length !== 2) return false;
  const band = numberLine(judged, word);
  const capital = word.find((k) => !whole.has(k));
  if (capital === undefined || band === null || outOfLine(judged, word, band) !== 1) return false;
  return standsOn(pieces[capital]!.box, band, height);
}

/**
 * Whether a word of pieces too wide to judge (m, w) stands at x-height on the line of a printed number beside it:
 * "5 mm", whose m's the search cut into 1s and 7s. Each tops out well below the number's top and stands on its
 * baseline, as no lining figure does.
 */
function xHeightWord(judged: JudgedPieces, word: readonly number[]): boolean {
  const { pieces, height } = judged;
  const band = numberLine(judged, word);
  if (band === null) return false;
  const lineHeight = band.bottom - band.top + 1;
  const slack = slackOf(height);
  return word.every((k) => {
    const box = pieces[k]!.box;
    return box.minY >= band.top + X_TOP * lineHeight && Math.abs(box.maxY - band.bottom) <= slack;
  });
}

/**
 * The line the printed number beside a word keeps: the lines of the other pieces the check takes for digits, or beside
 * a number of one printed digit ("No. 7") that digit's own lines (type-line.ts plainDigitLine).
 */
function numberLine(judged: JudgedPieces, word: readonly number[]): Band | null {
  const { pieces, whole, height } = judged;
  const logitOf = (piece: number) => digitLogitOf(judged, piece);
  const others = pieces.flatMap((_, k) => (!word.includes(k) && whole.has(k) && logitOf(k) > 0 ? [k] : []));
  return typesetBand(pieces, others, height) ?? plainDigitLine(pieces, others, logitOf);
}

/** A word of at least this many pieces is split at its spaces (splitAtSpaces). */
const SPACED_FROM = 4;
/**
 * A gap this many times the word's median gap (the lower of two middle ones), and at least SPACE_MIN digit heights, is
 * a space between words.
 */
const SPACE_FACTOR = 3;
const SPACE_MIN = 0.25;

/**
 * A group of pieces split where one gap stands out from the others: printed type sets a label one space from its
 * number ("Park 42"), nearer than WORD_GAP, while its letters sit much nearer each other. Letters spaced evenly, even
 * widely, stay one word. "Room 42", "Park 42", "Kern 42", "TAXI 42", "Total 129" printed by Chromium in Liberation
 * Sans, Serif and Mono and DejaVu Sans at 64 px: 4 of 24 read right before (Mono only), 21 after. The tuning split
 * reads every picture as before, the report split and seven sets built outside the repository the same kind by kind
 * but for two words (bold italic monospaced "Exit" and "wifi", a letter set apart, now read "18" and "64181").
 * With an even count of gaps the lower middle one is the median: "Apt 12" (gaps 6, 4, 22, 9 px) hid its space below
 * three times the upper one (9) and was answered "no digit" in 5 of 8 faces (2026-12-07: all 8 read 12 now).
 */
function splitAtSpaces(pieces: readonly { readonly box: InkBox }[], word: number[], height: number): number[][] {
  if (word.length < SPACED_FROM) return [word];
  const gaps: number[] = [];
  let right = pieces[word[0]!]!.box.maxX;
  for (const piece of word.slice(1)) {
    const box = pieces[piece]!.box;
    gaps.push(box.minX - right);
    right = Math.max(right, box.maxX);
  }
  const median = [...gaps].sort((a, b) => a - b)[(gaps.length - 1) >> 1]!;
  const space = Math.max(SPACE_FACTOR * Math.max(0, median), SPACE_MIN * height);
  const out: number[][] = [[word[0]!]];
  gaps.forEach((gap, i) => {
    if (gap > space) out.push([]);
    out[out.length - 1]!.push(word[i + 1]!);
  });
  return out;
}

/** The pieces (indices, left to right) in groups split where the gap between neighbours exceeds `gap` pixels. */
function groupByGap(pieces: readonly { readonly box: InkBox }[], order: readonly number[], gap: number): number[][] {
  const groups: number[][] = [];
  let right = -Infinity;
  for (const piece of order) {
    const box = pieces[piece]!.box;
    if (groups.length === 0 || box.minX - right > gap) groups.push([]);
    groups[groups.length - 1]!.push(piece);
    right = Math.max(right, box.maxX);
  }
  return groups;
}
