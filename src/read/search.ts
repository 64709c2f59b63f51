import type { Slice } from './cuts.js';
import { isDigitLike, type DigitEvidence, type DigitFloors } from './digit-like.js';
import { MIN_DIGIT_LOGIT } from './digit-or-not.js';
import { unionBox, type InkBox, type Part } from './pieces.js';
import type { InkPixels } from './strokes.js';

/** A run of consecutive slices read as one digit candidate. */
export interface Candidate {
  /** First slice, inclusive. */
  readonly start: number;
  /** Last slice, exclusive. */
  readonly end: number;
  readonly parts: readonly Part[];
  readonly box: InkBox;
  /**
   * Set on the two digits of a piece read as an overlapping pair by its strokes (strokes.ts): each one's pixels
   * (`parts` is then empty), and on the left one its right one's index. Both span the piece's slices.
   */
  readonly ink?: InkPixels;
  readonly partner?: number;
}

/** At most this many slices form one digit (a digit in three fragments plus a cut piece). */
const MAX_RUN = 4;
/** Runs wider than this share of the digit height are not one digit (unless a single slice). */
const MAX_DIGIT_WIDTH = 1.5;
/** Cost of each unit of width above the digit height: a 2-digit-wide piece is unlikely one digit. */
const WIDE_COST = 6;
/** Width share above which the wide cost starts. */
const WIDE_FROM = 0.95;
/** Cost of using a cut through ink: a split needs evidence from both sides' recognition. */
const CUT_COST = 1.5;
/**
 * Cost of each stroke a cut crosses beyond the first. Two touching digits join in one stroke; a cut that crosses
 * two cuts a loop or a wide digit in halves (a slanted 0 read as "67", a 0 as "6" and "7"), each of which can read
 * confidently as a digit. On pictures composed by Chromium from MNIST test digits 5000-9999 (1,400, built apart
 * from this bench, kept outside the repository; a second set of another seed, unseen while choosing):
 * spaced 90.0 -> 94.5%, canvas 93.0 -> 97.0, photo 93.0 -> 95.0, printed 99.0 -> 100, lone 96.5 -> 98.0, touching
 * 80.5 -> 79.0; on this bench's tuning split touching 71 -> 69, others unchanged. 3 was worse on touching.
 */
const RUN_COST = 1.5;
/**
 * Cost of reading pieces with paper between them as one digit. Fragments that lie over their digit are grouped
 * before the search (pieces.ts); side by side with a gap they are more often two digits (two 1s drawn close read
 * as a 4, a 6's loose tail and its neighbour). Tuning split at 200 pictures a kind: photo 89.0% -> 90.5%, canvas
 * 94.5% -> 95.0%, other kinds unchanged (2 with a further 2 per digit height of gap: photo 90.5%, canvas 94.5%).
 */
const GAP_COST = 1;
/**
 * Cost of leaving out a piece as tall as a digit (letters the word rule leaves out cost every path the same). At 6 a
 * number lost an odd digit whose reading cost more (a 6 drawn like a bracket or an l, a 1 like a bracket). Every reading
 * compared with 8 (2026-12-06, docs/BENCHMARKS.md): 15 of 6,200 numbers gained, none lost, on the saved tuning and
 * report splits, sets K and K2 and a scratch set (tuning split varied 93.0 -> 94.5%); printed words read as before. At
 * 10, printed numbers with a sign lost digits (report split signed 73.5 -> 72.0%).
 */
const SKIP_TALL = 8;
/** Cost of leaving out a small piece. */
const SKIP_SMALL = 1;
/**
 * Weight of the one-digit network's doubt (-log of its probability of "one digit", one-digit.ts) in a candidate's
 * cost: touching pairs read whole, halves of a digit and a digit with its neighbour's stroke read confidently as
 * some digit, but are no one digit. It replaced the digit-or-not network's doubt (weight 1.5, not counted above a
 * top decision value of 3), which never saw such pieces: tuning split touching 77.5 -> 80.5%, spaced 94.0 -> 95.0,
 * photo 90.5 -> 91.5, lone 98.0 -> 98.5; report split touching 90.0 -> 91.5 (docs/BENCHMARKS.md, "Number reader").
 * Weights 1, 1.5, 2 and 3 read within a point of each other on every set; so did the confidence's weight at 0.5 or 1.5.
 */
