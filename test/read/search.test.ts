import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Slice } from '../../src/read/cuts.js';
import type { DigitEvidence } from '../../src/read/digit-like.js';
import { MIN_DIGIT_LOGIT } from '../../src/read/digit-or-not.js';
import {
  bestPath,
  candidateRuns,
  cheapestPath,
  readsAsPlainDigits,
  stepCosts,
  UNSCORED,
  type CandidateEvidence,
} from '../../src/read/search.js';

const HEIGHT = 40;

/** Slices left to right from (width, gap, cut into how many slices, height share) per piece. */
function slicesOf(pieces: readonly { width: number; gap: number; cuts: number; tall: boolean }[]): Slice[] {
  const out: Slice[] = [];
  let x = 0;
  pieces.forEach((p, piece) => {
    const maxY = p.tall ? HEIGHT - 1 : HEIGHT / 4;
    const step = Math.max(1, Math.floor(p.width / (p.cuts + 1)));
    for (let k = 0; k <= p.cuts; k++) {
      const minX = x + k * step;
      const maxX = k === p.cuts ? x + p.width - 1 : minX + step - 1;
      out.push({
        parts: [{ label: piece + 1, x0: minX, x1: maxX }],
        box: { minX, minY: 0, maxX, maxY },
        mass: 1,
        cutLeft: k > 0,
        cutRight: k < p.cuts,
        rightRuns: k < p.cuts ? 1 : 0,
        piece,
      });
    }
    x += p.width + p.gap;
  });
  return out;
}

/** Scores where the top one is often a near tie, and confidences that are sometimes exactly 1 (ties of paths). */
const evidenceArb: fc.Arbitrary<DigitEvidence | undefined> = fc.option(
  fc.record({
    scores: fc.array(fc.double({ min: -2, max: 3, noNaN: true }), { minLength: 10, maxLength: 10 }),
    confidence: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
  }),
  { nil: undefined, freq: 6 },
);

