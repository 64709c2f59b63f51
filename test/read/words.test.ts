import { describe, expect, it } from 'vitest';
import type { DigitEvidence } from '../../src/read/digit-like.js';
import { MIN_DIGIT_LOGIT } from '../../src/read/digit-or-not.js';
import { piecesInWords } from '../../src/read/words.js';

const HEIGHT = 40;
/** Pieces 24 px wide, `gaps` px apart (a gap over 0.8 x 40 = 32 px starts a new word). */
function pieces(gaps: readonly number[]): { box: { minX: number; minY: number; maxX: number; maxY: number } }[] {
  let x = 0;
  return [0, ...gaps].map((gap) => {
    x += gap;
    const box = { minX: x, minY: 0, maxX: x + 23, maxY: HEIGHT - 1 };
    x += 24;
    return { box };
  });
}
type Box = { minX: number; minY: number; maxX: number; maxY: number };
const evidence = (digitLogit: number): DigitEvidence => ({ scores: [], confidence: 1, digitLogit });
const judged = (logits: readonly number[]) => new Map(logits.map((l, k) => [k, evidence(l)] as const));
const LETTER = MIN_DIGIT_LOGIT - 1;
const DIGIT = 5;

describe('piecesInWords', () => {
  it('leaves out a whole word when a third of its pieces are letters', () => {
    const word = pieces([4, 4, 4, 4]);
    expect([...piecesInWords(word, judged([DIGIT, LETTER, DIGIT, LETTER, DIGIT]), HEIGHT)]).toEqual([0, 1, 2, 3, 4]);
    expect(piecesInWords(word, judged([DIGIT, LETTER, DIGIT, DIGIT, DIGIT]), HEIGHT).size).toBe(0);
  });

  it('needs half the pieces of a word that does not line up as type: one odd digit leaves a handwritten number whole', () => {
    // Handwriting: each piece's top and bottom off its neighbours' by 3-5 px (type keeps them within 4% of 40 px).
    const written = pieces([4, 4, 4]).map(({ box }, k) => ({
      box: { ...box, minY: box.minY + [0, 5, 2, 8][k]!, maxY: box.maxY - [4, 0, 7, 3][k]! },
    }));
    expect(piecesInWords(written, judged([LETTER, DIGIT, DIGIT]), HEIGHT).size).toBe(0);
    expect(piecesInWords(written, judged([LETTER, DIGIT, LETTER, DIGIT]), HEIGHT).size).toBe(4);
    // The same pieces set in line, as type: a third is enough ("0751" printed would be a word with an O).
    expect(piecesInWords(pieces([4, 4]), judged([LETTER, DIGIT, DIGIT]), HEIGHT).size).toBe(3);
  });

  it('parts a label from its number at a space three times its letters\' lower median gap ("Apt 12")', () => {
    // A, p, t 6 and 4 px apart, the space 22 px, the digits 9 px apart: the median of all four gaps (9) hid the space.
    const line = pieces([6, 4, 22, 9]);
    expect([...piecesInWords(line, judged([LETTER, LETTER, LETTER, 13.6, 23.1]), HEIGHT)]).toEqual([0, 1, 2]);
  });

  it('parts a label from its number at one space when its letters sit much nearer each other (printed "Park 42")', () => {
    // Letters 3 px apart, the space 16 px (0.4 digit heights, under the 32 px that start a new word), digits 5 px apart.
    const line = pieces([3, 3, 3, 16, 5]);
    const logits = [LETTER, LETTER, DIGIT, LETTER, DIGIT, DIGIT];
    expect([...piecesInWords(line, judged(logits), HEIGHT)]).toEqual([0, 1, 2, 3]);
    // Letters set as wide apart as the space stay one word with the number: no gap stands out.
    expect(piecesInWords(pieces([16, 16, 16, 16, 16]), judged(logits), HEIGHT).size).toBe(6);
  });

  it('needs every piece of a two-piece word, and strong evidence for a piece alone', () => {
    expect(piecesInWords(pieces([4]), judged([LETTER, DIGIT]), HEIGHT).size).toBe(0);
    expect(piecesInWords(pieces([4]), judged([LETTER, LETTER]), HEIGHT).size).toBe(2);
    expect(piecesInWords(pieces([]), judged([MIN_DIGIT_LOGIT - 1]), HEIGHT).size).toBe(0);
    expect(piecesInWords(pieces([]), judged([-20]), HEIGHT).size).toBe(1);
  });

  it('takes a piece alone for a letter when the lone-glyph check puts it under its line, though the word check passes it', () => {
    // A printed t: -2 to the digit-or-not check (where many lone handwritten 1s sit), -7 to the lone-glyph check.
    const lone = (digitLogit: number, loneGlyphLogit: number) =>
      new Map([[0, { ...evidence(digitLogit), loneGlyphLogit }] as const]);
    expect([...piecesInWords(pieces([]), lone(-2, -7), HEIGHT)]).toEqual([0]);
    expect(piecesInWords(pieces([]), lone(-2, -4), HEIGHT).size).toBe(0);
    // In a word of three, the lone-glyph check is not asked: three pieces the word check calls digits stay digits.
    const three = new Map([0, 1, 2].map((k) => [k, { ...evidence(DIGIT), loneGlyphLogit: -7 }] as const));
    expect(piecesInWords(pieces([4, 4]), three, HEIGHT).size).toBe(0);
    // A touching pair the lone-glyph check doubts is still asked whether it reads as two digits.
    const asked: number[] = [];
    const pair = (piece: number) => (asked.push(piece), true);
    expect(piecesInWords(pieces([]), lone(-2, -7), HEIGHT, { readsAsDigits: pair }).size).toBe(0);
    expect(asked).toEqual([0]);
  });

  it('asks whether a lone letter is a touching pair, and only a lone one the check doubts mildly', () => {
    const asked: number[] = [];
    const pair = (piece: number) => (asked.push(piece), true);
    // A piece alone at -5.5 is a letter only when the lone-glyph check says so too (the digit-or-not line is -7).
    const doubted = new Map([[0, { ...evidence(-5.5), loneGlyphLogit: -7 }] as const]);
    expect(piecesInWords(pieces([]), judged([-5.5]), HEIGHT).size).toBe(0);
    expect(piecesInWords(pieces([]), doubted, HEIGHT, { readsAsDigits: pair }).size).toBe(0);
    expect(asked).toEqual([0]);
    expect(piecesInWords(pieces([]), doubted, HEIGHT, { readsAsDigits: () => false }).size).toBe(1);
    // Plainly a letter (a V the search cuts into two plain 1s): not asked, whatever its pieces read as.
    asked.length = 0;
    expect(piecesInWords(pieces([]), judged([-20]), HEIGHT, { readsAsDigits: pair }).size).toBe(1);
    expect(asked).toEqual([]);
    // In a word of three, the u of "bus" read as two 1s is still a letter.
    asked.length = 0;
    expect(piecesInWords(pieces([4, 4]), judged([LETTER, LETTER, LETTER]), HEIGHT, { readsAsDigits: pair }).size).toBe(
      3,
    );
    expect(asked).toEqual([]);
    // Letters set wide apart (36 px: words of their own, within a digit height of each other): an n read as two 1s
    // beside its r is still a letter; beside a plain digit, a lone "letter" is asked.
    expect(piecesInWords(pieces([36]), judged([-20, -20]), HEIGHT, { readsAsDigits: pair }).size).toBe(2);
    expect(asked).toEqual([]);
    const besideDigit = new Map([
      [0, evidence(20)],
      [1, { ...evidence(-5.5), loneGlyphLogit: -7 }],
    ] as const);
    expect(piecesInWords(pieces([36]), besideDigit, HEIGHT, { readsAsDigits: pair }).size).toBe(0);
    expect(asked).toEqual([1]);
  });

  it('asks the check of a lone piece too wide to judge alone: a W is a letter, a touching pair is not', () => {
    // 60 px wide (1.5 digit heights): not judged alone, as a touching pair may be that wide.
    const wide = [{ box: { minX: 0, minY: 0, maxX: 59, maxY: HEIGHT - 1 } }];
    const asked: number[] = [];
    const judge = (logit: number) => (piece: number) => (asked.push(piece), evidence(logit));
    expect([...piecesInWords(wide, new Map(), HEIGHT, { judgeWide: judge(-12) })]).toEqual([0]);
    expect(asked).toEqual([0]);
    expect(piecesInWords(wide, new Map(), HEIGHT, { judgeWide: judge(-0.7) }).size).toBe(0);
    expect(piecesInWords(wide, new Map(), HEIGHT).size).toBe(0);
  });

  it('keeps a number whose plain digits outnumber its letters, and a word whose letters are as many', () => {
    const word = pieces([4, 4]);
    expect(piecesInWords(word, judged([20, LETTER, 20]), HEIGHT).size).toBe(0);
    expect(piecesInWords(word, judged([DIGIT, LETTER, 20]), HEIGHT).size).toBe(3);
    const longer = pieces([4, 4, 4, 4]);
    expect(piecesInWords(longer, judged([20, LETTER, 20, LETTER, DIGIT]), HEIGHT).size).toBe(5);
  });

  it('keeps the letters of type set with wide letter spacing in one word', () => {
    // 24 px apart, 0.6 digit heights: each letter alone would be too weak a "letter" to leave out.
    expect(piecesInWords(pieces([24, 24]), judged([LETTER, LETTER, DIGIT]), HEIGHT).size).toBe(3);
  });

  it('judges each word on its own: a wide gap separates a word from a number', () => {
    const row = pieces([4, 4, 40, 4]); // "abc  12"
    expect([...piecesInWords(row, judged([LETTER, LETTER, DIGIT, DIGIT, DIGIT]), HEIGHT)]).toEqual([0, 1, 2]);
  });

  it('does not count pieces it could not judge whole (too wide: touching digits)', () => {
    const row = pieces([4, 4]);
    const onlyOne = new Map([[1, evidence(LETTER)]]);
    expect([...piecesInWords(row, onlyOne, HEIGHT)]).toEqual([]);
    onlyOne.set(1, evidence(-20));
    expect([...piecesInWords(row, onlyOne, HEIGHT)]).toEqual([0, 1, 2]);
  });

  it('leaves out the signs at the ends of a typeset number ("€42", "42%", "+421%")', () => {
    const row = pieces([4, 4]);
    expect([...piecesInWords(row, judged([-20, 20, 20]), HEIGHT)]).toEqual([0]);
    expect([...piecesInWords(row, judged([20, 20, -20]), HEIGHT)]).toEqual([2]);
    expect([...piecesInWords(pieces([4, 4, 4, 4]), judged([-20, 20, 20, 20, -20]), HEIGHT)]).toEqual([0, 4]);
    // A sign inside a number is not at its end: "4+2" keeps its plus for the search to skip or read.
    expect(piecesInWords(row, judged([20, -20, 20]), HEIGHT).size).toBe(0);
  });

  it('leaves out a sign beside a typeset number that the word rule counted as letters ("#86", "+58")', () => {
    const row = pieces([4, 4]);
    // One digit not plainly one (log-odds 4): the sign alone is the third of three pieces that makes type a word.
    expect([...piecesInWords(row, judged([-20, 4, 13]), HEIGHT)]).toEqual([0]);
    expect([...piecesInWords(row, judged([4, 13, -20]), HEIGHT)]).toEqual([2]);
    // Signs at both ends leave the middle of a word ("Room" without its R and m): all of it is a word.
    expect(piecesInWords(pieces([4, 4, 4]), judged([-20, 4, 13, -20]), HEIGHT).size).toBe(4);
    // A letter among the rest: a word.
    expect(piecesInWords(pieces([4, 4, 4]), judged([-20, 13, LETTER, 13]), HEIGHT).size).toBe(4);
    // "No 65" (a space, so two words): the o passes the check but stands an x-height tall, off the digits' line.
    const label = pieces([4, 24, 5]).map((p, k) => (k === 1 ? { box: { ...p.box, minY: 14 } } : p));
    expect([...piecesInWords(label, judged([-20, 13, 13, 13]), HEIGHT)]).toEqual([0, 1]);
  });

  it('tells "No" from a number of one printed digit by that digit\'s lines ("No. 7", "No 3")', () => {
    const short = (p: ReturnType<typeof pieces>[number]) => ({ box: { ...p.box, minY: 14 } });
    // "No" a word apart from its one digit: the o passes the check but stands off the 7's lines.
    const apart = pieces([4, 40]).map((p, k) => (k === 1 ? short(p) : p));
    expect([...piecesInWords(apart, judged([-20, 13, 13]), HEIGHT)]).toEqual([0, 1]);
    // "No" set close to its digit, one word: a capital plainly no digit, then one x-height letter.
    const close = pieces([4, 20]).map((p, k) => (k === 1 ? short(p) : p));
    expect([...piecesInWords(close, judged([-20, 13, 13]), HEIGHT)]).toEqual([0, 1]);
    // The same shapes with a piece after them that is not plainly a digit ("Caf" of "Café"): a word, left out whole.
    expect(piecesInWords(close, judged([-20, 13, 3]), HEIGHT).size).toBe(3);
  });

  it('takes no end of a handwritten number for a sign: digits out of line, or one digit, give no line to judge by', () => {
    const row = pieces([4, 4]);
    // The same word as a typeset "€42", its digits' tops 6 px (0.15 digit heights) apart: a pair joined at the end.
    const uneven = row.map((p, k) => (k === 2 ? { box: { ...p.box, minY: 6 } } : p));
    expect(piecesInWords(uneven, judged([-20, 20, 20]), HEIGHT).size).toBe(0);
    // Beside one digit, a mark inside its height but off its lines (a slanted handwritten 1 beside a 4, -6.5 to the
    // check) stays; only one beyond doubt (under -8) goes.
    const slanted = pieces([4]).map((p, k) => (k === 0 ? { box: { ...p.box, minY: 3, maxY: HEIGHT - 6 } } : p));
    expect(piecesInWords(slanted, judged([-6.5, 20]), HEIGHT).size).toBe(0);
  });

  it('leaves out a sign beside one digit only when it stands on the digit\'s lines ("5%", "€7")', () => {
    expect([...piecesInWords(pieces([4]), judged([-20, 20]), HEIGHT)]).toEqual([0]);
    expect([...piecesInWords(pieces([4]), judged([20, -20]), HEIGHT)]).toEqual([1]);
    // A digit not plainly one (log-odds 5) lends its lines too: the sign is plainly one.
    expect([...piecesInWords(pieces([4]), judged([-20, 5]), HEIGHT)]).toEqual([0]);
    // A mark the check does not plainly call a sign (log-odds -4) stays for the search to read or skip.
    expect(piecesInWords(pieces([4]), judged([-4, 20]), HEIGHT).size).toBe(0);
    // A % too wide to be judged alone, beside one digit, as tall as it: judged here.
    const percent = pieces([4]).map((p, k) => (k === 1 ? { box: { ...p.box, maxX: p.box.minX + 47 } } : p));
    const judge = (piece: number) => (piece === 1 ? evidence(-20) : undefined);
    expect([...piecesInWords(percent, new Map([[0, evidence(20)]]), HEIGHT, { judgeWide: judge })]).toEqual([1]);
  });

  it('leaves out brackets that span a typeset number taller, even where the check doubts they are letters', () => {
    const row = pieces([4, 4, 4]).map((p, k) =>
      k === 0 || k === 3 ? { box: { ...p.box, minY: -6, maxY: HEIGHT + 5 } } : p,
    );
    // "(42)": brackets the check calls letters make the word one of letters by count; the brackets alone go.
    expect([...piecesInWords(row, judged([LETTER, 20, 20, LETTER]), HEIGHT)]).toEqual([0, 3]);
    // A bracket the check half takes for a 1 (log-odds -1) is left out all the same.
    expect([...piecesInWords(row, judged([-1, 20, 20, -1]), HEIGHT)]).toEqual([0, 3]);
    // Letters as tall as the digits around them stay a word of letters ("T42X" is no bracketed number).
    expect(piecesInWords(pieces([4, 4, 4]), judged([LETTER, 20, 20, LETTER]), HEIGHT).size).toBe(4);
  });

  it('judges a sign too wide for the word rule only at an end of a printed number, and only when asked', () => {
    // "42%": the % (piece 2) is 60 px wide, 1.5 digit heights, so it has no evidence as a whole.
    const row = pieces([4, 4]).map((p, k) => (k === 2 ? { box: { ...p.box, maxX: p.box.minX + 59 } } : p));
    const whole = new Map([0, 1].map((k) => [k, evidence(20)] as const));
    const asked: number[] = [];
    const judge = (logit: number) => (piece: number) => (asked.push(piece), evidence(logit));
    expect([...piecesInWords(row, whole, HEIGHT, { judgeWide: judge(-20) })]).toEqual([2]);
    expect(asked).toEqual([2]);
    // A wide piece the check would call a digit (a touching pair of printed digits) stays.
    expect(piecesInWords(row, whole, HEIGHT, { judgeWide: judge(5) }).size).toBe(0);
    // Beside digits out of line (handwriting) it is not asked at all.
    asked.length = 0;
    const uneven = row.map((p, k) => (k === 1 ? { box: { ...p.box, minY: 6 } } : p));
    expect(piecesInWords(uneven, whole, HEIGHT, { judgeWide: judge(-20) }).size).toBe(0);
    expect(asked).toEqual([]);
  });

  it('takes a short word beside a printed number for letters when a piece shaped like a digit stands off its line', () => {
    // "No 42": N (a letter), o (a 0 to the check, but x-height: its top 12 px below the digits'), a space, 4, 2.
    const line = pieces([3, 18, 4]).map((p, k) => (k === 1 ? { box: { ...p.box, minY: 12 } } : p));
    expect([...piecesInWords(line, judged([LETTER, 20, 20, 20]), HEIGHT)]).toEqual([0, 1]);
    // The same o in the digits' line is a digit: the word is no label, and only its first piece goes, as a sign the
    // check leans against (log-odds -4) in line with plain digits.
    expect([...piecesInWords(pieces([3, 18, 4]), judged([LETTER, 20, 20, 20]), HEIGHT)]).toEqual([0]);
    // Beside a digit the check doubts, it stays (a handwritten pair).
    expect(piecesInWords(pieces([3, 18, 4]), judged([LETTER, 5, 20, 20]), HEIGHT).size).toBe(0);
    // With no printed number beside it, nothing to measure against: the word stays too.
    expect(
      piecesInWords(
        pieces([3]).map((p, k) => (k === 1 ? { box: { ...p.box, minY: 12 } } : p)),
        judged([LETTER, 20]),
        HEIGHT,
      ).size,
    ).toBe(0);
  });
  it('takes a word on the lines of lowercase type for letters, though the check takes most for digits ("bus")', () => {
    /** Pieces 24 px wide, 4 px apart, with these tops, standing on row 39 unless `bottoms` says otherwise. */
    const line = (tops: readonly number[], bottoms: Readonly<Record<number, number>> = {}) =>
      tops.map((minY, k) => ({ box: { minX: 28 * k, minY, maxX: 28 * k + 23, maxY: bottoms[k] ?? 39 } }));
    /** Log-odds: plain digits but for the pieces named, which the check leans to call no digit (-1). */
    const doubted = (n: number, ...letters: number[]) =>
      judged(Array.from({ length: n }, (_, k) => (letters.includes(k) ? -1 : 20)));
    const left = (tops: readonly number[], logits: Map<number, DigitEvidence>, bottoms = {}) =>
      piecesInWords(line(tops, bottoms), logits, HEIGHT).size;
    // "bus": an ascender and two x-height letters on one baseline; the check doubts the u.
    expect(left([0, 12, 12], doubted(3, 1))).toBe(3);
    // A round letter overshoots the baseline by 2 px (5% of 40): still on it.
    expect(left([0, 12, 12], doubted(3, 1), { 2: 41 })).toBe(3);
    // "stop": s and o at x-height, t between the lines, p hanging from the x-line below the baseline.
    expect(left([12, 4, 12, 12], doubted(4, 3), { 3: 50 })).toBe(4);
    // The same word where the t is the tallest glyph and the s and o stand 0.85 as tall: the p's top marks the x-line.
    expect(left([6, 0, 6, 6], doubted(4, 3), { 3: 50 })).toBe(4);
    // Without a letter hanging below the baseline, pieces 0.85 as tall as the tallest are no x-height letters.
    expect(left([6, 0, 6, 6], doubted(4, 3))).toBe(0);
    // "Zoo", "Book": no letter the check doubts, but capitals and ascenders top out on a line of their own.
    expect(left([0, 12, 12], doubted(3))).toBe(3);
    expect(left([0, 12, 12, 1], doubted(4))).toBe(4);
    // Handwritten 6161 with short 1s standing so by chance: the 6s top out 5 px apart, and the check calls every
    // piece a digit.
    expect(left([0, 12, 5, 12], doubted(4))).toBe(0);
    // Lining figures stand as tall as each other: a typeset number keeps its digits.
    expect(left([0, 0, 0], doubted(3, 1))).toBe(0);
    // One short piece is no x-line ("7a" is not lowercase type).
    expect(left([0, 12, 0], doubted(3, 1))).toBe(0);
    // Digits of varied sizes written along a line: two small ones top out together, but one stands off the baseline.
    expect(left([0, 12, 12, 2], doubted(4, 1), { 3: 33 })).toBe(0);
    // Small digits whose tops do not line up are no x-line either.
    expect(left([0, 12, 20], doubted(3, 1))).toBe(0);
  });

  it('keeps a number set beside lowercase letters in one word ("Room 517" with no space that stands out)', () => {
    // R, o, o, m 4 px apart, then 5, 1, 7 from 10 px on: the capital goes with its letters, the digits stay.
    const tops = [0, 12, 12, 12, 0, 0, 0];
    const lefts = [0, 28, 56, 84, 118, 146, 174];
    const row = tops.map((minY, k) => ({ box: { minX: lefts[k]!, minY, maxX: lefts[k]! + 23, maxY: 39 } }));
    const logits = judged(tops.map((top) => (top === 12 ? -1 : 20)));
    expect([...piecesInWords(row, logits, HEIGHT)].sort()).toEqual([0, 1, 2, 3]);
  });

  it('leaves out signs that stand off the lines no lining figure leaves ("+780", "€361", "$1")', () => {
    const at = (boxes: Readonly<Record<number, Partial<Box>>>, gaps: readonly number[]) =>
      pieces(gaps).map((p, k) => ({ box: { ...p.box, ...boxes[k] } }));
    // A plus clear of both lines (top 6 px low, bottom 6 px high), which the check only leans against.
    expect([...piecesInWords(at({ 0: { minY: 6, maxY: 33 } }, [4, 4, 4]), judged([-1, 20, 20, 20]), HEIGHT)]).toEqual([
      0,
    ]);
    // The same doubt on the lines: a figure the check is unsure of stays for the search.
    expect(piecesInWords(pieces([4, 4, 4]), judged([-1, 20, 20, 20]), HEIGHT).size).toBe(0);
    // A € on the lines the check leans against (-4) beside plain digits goes; beside a digit not plainly one, it stays.
    expect([...piecesInWords(pieces([4, 4, 4]), judged([-4, 20, 20, 20]), HEIGHT)]).toEqual([0]);
    expect(piecesInWords(pieces([4, 4, 4]), judged([-4, 20, 5, 20]), HEIGHT).size).toBe(0);
    // A $ spanning one plain digit, 1.15 times as tall and half as wide as tall, goes, beside a narrow 1 too; a piece
    // 1.5 times as tall (a handwritten 8 beside a smaller 4) or 0.78 as wide as tall stays.
    expect([...piecesInWords(at({ 0: { minY: -3, maxY: 42 } }, [4]), judged([-8, 20]), HEIGHT)]).toEqual([0]);
    const one = at({ 0: { minY: -3, maxY: 42 }, 1: { maxX: 28 + 9 } }, [4]);
    expect([...piecesInWords(one, judged([-8, 20]), HEIGHT)]).toEqual([0]);
    expect(piecesInWords(at({ 0: { minY: -10, maxY: 49 } }, [4]), judged([-8, 20]), HEIGHT).size).toBe(0);
    expect(piecesInWords(at({ 0: { minY: -3, maxY: 42, maxX: 35 } }, [4]), judged([-8, 20]), HEIGHT).size).toBe(0);
    // A mark too small to be judged, above the middle of one digit's lines: a degree sign ("N° 5" read 05).
    const degree = pieces([4, 4]).map((p, k) => (k === 1 ? { box: { ...p.box, maxX: p.box.minX + 11, maxY: 12 } } : p));
    const notDegree = new Map([0, 2].map((k) => [k, evidence(k === 0 ? -11 : 20)] as const));
    expect([...piecesInWords(degree, notDegree, HEIGHT)].sort()).toEqual([0, 1]);
    // The one digit need not be plain, the sign must ("$9" with its 9 at 4.2); a sign not plainly one stays.
    expect([...piecesInWords(pieces([4]), judged([-9, 4.2]), HEIGHT)]).toEqual([0]);
    expect(piecesInWords(pieces([4]), judged([-4, 4.2]), HEIGHT).size).toBe(0);
    // A $ of small type: 19 px beside a 17-px digit (1.12 times as tall) still spans it.
    const small = [
      { box: { minX: 0, minY: 0, maxX: 9, maxY: 18 } },
      { box: { minX: 12, minY: 1, maxX: 21, maxY: 17 } },
    ];
    expect([...piecesInWords(small, judged([-9, 20]), 17)]).toEqual([0]);
    // A piece as wide as it is tall on one digit's lines (a %) needs only a lean to "no digit" (-4); a narrow one -5.
    expect([...piecesInWords(at({ 1: { maxX: 28 + 39 } }, [4]), judged([20, -4]), HEIGHT)]).toEqual([1]);
    expect(piecesInWords(pieces([4]), judged([20, -4]), HEIGHT).size).toBe(0);
  });

  it('leaves out a unit after a printed number: a letter hanging below the line and the letters set close to it', () => {
    // "539kg": 5, 3, 9 plain; k on the line (the check reads it 8 or 1), 2 px from a g that hangs from the x-line.
    const hang = { minY: 12, maxY: 50 };
    const row = (g: Partial<Box>) =>
      pieces([4, 4, 14, 2]).map((p, k) => ({ box: { ...p.box, ...(k === 4 ? g : {}) } }));
    expect([...piecesInWords(row(hang), judged([20, 20, 20, -1.5, 0.2]), HEIGHT)].sort()).toEqual([3, 4]);
    // A k the check takes for a digit stays (the g still goes); a g on the line is a digit the check doubts.
    expect([...piecesInWords(row(hang), judged([20, 20, 20, 2, 0.2]), HEIGHT)]).toEqual([4]);
    expect(piecesInWords(row({}), judged([20, 20, 20, -1.5, 0.2]), HEIGHT).size).toBe(0);
    // After one plain digit, that digit's lines: "7 kg" as Liberation Sans sets it (the k's ascender 2 px above the 7,
    // the g at -0.9).
    const one = pieces([14, 2]).map((p, k) => ({
      box: { ...p.box, ...(k === 2 ? hang : k === 1 ? { minY: -2 } : {}) },
    }));
    expect([...piecesInWords(one, judged([20, -13, -0.9]), HEIGHT)].sort()).toEqual([1, 2]);
    // A unit in lowercase with no descender ("250 ml"): an x-height m leaning to "no digit", then an l the check
    // doubts, nearer each other than to the number; a single short piece after a number (a small 5) stays.
    const ml = pieces([4, 4, 14, 4]).map((p, k) => ({ box: { ...p.box, ...(k === 3 ? { minY: 12 } : {}) } }));
    expect([...piecesInWords(ml, judged([20, 20, 20, -9, 1.7]), HEIGHT)].sort()).toEqual([3, 4]);
    const small = pieces([4, 4, 14]).map((p, k) => ({ box: { ...p.box, ...(k === 3 ? { minY: 12 } : {}) } }));
    expect(piecesInWords(small, judged([20, 20, 20, -1]), HEIGHT).size).toBe(0);
    // Handwriting keeps no line: digits whose tops stand 6 px apart lose nothing.
    const written = row(hang).map((p, k) => (k === 1 ? { box: { ...p.box, minY: 6 } } : p));
    expect(piecesInWords(written, judged([20, 20, 20, -1.5, 0.2]), HEIGHT).size).toBe(0);
  });

  it('leaves out brackets and punctuation inside a printed number ("(325) 475", a bold "4,834")', () => {
    const bracket = { minY: -3, maxY: 46 };
    const phone = pieces([4, 4, 4, 4, 12, 4, 4]).map((p, k) => ({
      box: { ...p.box, ...(k === 0 || k === 4 ? bracket : {}) },
    }));
    const digits = [0.8, 20, 20, 20, -2.2, 20, 20, 20];
    expect([...piecesInWords(phone, judged(digits), HEIGHT)].sort()).toEqual([0, 4]);
    // Beside a digit the check leans against, nothing is taken for a bracket: it may be handwriting.
    expect(piecesInWords(phone, judged(digits.map((l, k) => (k === 6 ? -1 : l))), HEIGHT).size).toBe(0);
    // A comma tall enough to be judged, its top below the line's middle: punctuation, though the check reads it 1.
    const comma = pieces([4, 4, 4, 4]).map((p, k) => (k === 1 ? { box: { ...p.box, minY: 26, maxY: 48 } } : p));
    expect([...piecesInWords(comma, judged([20, 7.7, 20, 20, 20]), HEIGHT)]).toEqual([1]);
    // Too short to be judged, it goes all the same: the search joined it to the 7 before it and read a 2.
    const unjudged = new Map([0, 2, 3, 4].map((k) => [k, evidence(20)] as const));
    expect([...piecesInWords(comma, unjudged, HEIGHT)]).toEqual([1]);
    // A colon (its two dots one piece): narrow, starting low, standing on the baseline, though the check reads it 1.
    const colon = pieces([4, 4, 4, 4]).map((p, k) =>
      k === 2 ? { box: { ...p.box, minX: p.box.minX + 9, maxX: p.box.minX + 17, minY: 9 } } : p,
    );
    expect([...piecesInWords(colon, judged([20, 20, 4.1, 20, 20]), HEIGHT)]).toEqual([2]);
    // However plainly the check reads it (a bold colon at 8.4).
    expect([...piecesInWords(colon, judged([20, 20, 8.4, 20, 20]), HEIGHT)]).toEqual([2]);
    // The same short piece as wide as a digit is not a colon (a lowercase letter the check takes for a digit stays
    // for the search: an x-height "o" inside a number reads 0).
    const short = pieces([4, 4, 4, 4]).map((p, k) => (k === 2 ? { box: { ...p.box, minY: 9 } } : p));
    expect(piecesInWords(short, judged([20, 20, 4.1, 20, 20]), HEIGHT).size).toBe(0);
  });

  it('takes a word of letters too wide to judge for letters when they stand at x-height beside a printed digit ("5 mm")', () => {
    // 5, then 36 px on (a word of its own) two m's 48 px wide, topping out 12 px below the 5's top.
    const line = [0, 60, 112].map((minX, k) => ({
      box: { minX, minY: k === 0 ? 0 : 12, maxX: minX + (k === 0 ? 23 : 47), maxY: HEIGHT - 1 },
    }));
    const whole = new Map([[0, evidence(20)]]);
    expect([...piecesInWords(line, whole, HEIGHT)].sort()).toEqual([1, 2]);
    // As tall as the digit they are no x-height letters: a touching pair, say, stays for the search.
    const tall = line.map((p) => ({ box: { ...p.box, minY: 0 } }));
    expect(piecesInWords(tall, whole, HEIGHT).size).toBe(0);
  });

  it('takes a capital too wide to judge and a letter off the line for a label ("No. 542")', () => {
    // N (48 px: not judged), 2 px on an o at x-height that the check reads 0 plainly, a space of 24 px, 5, 4, 2.
    const lefts = [0, 50, 98, 126, 154];
    const line = lefts.map((minX, k) => ({
      box: { minX, minY: k === 1 ? 12 : 0, maxX: minX + (k === 0 ? 47 : 23), maxY: HEIGHT - 1 },
    }));
    const whole = new Map([1, 2, 3, 4].map((k) => [k, evidence(k === 1 ? 9.4 : 20)] as const));
    expect([...piecesInWords(line, whole, HEIGHT)].sort()).toEqual([0, 1]);
    // An o on the digits' line is a 0 beside a wide piece (a touching pair, say): the number stays whole.
    const inLine = line.map((p, k) => (k === 1 ? { box: { ...p.box, minY: 0 } } : p));
    expect(piecesInWords(inLine, whole, HEIGHT).size).toBe(0);
  });

  it('leaves out a slash between printed digits, which leans as no typeset figure does ("12/05")', () => {
    // 1, 2, a slash 16 px wide hanging 3 px below the line (the check reads it 0.4, a 1), 0, 5.
    const date = pieces([4, 4, 4, 4]).map((p, k) =>
      k === 2 ? { box: { ...p.box, maxX: p.box.minX + 15, maxY: HEIGHT + 2 } } : p,
    );
    const logits = judged([12, 25, 0.4, 14, 25]);
    const lean = (slash: number) => (ks: readonly number[]) => (ks.length === 1 && ks[0] === 2 ? slash : 0);
    expect([...piecesInWords(date, logits, HEIGHT, { leanOf: lean(0.25) })]).toEqual([2]);
    // Upright, it is a 1; unasked, nothing leans.
    expect(piecesInWords(date, logits, HEIGHT, { leanOf: lean(0) }).size).toBe(0);
    expect(piecesInWords(date, logits, HEIGHT).size).toBe(0);
    // A slanted handwritten 1 the check reads as a digit (1.6-5.1 among the saved sets' numbers) stays.
    expect(piecesInWords(date, judged([12, 25, 3, 14, 25]), HEIGHT, { leanOf: lean(0.25) }).size).toBe(0);
    // Between two figures it is a fraction's ("9/4")...
    const three = date.filter((_, k) => k >= 1 && k <= 3);
    const fraction = (beside: number) => (ks: readonly number[]) => (ks[0] === 1 ? 0.25 : ks[0] === 2 ? beside : 0);
    expect([...piecesInWords(three, judged([25, 0.4, 14]), HEIGHT, { leanOf: fraction(0) })]).toEqual([1]);
    // ...unless a piece beside it leans within 0.05 of it, as handwriting slants every digit (a 6 leaning 0.24 beside
    // a 9 at 0.35 stayed a 6 only so); and one at the end of a number stays.
    expect(piecesInWords(three, judged([25, 0.4, 14]), HEIGHT, { leanOf: fraction(0.21) }).size).toBe(0);
    // A handwritten 1 leaning far more than its neighbours, which lean unlike each other as no typeface's figures do
    // ("4191", its 1 at 0.56 beside a 4 at -0.23 and a 9 at 0.19), stays.
    const hand = (ks: readonly number[]) => [0, -0.23, 0.56, 0.19, 0.3][ks[0] as number] as number;
    expect(piecesInWords(date, judged([12, 4.2, 0.9, 25, 14]), HEIGHT, { leanOf: hand }).size).toBe(0);
    expect([
      ...piecesInWords(date, judged([12, 4.2, 0.9, 25, 14]), HEIGHT, { leanOf: (ks) => (ks[0] === 2 ? 0.56 : 0.1) }),
    ]).toEqual([2]);
    expect(
      piecesInWords(date, judged([12, 25, 14, 25, 0.4]), HEIGHT, { leanOf: (ks) => (ks[0] === 4 ? 0.25 : 0) }).size,
    ).toBe(0);
  });

  it('leaves out an italic slash, wider and leaning more, beside figures that lean too ("8/12")', () => {
    // 8, a slash 0.85 as wide as tall, 1, 2; the figures lean 0.1-0.2 (italic), the slash 0.6.
    const date = pieces([4, 4, 4]).map((p, k) => {
      if (k !== 1) return p;
      const tall = p.box.maxY - p.box.minY + 1;
      return { box: { ...p.box, maxX: p.box.minX + Math.round(0.85 * tall) - 1 } };
    });
    const italic = (slash: number) => (ks: readonly number[]) => (ks[0] === 1 ? slash : 0.1 + 0.05 * (ks[0] as number));
    expect([...piecesInWords(date, judged([12, 0.1, 25, 14]), HEIGHT, { leanOf: italic(0.6) })]).toEqual([1]);
    // Leaning 0.29, under the 0.25 of the 2 beside it and 0.05 more, it is a figure of the same italic type.
    expect(piecesInWords(date, judged([12, 0.1, 25, 14]), HEIGHT, { leanOf: italic(0.29) }).size).toBe(0);
  });

  it('leaves out a one-letter unit set a space apart, a group of its own ("73 g")', () => {
    // 7, 3, and 40 px on (farther than a word's gap) a g hanging from the x-line, which the check reads 1.8 (a 9).
    const hang = { minY: 12, maxY: 50 };
    const grams = (gap: number) => pieces([4, gap]).map((p, k) => ({ box: { ...p.box, ...(k === 2 ? hang : {}) } }));
    expect([...piecesInWords(grams(40), judged([20, 20, 1.8]), HEIGHT)]).toEqual([2]);
    // On the digits' line it is a 9; more than two digit heights away it is no unit of theirs.
    expect(piecesInWords(pieces([4, 40]), judged([20, 20, 1.8]), HEIGHT).size).toBe(0);
    expect(piecesInWords(grams(90), judged([20, 20, 1.8]), HEIGHT).size).toBe(0);
    // After handwriting, whose digits keep no line of type, a digit written low stays.
    const written = grams(40).map((p, k) => (k === 1 ? { box: { ...p.box, minY: 6 } } : p));
    expect(piecesInWords(written, judged([20, 20, 1.8]), HEIGHT).size).toBe(0);
  });

  it('leaves out a unit after a printed number the word rule counted as letters ("99 g", "100 g", "7 kg")', () => {
    const hang = { minY: 12, maxY: 50 };
    // "99 g": the g the check calls no digit (-3.2) makes the word one of letters by count; the g alone goes.
    const grams = pieces([4, 24]).map((p, k) => ({ box: { ...p.box, ...(k === 2 ? hang : {}) } }));
    expect([...piecesInWords(grams, judged([7.3, 8, -3.2]), HEIGHT)]).toEqual([2]);
    // The same g on the digits' line is a letter among two digits: a word of letters.
    expect(piecesInWords(pieces([4, 24]), judged([7.3, 8, -3.2]), HEIGHT).size).toBe(3);
    // "100 g": a g the check reads as a plain 9 (9.5) hanging 0.27 of the line below it, beside digits not plain.
    const deep = pieces([4, 4, 24]).map((p, k) => ({ box: { ...p.box, ...(k === 3 ? { minY: 11, maxY: 50 } : {}) } }));
    expect([...piecesInWords(deep, judged([6.7, 5.1, 5.4, 9.5]), HEIGHT)]).toEqual([3]);
    // Hanging 0.15 below, a plain digit stays (a handwritten last digit written low).
    const shallow = deep.map((p, k) => (k === 3 ? { box: { ...p.box, minY: 6, maxY: 45 } } : p));
    expect(piecesInWords(shallow, judged([6.7, 5.1, 5.4, 9.5]), HEIGHT).size).toBe(0);
    // "7 kg" in DejaVu Serif: the k's ascender above the 7, a plain letter (-12), the g hanging alone (-2.8): no
    // x-height letter stands on the line, the g alone marks the x-line, and the k is the capital before it.
    const kg = pieces([14, 2]).map((p, k) => ({
      box: { ...p.box, ...(k === 2 ? hang : k === 1 ? { minY: -1 } : {}) },
    }));
    expect([...piecesInWords(kg, judged([11.8, -12, -2.8]), HEIGHT)].sort()).toEqual([1, 2]);
    // A k the check takes for a digit (2) stays for the search; the g goes, as after any printed number.
    expect([...piecesInWords(kg, judged([11.8, 2, -2.8]), HEIGHT)]).toEqual([2]);
  });

  it('leaves out a % after a printed number by its rings, whole or cut into its rings and stroke', () => {
    // "13%": the % a little shorter than the digits, read as an 8 (6.7), its upper ring 17 px left of its lower one.
    const row = pieces([8, 6]).map((p, k) => (k === 2 ? { box: { ...p.box, minY: 2, maxX: p.box.minX + 35 } } : p));
    const rings = (at: readonly number[], upper: { x: number; y: number }, lower: { x: number; y: number }) => {
      const holes = [
        { ...upper, size: 50 },
        { ...lower, size: 50 },
      ];
      return (ks: readonly number[]) => (ks.length === at.length && ks.every((k, i) => k === at[i]) ? holes : []);
    };
    const left = row[2]!.box.minX;
    const percent = rings([2], { x: left + 10, y: 12 }, { x: left + 27, y: 30 });
    expect([...piecesInWords(row, judged([14, 21, 6.7]), HEIGHT, { holesOf: percent })]).toEqual([2]);
    // Rings one above the other are an 8's, however the check doubts it; so are loops leaning right (handwriting).
    const eight = rings([2], { x: left + 18, y: 12 }, { x: left + 18, y: 30 });
    expect(piecesInWords(row, judged([14, 21, 6.7]), HEIGHT, { holesOf: eight }).size).toBe(0);
    const slanted = rings([2], { x: left + 27, y: 12 }, { x: left + 10, y: 30 });
    expect(piecesInWords(row, judged([14, 21, 6.7]), HEIGHT, { holesOf: slanted }).size).toBe(0);
    // "6%" in small type: beside one plain digit, no band of type (the check takes the % for a digit too).
    const small = pieces([6]).map((p, k) => (k === 1 ? { box: { ...p.box, minY: 2 } } : p));
    const smallRings = rings([1], { x: 30 + 5, y: 10 }, { x: 30 + 18, y: 30 });
    expect([...piecesInWords(small, judged([20, 2.8]), HEIGHT, { holesOf: smallRings })]).toEqual([1]);
    // Beside one digit the check doubts, nothing to go by.
    expect(piecesInWords(small, judged([5, 2.8]), HEIGHT, { holesOf: smallRings }).size).toBe(0);
    // "5%" cut in three: upper ring, stroke, lower ring, each overlapping the next in columns, ringed as one.
    const cut: { box: Box }[] = [
      { box: { minX: 0, minY: 0, maxX: 23, maxY: HEIGHT - 1 } },
      { box: { minX: 28, minY: 0, maxX: 42, maxY: 20 } },
      { box: { minX: 36, minY: 0, maxX: 60, maxY: HEIGHT - 1 } },
      { box: { minX: 54, minY: 18, maxX: 68, maxY: HEIGHT - 1 } },
    ];
    const logits = judged([27.7, 12, 0.1, 16.1]);
    const cutRings = rings([1, 2, 3], { x: 35, y: 10 }, { x: 61, y: 29 });
    expect([...piecesInWords(cut, logits, HEIGHT, { holesOf: cutRings })].sort()).toEqual([1, 2, 3]);
    expect(piecesInWords(cut, logits, HEIGHT).size).toBe(0);
    // Overlapping pieces wider than any sign (1.6 digit heights) are not looked at, whatever holes they hold.
    const wide = cut.map((p, k) => (k === 3 ? { box: { ...p.box, maxX: 28 + 70 } } : p));
    const wideRings = rings([1, 2, 3], { x: 35, y: 10 }, { x: 80, y: 29 });
    expect(piecesInWords(wide, logits, HEIGHT, { holesOf: wideRings }).size).toBe(0);
  });

  it('leaves out a € the model reads as a 6 when it closes no loop, as every typeset 6 does ("€7,256", "€ 1,299")', () => {
    // €, 7, 2, 5, 6 as type: the € read 6 by the model, -2.8 to the check (not plainly a sign), no hole.
    const price = pieces([6, 4, 4, 4]);
    const sixish = { scores: [0, 0, 0, 0, 0, 0, 5, 0, 0, 0], confidence: 0.9, digitLogit: -2.8 };
    const whole = new Map([[0, sixish], ...[1, 2, 3, 4].map((k) => [k, evidence(20)] as const)]);
    const holes = (closed: readonly number[]) => (ks: readonly number[]) =>
      ks.some((k) => closed.includes(k)) ? [{ x: 10, y: 28, size: 60 }] : [];
    expect([...piecesInWords(price, whole, HEIGHT, { holesOf: holes([4]) })]).toEqual([0]);
    // With its bowl closed it is a 6, however the check doubts it.
    expect(piecesInWords(price, whole, HEIGHT, { holesOf: holes([0, 4]) }).size).toBe(0);
    // Read as a 5 by the model, an open piece is no €.
    const fiveish = { ...sixish, scores: [0, 0, 0, 0, 0, 5, 0, 0, 0, 0] };
    const asFive = new Map([...whole, [0, fiveish]]);
    expect(piecesInWords(price, asFive, HEIGHT, { holesOf: holes([4]) }).size).toBe(0);
    // Set a space apart ("€ 1,299"), a word of its own told beside the rest of its group.
    const apart = pieces([20, 4, 4, 4]);
    expect([...piecesInWords(apart, whole, HEIGHT, { holesOf: holes([4]) })]).toEqual([0]);
  });

  it('lets small type stand a pixel off its line, and a plain sign stand inside one digit\'s height ("$18", "#9")', () => {
    // "$18" in 17-px type: the 1 and 8 a pixel apart at the top (0.04 of 17 px is under one), the $ spanning them taller.
    const small = [
      { box: { minX: 14, minY: 9, maxX: 25, maxY: 28 } },
      { box: { minX: 29, minY: 9, maxX: 36, maxY: 25 } },
      { box: { minX: 42, minY: 10, maxX: 53, maxY: 25 } },
    ];
    expect([...piecesInWords(small, judged([-10.9, 4.1, 2]), 17)]).toEqual([0]);
    // Two pixels apart, they keep no line: a handwritten number keeps its first piece.
    const apart = small.map((p, k) => (k === 2 ? { box: { ...p.box, minY: 11 } } : p));
    expect(piecesInWords(apart, judged([-10.9, 4.1, 2]), 17).size).toBe(0);
    // "#9": the # set 2 px below the 9's top, inside its height; the check calls it a sign beyond doubt (-9.8).
    const hash = [
      { box: { minX: 26, minY: 19, maxX: 52, maxY: 50 } },
      { box: { minX: 56, minY: 17, maxX: 76, maxY: 51 } },
    ];
    expect([...piecesInWords(hash, judged([-9.8, 15.3]), 35)]).toEqual([0]);
    // At -6.5 (a slanted handwritten 1 inside a 4's height) it stays for the search.
    expect(piecesInWords(hash, judged([-6.5, 15.3]), 35).size).toBe(0);
  });
});