const ONE_DIGIT_WEIGHT = 2;
/**
 * A piece judged whole that the digit-or-not check (digit-or-not.ts) calls plainly a digit, at or above these
 * log-odds, is read with its top decision value down to -0.6 and its confidence down to 0.2 (SURE_FLOORS)
 * rather than isDigitLike's MIN_TOP_SCORE and MIN_CONFIDENCE (there to keep dots, letters and scribbles out): an odd
 * 2 alone in a picture, its top value just under MIN_TOP_SCORE, was answered "no digit", and so was a faint 9 the
 * model hesitates over (confidence 0.34): a digit read with its low confidence says more than no digit. Lower than
 * -0.6 the check's word alone read the loop of a broken 9 as a 0: below these floors a piece is only a doubtful
 * digit (DOUBTFUL_COST).
 */
const SURE_WHOLE_LOGIT = 5;
const SURE_FLOORS: DigitFloors = { topScore: -0.6, confidence: 0.2 };
/** A digit is at least this share of the digit height tall: a short stroke beside a digit is a fragment of it. */
const MIN_DIGIT_HEIGHT = 0.45;
/** Pieces shorter than this share of the digit height are small. */
const SMALL = 0.5;

/**
 * The candidate runs for the search: every single slice, and runs of up to MAX_RUN neighbours no wider than a digit.
 * The count is at most MAX_RUN x slices, so the classifier's work is linear in the (bounded) number of slices.
 * @param slices left to right
 * @param height digit height in working pixels
 * @returns the candidates
 */
export function candidateRuns(slices: readonly Slice[], height: number): Candidate[] {
  const out: Candidate[] = [];
  for (let start = 0; start < slices.length; start++) {
    let box = (slices[start] as Slice).box;
    const parts: Part[] = [];
    for (let end = start + 1; end <= Math.min(slices.length, start + MAX_RUN); end++) {
      const s = slices[end - 1] as Slice;
      box = unionBox(box, s.box);
      parts.push(...s.parts);
      if (end - start > 1 && box.maxX - box.minX + 1 > MAX_DIGIT_WIDTH * height) break;
      out.push({ start, end, parts: [...parts], box });
    }
  }
  return out;
}

/**
 * A candidate's evidence as the search sees it: its prediction, `undefined` when it is no digit (it normalized to
 * nothing, or it lies in a word of letters), or UNSCORED when it has not been classified yet.
 */
export type CandidateEvidence = DigitEvidence | undefined | typeof UNSCORED;

/** Not classified yet: the search counts it at its best possible cost (confidence 1) until a path needs it. */
export const UNSCORED = null;

/** A step of the best path: a candidate read as a digit, a piece read as two by its strokes, or a slice left out. */
export type Step =
  | { readonly kind: 'digit'; readonly candidate: number }
  | { readonly kind: 'pair'; readonly left: number; readonly right: number }
  | { readonly kind: 'skip'; readonly slice: number };

/**
 * The best reading: dynamic programming over slice boundaries (the segmentation-recognition path search of
 * Oliveira, Sabourin, Bortolozzi and Suen, PAMI 2002), each digit costing -log of its confidence, the one-digit
 * network's doubt and priors on width, on cuts through ink and on gaps inside a digit (pieces shorter than
 * MIN_DIGIT_HEIGHT are no digit), each left-out piece a cost by its size; a piece read as two overlapping digits by
 * its strokes (strokes.ts) costs PAIR_COST (WIDE_PAIR_COST when wide) and both digits' doubt. Linear in candidates.
 *
 * Unscored candidates count at their priors alone, a lower bound of their cost: when the cheapest path then uses
 * scored candidates only, it is the cheapest path of the fully scored search, with the same ties (see readDigits,
 * which scores the unscored candidates such a path uses and searches again).
 * @param slices left to right
 * @param candidates from candidateRuns
 * @param evidence each candidate's prediction, undefined when it is no digit, UNSCORED when not classified yet
 * @param height digit height in working pixels
 * @returns the steps of the cheapest path, left to right
 */