describe('cheapestPath (the search that scores only what the path needs)', () => {
  it('finds the path the search over every scored candidate finds, and scores each candidate at most once', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            width: fc.integer({ min: 4, max: 70 }),
            gap: fc.integer({ min: 0, max: 30 }),
            cuts: fc.integer({ min: 0, max: 3 }),
            tall: fc.boolean(),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.infiniteStream(evidenceArb),
        (pieces, stream) => {
          const slices = slicesOf(pieces);
          const candidates = candidateRuns(slices, HEIGHT);
          const known = [...stream.take(candidates.length)];
          const full = bestPath(slices, candidates, known, HEIGHT);
          const lazy: CandidateEvidence[] = candidates.map(() => UNSCORED);
          const asked: number[] = [];
          const steps = cheapestPath(slices, candidates, lazy, HEIGHT, (ks) => {
            for (const k of ks) {
              asked.push(k);
              lazy[k] = known[k];
            }
          });
          expect(steps).toEqual(full);
          expect(new Set(asked).size).toBe(asked.length);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('scores only the whole pieces of a spaced number whose pieces read confidently', () => {
    const slices = slicesOf(Array.from({ length: 6 }, () => ({ width: 30, gap: 30, cuts: 1, tall: true })));
    const candidates = candidateRuns(slices, HEIGHT);
    const evidence: CandidateEvidence[] = candidates.map(() => UNSCORED);
    const asked: number[] = [];
    const steps = cheapestPath(slices, candidates, evidence, HEIGHT, (ks) => {
      for (const k of ks) {
        asked.push(k);
        evidence[k] = { scores: [3, 0, 0, 0, 0, 0, 0, 0, 0, 0], confidence: 0.99 };
      }
    });
    const wholes = candidates.flatMap((c, k) => (c.end - c.start === 2 && c.start % 2 === 0 ? [k] : []));
    expect(steps).toEqual(wholes.map((candidate) => ({ kind: 'digit', candidate })));
    expect(asked.sort((a, b) => a - b)).toEqual(wholes);
    expect(candidates.length).toBeGreaterThan(3 * wholes.length);
  });

  it('reads two pieces with paper between them as two digits unless one digit reads clearly better', () => {
    const slices = slicesOf([
      { width: 8, gap: 6, cuts: 0, tall: true },
      { width: 8, gap: 0, cuts: 0, tall: true },
    ]);
    const candidates = candidateRuns(slices, HEIGHT);
    const joined = candidates.findIndex((c) => c.start === 0 && c.end === 2);
    const read = (alone: number) =>
      bestPath(
        slices,
        candidates,
        candidates.map((_, k) => ({
          scores: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
          confidence: k === joined ? 1 : alone,
        })),
        HEIGHT,
      ).length;
    // One digit at confidence 1 costs only the gap; two at 0.8 cost 0.45, two at 0.5 cost 1.39.
    expect(read(0.8)).toBe(2);
    expect(read(0.5)).toBe(1);
  });

  it('splits a piece the one-digit check doubts, however sure the SVM is of it, and keeps one it trusts', () => {
    const slices = slicesOf([{ width: 30, gap: 0, cuts: 1, tall: true }]);
    const candidates = candidateRuns(slices, HEIGHT);
    const read = (wholeLogit: number) =>
      bestPath(
        slices,
        candidates,
        candidates.map((c) =>
          c.end - c.start === 2
            ? { scores: [5, 0, 0, 0, 0, 0, 0, 0, 0, 0], confidence: 1, oneDigitLogit: wholeLogit }
            : { scores: [2, 0, 0, 0, 0, 0, 0, 0, 0, 0], confidence: 1, oneDigitLogit: 20 },
        ),
        HEIGHT,
      ).length;
    // Doubted whole: 2 x log(1 + e^3) = 6.1 against the cut's 1.5; trusted: 2 x log(1 + e^-3) = 0.1.
    expect(read(-3)).toBe(2);
    expect(read(3)).toBe(1);
  });

  it('reads an unsure lone piece at no extra cost when the digit-or-not check calls it plainly one', () => {
    const slices = slicesOf([{ width: 12, gap: 0, cuts: 0, tall: true }]);
    const candidates = candidateRuns(slices, HEIGHT);
    // An odd 2 alone: its top decision value under MIN_TOP_SCORE, its confidence a guess between digits.
    const unsure = { scores: [-0.4, -1.5, -2, -2, -2, -2, -2, -2, -2, -2], confidence: 0.5 };
    const read = (evidence: DigitEvidence) => bestPath(slices, candidates, [evidence], HEIGHT).map((s) => s.kind);
    expect(read({ ...unsure, digitLogit: 9 })).toEqual(['digit']);
    // Far below every class, it is none of the ten to the model, whatever the check says (a broken 9's loop).
    expect(read({ ...unsure, scores: [-1.2, ...unsure.scores.slice(1)], digitLogit: 9 })).toEqual(['skip']);
    // A hesitation between two digits is still read; a guess among many is not.
    expect(read({ ...unsure, confidence: 0.3, digitLogit: 9 })).toEqual(['digit']);
    // Without the check's word it is a doubtful digit: read, at a higher cost.
    const cost = (evidence: DigitEvidence) =>
      stepCosts(bestPath(slices, candidates, [evidence], HEIGHT), slices, candidates, [evidence], HEIGHT)[0] as number;
    expect(read(unsure)).toEqual(['digit']);
    expect(cost(unsure) - cost({ ...unsure, digitLogit: 9 })).toBeGreaterThan(2.5);
  });

  it('reads a doubtful piece at a cost rather than leave it out, unless the digit-or-not check calls it a letter', () => {
    const slices = slicesOf([{ width: 12, gap: 0, cuts: 0, tall: true }]);
    const candidates = candidateRuns(slices, HEIGHT);
    const unsure = { scores: [-0.8, -1.5, -2, -2, -2, -2, -2, -2, -2, -2], confidence: 0.2 };
    const path = (evidence: DigitEvidence) => bestPath(slices, candidates, [evidence], HEIGHT);
    expect(path(unsure).map((s) => s.kind)).toEqual(['digit']);
    expect(path({ ...unsure, digitLogit: MIN_DIGIT_LOGIT }).map((s) => s.kind)).toEqual(['digit']);
    expect(path({ ...unsure, digitLogit: MIN_DIGIT_LOGIT - 0.1 }).map((s) => s.kind)).toEqual(['skip']);
    expect(path({ ...unsure, scores: [-1.1, ...unsure.scores.slice(1)] }).map((s) => s.kind)).toEqual(['skip']);
    // It costs more than the same piece above the floors: the reading's confidence says so.
    const cost = (evidence: DigitEvidence) =>
      stepCosts(path(evidence), slices, candidates, [evidence], HEIGHT)[0] as number;
    const floors = { ...unsure, scores: [-0.3, ...unsure.scores.slice(1)], confidence: 0.36 };
    expect(cost(unsure) - cost(floors)).toBeGreaterThan(2.5);
  });

  it('among pieces the model reads as digits, leaves the digit-or-not log-odds to the word rule', () => {
    const slices = slicesOf([{ width: 30, gap: 0, cuts: 1, tall: true }]);
    const candidates = candidateRuns(slices, HEIGHT);
    const read = (digitLogit: number) =>
      bestPath(
        slices,
        candidates,
        candidates.map((c) => ({
          scores: [2, 0, 0, 0, 0, 0, 0, 0, 0, 0],
          confidence: c.end - c.start === 2 ? 0.9 : 0.6,
          digitLogit,
        })),
        HEIGHT,
      );
    expect(read(-10)).toEqual(read(10));
  });
});

describe('bestPath: the cost of a cut grows with the strokes it crosses', () => {
  // One piece 1.4 digit heights wide, cut once in the middle: its halves read as confident digits, the whole a
  // little less so and wide.
  const piece = slicesOf([{ width: 56, gap: 0, cuts: 1, tall: true }]);
  const candidates = candidateRuns(piece, HEIGHT);
  const evidence = candidates.map((c) =>
    c.end - c.start === 1
      ? { scores: [0, 3, 0, 0, 0, 0, 0, 0, 0, 0], confidence: 0.99 }
      : { scores: [3, 0, 0, 0, 0, 0, 0, 0, 0, 0], confidence: 0.95 },
  );
  const digits = (slices: typeof piece) =>
    bestPath(slices, candidates, evidence, HEIGHT).map((s) =>
      s.kind === 'digit' ? candidates[s.candidate]!.end - candidates[s.candidate]!.start : 0,
    );

  it('splits where the cut crosses one stroke (a join)', () => {
    expect(digits(piece)).toEqual([1, 1]);
  });

  it('keeps the piece whole where the cut crosses two (a loop)', () => {
    expect(digits(piece.map((s) => (s.cutRight ? { ...s, rightRuns: 2 } : s)))).toEqual([2]);
  });
});

describe('readsAsPlainDigits (is a piece a touching pair?)', () => {
  // A number "5" beside a piece 1.4 digit heights wide cut once: the halves read as 7 and 1, the whole as a weak 4.
  const slices = slicesOf([
    { width: 30, gap: 20, cuts: 0, tall: true },
    { width: 56, gap: 0, cuts: 1, tall: true },
  ]);
  const candidates = candidateRuns(slices, HEIGHT);
  const range = { first: 1, last: 2 };
  const scores = (digit: number, top: number) => Array.from({ length: 10 }, (_, d) => (d === digit ? top : -2));
  const evidenceWith = (top: number, oneDigitLogit: number) =>
    candidates.map((c): DigitEvidence =>
      c.start === 0
        ? { scores: scores(5, 3), confidence: 1, oneDigitLogit: 9 }
        : c.end - c.start === 1
          ? { scores: scores(c.start === 1 ? 7 : 1, top), confidence: 0.99, oneDigitLogit }
          : { scores: scores(4, 0.2), confidence: 0.6, oneDigitLogit: -6 },
    );
  const ask = (known: readonly DigitEvidence[]) => {
    const evidence: CandidateEvidence[] = candidates.map(() => UNSCORED);
    const scored: number[] = [];
    const answer = readsAsPlainDigits(slices, candidates, evidence, range, HEIGHT, (ks) => {
      for (const k of ks) {
        scored.push(k);
        evidence[k] = known[k];
      }
    });
    return { answer, scored };
  };

  it('says yes when the piece alone reads as two plain digits, scoring only its own candidates', () => {
    const { answer, scored } = ask(evidenceWith(3, 5));
    expect(answer).toBe(true);
    expect(scored.length).toBeGreaterThan(0);
    for (const k of scored) expect(candidates[k]!.start).toBeGreaterThanOrEqual(range.first);
  });

  it('says no when a half is a weak reading or no one digit to the one-digit check', () => {
    expect(ask(evidenceWith(1, 5)).answer).toBe(false);
    expect(ask(evidenceWith(3, 0)).answer).toBe(false);
  });
});