export function bestPath(
  slices: readonly Slice[],
  candidates: readonly Candidate[],
  evidence: readonly CandidateEvidence[],
  height: number,
): Step[] {
  const n = slices.length;
  const cost = new Float64Array(n + 1).fill(Infinity);
  const back: (Step | undefined)[] = new Array<Step | undefined>(n + 1);
  cost[0] = 0;
  const byEnd: number[][] = Array.from({ length: n + 1 }, () => []);
  candidates.forEach((c, k) => byEnd[c.end]?.push(k));
  for (let end = 1; end <= n; end++) {
    const slice = slices[end - 1] as Slice;
    const skip = (cost[end - 1] as number) + skipCost(slice, height);
    cost[end] = skip;
    back[end] = { kind: 'skip', slice: end - 1 };
    for (const k of byEnd[end] as number[]) {
      const c = candidates[k] as Candidate;
      if (c.ink !== undefined) {
        if (c.partner === undefined) continue;
        const r = candidates[c.partner] as Candidate;
        const el = evidence[k];
        const er = evidence[c.partner];
        if (!usable(el) || !usable(er)) continue;
        const doubt = halfCost(c, el, height) + halfCost(r, er, height);
        if (doubt > PAIR_DOUBT) continue;
        const total = (cost[c.start] as number) + pairCost(c, r, height) + doubt;
        if (total < (cost[end] as number)) {
          cost[end] = total;
          back[end] = { kind: 'pair', left: k, right: c.partner };
        }
        continue;
      }
      const e = evidence[k];
      if (e === undefined || (e !== UNSCORED && !readable(e) && !doubtful(e))) continue;
      if (c.box.maxY - c.box.minY + 1 < MIN_DIGIT_HEIGHT * height) continue;
      const total = (cost[c.start] as number) + digitCost(c, e, slices, height);
      if (total < (cost[end] as number)) {
        cost[end] = total;
        back[end] = { kind: 'digit', candidate: k };
      }
    }
  }
  const steps: Step[] = [];
  for (let end = n; end > 0;) {
    const step = back[end] as Step;
    steps.push(step);
    end =
      step.kind === 'skip'
        ? end - 1
        : (candidates[step.kind === 'pair' ? step.left : step.candidate] as Candidate).start;
  }
  return steps.reverse();
}

/**
 * bestPath, classifying only the candidates the cheapest path needs: each round asks `score` for the unscored
 * candidates the path uses (one batch) and searches again, until the path uses scored candidates only. Unscored
 * candidates count at a lower bound of their cost, so that path is the one a search over every scored candidate
 * finds, ties included. A spaced number needs its whole pieces only.
 * @param evidence as bestPath's, UNSCORED where not classified yet; `score` fills it in
 * @param score classifies the given candidates, writing their evidence
 * @returns the steps of the cheapest path, left to right
 */
export function cheapestPath(
  slices: readonly Slice[],
  candidates: readonly Candidate[],
  evidence: readonly CandidateEvidence[],
  height: number,
  score: (ks: readonly number[]) => void,
): Step[] {
  for (;;) {
    const steps = bestPath(slices, candidates, evidence, height);
    const unscored = steps.flatMap(digitsOf).filter((k) => evidence[k] === UNSCORED);
    if (unscored.length === 0) return steps;
    score(unscored);
  }
}

function digitCost(c: Candidate, e: DigitEvidence | typeof UNSCORED, slices: readonly Slice[], height: number): number {
  const width = (c.box.maxX - c.box.minX + 1) / height;
  let cost = -Math.log(Math.max(e === UNSCORED ? 1 : e.confidence, 1e-9));
  if (width > WIDE_FROM) cost += WIDE_COST * (width - WIDE_FROM);
  const last = slices[c.end - 1] as Slice;
  if (last.cutRight) cost += CUT_COST + RUN_COST * Math.max(0, last.rightRuns - 1);
  for (let s = c.start + 1; s < c.end; s++) {
    const left = slices[s - 1] as Slice;
    const right = slices[s] as Slice;
    if (left.piece !== right.piece && right.box.minX > left.box.maxX + 1) cost += GAP_COST;
  }
  if (e !== UNSCORED && !readable(e)) cost += DOUBTFUL_COST;
  // Unscored, the doubt counts 0: the cost stays a lower bound (cheapestPath).
  if (e !== UNSCORED && e.oneDigitLogit !== undefined)
    cost += ONE_DIGIT_WEIGHT * Math.log1p(Math.exp(-e.oneDigitLogit));
  return cost;
}

/**
 * The candidates a step reads as digits, left to right: none for a skip, two for a pair.
 * @param step a step of a path
 */
export function digitsOf(step: Step): number[] {
  if (step.kind === 'skip') return [];
  return step.kind === 'pair' ? [step.left, step.right] : [step.candidate];
}

/**
 * What each step of a path costs, as bestPath counted it (a skip its size's cost, a digit its doubt and priors).
 * @returns one cost per step
 */
export function stepCosts(
  steps: readonly Step[],
  slices: readonly Slice[],
  candidates: readonly Candidate[],
  evidence: readonly CandidateEvidence[],
  height: number,
): number[] {
  return steps.map((step) => {
    if (step.kind === 'skip') return skipCost(slices[step.slice] as Slice, height);
    if (step.kind === 'pair') {
      const [l, r] = [candidates[step.left] as Candidate, candidates[step.right] as Candidate];
      const doubt =
        halfCost(l, evidence[step.left] ?? null, height) + halfCost(r, evidence[step.right] ?? null, height);
      return pairCost(l, r, height) + doubt;
    }
    return digitCost(candidates[step.candidate] as Candidate, evidence[step.candidate] ?? null, slices, height);
  });
}

/**
 * Cost of reading a piece as two digits by its strokes (strokes.ts), on top of each one's doubt. More than a cut
 * through ink (CUT_COST): the one-digit network never saw stroke splits, and at 1.5 or 2 a 1 and a 5 joined
 * (test/read/read.test.ts) read "85" where the cut reads "15". Tuning split: touching 82.0 -> 84.5% at 2.5
 * (85.0 at 2, 84.5 at 1.5), canvas 96.5 -> 96.0 (a 6 read as "60"), every other kind unchanged.
 */
export const PAIR_COST = 2.5;

/**
 * A pair at least this wide (share of the digit height) costs WIDE_PAIR_COST, when each of its digits has columns
 * of its own at least WIDE_PAIR_OWN wide on its side: two digits pushed half into each other (a 7 over a 9, a 3 and
 * a 7 overlapping by half) read confidently as one wide digit, and at PAIR_COST their split never won. Without the
 * columns of its own, a 1 joined to a 5 read "85" (the 1 and a crossing as an 8, the whole as the 5;
 * test/read/read.test.ts). On a tuning set built like the independent sets (Chromium, test digits 0-4999;
 * docs/BENCHMARKS.md) touching 58.8 -> 60.8%, canvas 90.0 -> 89.8; the tuning split reads the same but for one
 * number wrong either way. WIDE_PAIR_COST 1 read a lone wide digit as two (lone 99.0 -> 98.5% on the tuning split)
 * and 2 gained less (60.0%); from 0.8 or 1.0 wide, 61.0 and 60.8% without the own columns.
 */
export const WIDE_PAIR_FROM = 0.9;
export const WIDE_PAIR_COST = 1.5;
export const WIDE_PAIR_OWN = 0.1;

/**
 * The least a piece costs read as two digits by its strokes, before their doubt.
 * @param width the piece's width against the digit height
 */
export function leastPairCost(width: number): number {
  return width >= WIDE_PAIR_FROM ? WIDE_PAIR_COST : PAIR_COST;
}

/** A stroke pair's cost before its digits' doubt: by the width of the piece the two share and their own columns. */
function pairCost(l: Candidate, r: Candidate, height: number): number {
  const own = WIDE_PAIR_OWN * height;
  if (r.box.minX - l.box.minX < own || r.box.maxX - l.box.maxX < own) return PAIR_COST;
  return leastPairCost((Math.max(l.box.maxX, r.box.maxX) - Math.min(l.box.minX, r.box.minX) + 1) / height);
}

/**
 * A stroke pair is read only when its two digits' doubt together is at most this: a piece no reading explains well
 * (a wide 4, a scrawl) otherwise read as its stem and the rest. Tuning split touching 84.5 -> 85.0% at PAIR_COST
 * 1.5 (2: 84.0).
 */
const PAIR_DOUBT = 3;

/** One digit of a stroke pair: its doubt and its width's prior (no cut, no gap: its strokes are whole). */
function halfCost(c: Candidate, e: DigitEvidence | typeof UNSCORED, height: number): number {
  const width = (c.box.maxX - c.box.minX + 1) / height;
  let cost = -Math.log(Math.max(e === UNSCORED ? 1 : e.confidence, 1e-9));
  if (width > WIDE_FROM) cost += WIDE_COST * (width - WIDE_FROM);
  if (e !== UNSCORED && e.oneDigitLogit !== undefined)
    cost += ONE_DIGIT_WEIGHT * Math.log1p(Math.exp(-e.oneDigitLogit));
  return cost;
}

/** Whether a candidate's evidence lets the search read it (a lower bound while unscored). */
function usable(e: CandidateEvidence): e is DigitEvidence | typeof UNSCORED {
  return e !== undefined && (e === UNSCORED || readable(e));
}

/** Whether a scored candidate may be read as a digit at all. */
function readable(e: DigitEvidence): boolean {
  return isDigitLike(e) || ((e.digitLogit ?? -Infinity) >= SURE_WHOLE_LOGIT && isDigitLike(e, SURE_FLOORS));
}

/**
 * A candidate below isDigitLike's floors, still some digit to the model (its top decision value at -1 or above)
 * and not plainly a letter or a sign to the digit-or-not check where it was asked (MIN_DIGIT_LOGIT), is read at
 * DOUBTFUL_COST more rather than left out: in a number, a piece as tall as its digits is far more often an oddly
 * written digit (a 2 drawn as a tilde, an open 4, a 6 like a bracket) than anything else, and leaving it out cost the
 * number whole. Letters and signs are the word rule's (words.ts) and keep their floors there. Every reading compared
 * against the floors alone (2026-12-06, docs/BENCHMARKS.md): 15 numbers of 6,200 gained, none lost, on the saved
 * tuning and report splits, sets K and K2 and a scratch set; printed words in unseen faces read as before. Without the
 * check's veto, 2 printed numbers with a sign lost it to an 8 ("#2" read 82); with the veto at log-odds 0 rather
 * than MIN_DIGIT_LOGIT, 6 fewer numbers gained.
 */
const DOUBTFUL_COST = 3;
const DOUBTFUL_FLOORS: DigitFloors = { topScore: -1, confidence: 0 };

/** Whether a scored candidate below the floors may still be read, at DOUBTFUL_COST (see there). */
function doubtful(e: DigitEvidence): boolean {
  return (e.digitLogit ?? Infinity) >= MIN_DIGIT_LOGIT && isDigitLike(e, DOUBTFUL_FLOORS);
}

function skipCost(slice: Slice, height: number): number {
  return slice.box.maxY - slice.box.minY + 1 < SMALL * height ? SKIP_SMALL : SKIP_TALL;
}

/**
 * A digit of a touching pair read apart is plain at or above this top decision value and this one-digit log-odds
 * (readsAsPlainDigits). A lone piece the digit-or-not check calls a letter is most often a pair (a 7 and a 1 joined
 * at the bar) and reads as two such digits; a letter alone seldom does. Tuning split, touching 81.0 -> 83.0%, every
 * other kind unchanged (letters 95.0%); asked of every piece, not only lone ones, it read "bus" as 13115 (the u cut
 * into two 1s) and letters fell to 93.5%. Floors 2 and 3: touching 83.0 / 82.5, letters 95.0 either way.
 */
const PLAIN_TOP_SCORE = 1.5;
const PLAIN_ONE_DIGIT = 2;

/**
 * Whether the cheapest path over one piece's slices alone reads two or more digits, every one of them plain: a
 * touching pair rather than one glyph, whatever the piece looks like whole.
 * @param slices all slices, left to right
 * @param candidates all candidates (candidateRuns)
 * @param evidence all candidates' evidence; `score` fills in the ones the path needs
 * @param range the piece's first and last slice
 * @param height digit height in working pixels
 * @param score classifies the given candidates (indices into `candidates`), writing their evidence
 */
export function readsAsPlainDigits(
  slices: readonly Slice[],
  candidates: readonly Candidate[],
  evidence: readonly CandidateEvidence[],
  range: { readonly first: number; readonly last: number },
  height: number,
  score: (ks: readonly number[]) => void,
): boolean {
  const own: number[] = [];
  candidates.forEach((c, k) => {
    if (c.start >= range.first && c.end <= range.last + 1 && c.ink === undefined) own.push(k);
  });
  const local = own.map((k) => {
    const c = candidates[k] as Candidate;
    return { ...c, start: c.start - range.first, end: c.end - range.first };
  });
  const localEvidence = own.map((k) => evidence[k]);
  const steps = cheapestPath(slices.slice(range.first, range.last + 1), local, localEvidence, height, (ks) => {
    score(ks.map((i) => own[i] as number));
    for (const i of ks) localEvidence[i] = evidence[own[i] as number];
  });
  if (steps.length < 2) return false;
  return steps.every((s) => s.kind === 'digit' && isPlainDigit(localEvidence[s.candidate]));
}

/**
 * Whether a scored candidate reads as a plain digit of a pair (PLAIN_TOP_SCORE, PLAIN_ONE_DIGIT).
 * @param e its evidence
 */
export function isPlainDigit(e: CandidateEvidence): boolean {
  if (e === undefined || e === UNSCORED) return false;
  return Math.max(...e.scores) >= PLAIN_TOP_SCORE && (e.oneDigitLogit ?? -Infinity) >= PLAIN_ONE_DIGIT;
}
