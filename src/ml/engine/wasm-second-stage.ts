import type { SecondStage } from '../second-stage.js';
import { readsSecondStage } from '../routing.js';
import { shiftImage } from '../virtual-sv.js';
import { addBiases } from './js-sums.js';
import {
  activePairsFor,
  findActivePairs,
  pairMatrixBytes,
  paddedCount,
  subsetPairMatrix,
  VECTOR_GROUP,
  type PairMatrix,
} from './pairs.js';
import { align, stageActivePairs, type KernelExports } from './wasm-memory.js';
import { STAGE_TABLE_ENTRY } from './wasm/stage-scores.js';

/**
 * (image, move) dot-product lanes of one blocked run of the second stage: the moves of one image share most of their
 * active pair rows, so the block's rows are read from L2 by all of them; images per run = 16 / moves computed
 * (the shipped model's 4 moves: 4 images; its identity move reuses the first stage's dot products).
 */
export const STAGE_LANES = 16;

const isIdentity = ({ dx, dy }: { dx: number; dy: number }): boolean => dx === 0 && dy === 0;

function imagesPerRun(stage: SecondStage): number {
  const computed = stage.shifts.filter((s) => !isIdentity(s)).length;
  return Math.max(1, Math.floor(STAGE_LANES / Math.max(1, computed)));
}

/**
 * Which first-stage support vectors each computed move meets, and a matrix of just those. A move's terms read the dot
 * products of about three quarters of the vectors (the shipped model: 10,010-10,337 of 13,551 each), scattered over the
 * whole matrix. The vectors any computed move reads are laid out again, ordered by which moves read them (their sets
 * of moves in Gray-code order, so each move's vectors fall in a few runs), and a move's dot products are computed over
 * its runs only: about a quarter fewer than over the whole matrix, the same integers where its terms read them.
 */
export interface MoveLayout {
  /** The first-stage vector at each position of the moves' matrix. */
  readonly order: Int32Array;
  /** Each first-stage vector's position in the moves' matrix, -1 where no computed move reads it. */
  readonly position: Int32Array;
  /** Per move, the [start, end) runs of positions its terms read, whole groups of VECTOR_GROUP; none for the identity. */
  readonly runs: readonly Int32Array[];
}

/**
 * The moves' layout of a second stage over `count` first-stage vectors (see {@link MoveLayout}), worked out where the
 * model is placed; engines read it back from memory (writeStageTerms' header).
 */
export function moveLayout(stage: SecondStage, count: number): MoveLayout {
  const computed = stage.shifts.map((shift) => !isIdentity(shift));
  // bit[s]: move s's bit in a vector's set of moves (computed moves only).
  const bit = new Int32Array(stage.shifts.length);
  let bits = 0;
  computed.forEach((c, s) => (bit[s] = c ? 1 << bits++ : 0));
  const sets = new Int32Array(count);
  for (const { entries } of stage.terms) {
    for (let j = 0; j < entries.length; j++) {
      const slot = stage.slots[entries[j] as number] as number;
      const s = Math.floor(slot / count);
      sets[slot - s * count] = (sets[slot - s * count] as number) | (bit[s] as number);
    }
  }
  // Vectors ordered by the Gray-code rank of their set of moves, by index within a set (a counting sort); the vectors
  // no computed move reads (set 0, rank 0) are left out.
  const rank = new Int32Array(count);
  const starts = new Int32Array((1 << bits) + 1);
  for (let i = 0; i < count; i++) {
    let r = sets[i] as number;
    for (let shift = 1; shift < bits; shift <<= 1) r ^= r >> shift;
    rank[i] = r;
    starts[r + 1] = (starts[r + 1] as number) + 1;
  }
  for (let r = 1; r <= 1 << bits; r++) starts[r] = (starts[r] as number) + (starts[r - 1] as number);
  const unread = starts[1] as number;
  const order = new Int32Array(count - unread);
  for (let i = 0; i < count; i++) {
    const r = rank[i] as number;
    if (r === 0) continue;
    order[(starts[r] as number) - unread] = i;
    starts[r] = (starts[r] as number) + 1;
  }
  const position = new Int32Array(count).fill(-1);
  for (let p = 0; p < order.length; p++) position[order[p] as number] = p;
  const padded = paddedCount(order.length);
  const runs = stage.shifts.map((_, s) => {
    const out: number[] = [];
    if (!computed[s]) return new Int32Array(0);
    for (let p = 0; p < order.length;) {
      if (((sets[order[p] as number] as number) & (bit[s] as number)) === 0) {
        p++;
        continue;
      }
      let end = p + 1;
      while (end < order.length && ((sets[order[end] as number] as number) & (bit[s] as number)) !== 0) end++;
      const from = p - (p % VECTOR_GROUP);
      const to = Math.min(padded, paddedCount(end));
      // Runs whose whole groups meet or touch are one.
      if (out.length > 0 && from <= (out[out.length - 1] as number)) out[out.length - 1] = to;
      else out.push(from, to);
      p = end;
    }
    return Int32Array.from(out);
  });
  return { order, position, runs };
}

/** Bytes of the terms' table and lists (see {@link writeStageTerms}), before the moves' matrix. */
function termsTableBytes(stage: SecondStage): number {
  return stage.terms.reduce((bytes, t) => bytes + align(12 * t.entries.length, 8), 10 * STAGE_TABLE_ENTRY);
}

/**
 * The moves' header, after the terms: the vectors in the moves' matrix, the matrix's byte address, then per move s the
 * index of its first run (moves + 1 entries, the last one past the end), then the runs' [start, end) pairs; i32 each.
 * Engines read their moves from it instead of laying them out again (a worker thread's start).
 */
function movesHeaderBytes(stage: SecondStage, moves: MoveLayout): number {
  return align(4 * (2 + stage.shifts.length + 1 + moves.runs.reduce((n, r) => n + r.length, 0)), 16);
}

/**
 * Bytes of the second stage's terms and moves in engine memory (see {@link writeStageTerms}), from 16-aligned `at`.
 * @param moves moveLayout(stage, first-stage vector count)
 */
export function stageTermsBytes(stage: SecondStage, moves: MoveLayout, dim: number): number {
  return align(termsTableBytes(stage), 16) + movesHeaderBytes(stage, moves) + pairMatrixBytes(moves.order.length, dim);
}

/**
 * Lays the second stage out for the `stageScores` export at byte `at` (16-aligned) of `buffer`: the ten-entry table,
 * then per digit its non-zero coefficients (f64) and, for each, the byte offset of its support vector's dot product
 * among an image's move accumulators (move s of first-stage vector i at (s * padded + i) * 4 for the identity move,
 * which copies the first stage's, and at (s * padded + position of i) * 4 for a computed one); then the moves' matrix
 * ({@link MoveLayout}). Derived here, when the engine places the model, so the model format keeps only slots.
 * @param moves moveLayout(stage, m.count)
 * @param m the first stage's support vectors
 */
export function writeStageTerms(
  stage: SecondStage,
  moves: MoveLayout,
  m: PairMatrix,
  buffer: ArrayBufferLike,
  at: number,
): void {
  const { count, padded } = m;
  const i32 = new Int32Array(buffer);
  const f64 = new Float64Array(buffer);
  let p = at + 10 * STAGE_TABLE_ENTRY;
  stage.terms.forEach(({ entries, coefficients }, c) => {
    const n = entries.length;
    const offAt = p + 8 * n;
    f64.set(coefficients, p >> 3);
    for (let j = 0; j < n; j++) {
      const slot = stage.slots[entries[j] as number] as number;
      const s = Math.floor(slot / count);
      const i = slot - s * count;
      i32[(offAt >> 2) + j] = (s * padded + (isIdentity(stage.shifts[s]!) ? i : (moves.position[i] as number))) * 4;
    }
    const entry = (at + c * STAGE_TABLE_ENTRY) >> 2;
    i32[entry] = p;
    i32[entry + 1] = offAt;
    i32[entry + 2] = offAt + 4 * n;
    i32[entry + 3] = 0;
    p = align(offAt + 4 * n, 8);
  });
  const headerAt = align(at + termsTableBytes(stage), 16);
  const matrixAt = headerAt + movesHeaderBytes(stage, moves);
  const n = moves.order.length;
  let h = headerAt >> 2;
  i32[h++] = n;
  i32[h++] = matrixAt;
  let first = 0;
  for (const run of moves.runs) {
    i32[h++] = first;
    first += run.length;
  }
  i32[h++] = first;
  for (const run of moves.runs) {
    i32.set(run, h);
    h += run.length;
  }
  subsetPairMatrix(m, moves.order, n, n, new Uint8Array(buffer, matrixAt, pairMatrixBytes(n, m.dim)));
}

/** Where the second stage's region written at `termsAt` by writeStageTerms ends: its moves' matrix's end. */
export function placedStageEnd(stage: SecondStage, i32: Int32Array, termsAt: number, dim: number): number {
  const h = align(termsAt + termsTableBytes(stage), 16) >> 2;
  return (i32[h + 1] as number) + pairMatrixBytes(i32[h] as number, dim);
}

/** The moves' matrix and each move's runs, as writeStageTerms left them after the terms at `termsAt`. */
function readMoves(
  stage: SecondStage,
  i32: Int32Array,
  termsAt: number,
): { count: number; at: number; runs: Int32Array[] } {
  const h = align(termsAt + termsTableBytes(stage), 16) >> 2;
  const moves = stage.shifts.length;
  const runsAt = h + 2 + moves + 1;
  const runs = stage.shifts.map((_, s) =>
    i32.slice(runsAt + (i32[h + 2 + s] as number), runsAt + (i32[h + 3 + s] as number)),
  );
  return { count: i32[h] as number, at: i32[h + 1] as number, runs };
}

/** Scratch bytes one engine needs for the second stage: move accumulators, active pairs and ten sums. */
export function stageScratchBytes(stage: SecondStage, dim: number, padded: number): number {
  const lanes = imagesPerRun(stage) * stage.shifts.length;
  return align(lanes * padded * 4 + lanes * (dim / 2 + 4) * 8 + 80, 64);
}

/** What a second-stage run reads of its engine. */
export interface StageContext {
  readonly stage: SecondStage;
  readonly kernel: KernelExports;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  readonly dim: number;
  readonly padded: number;
  readonly termsAt: number;
  /** {@link stageScratchBytes} bytes, 64-aligned, this engine's own. */
  readonly scratchAt: number;
  /** Support vectors per block of a blocked run (WASM_VECTOR_BLOCK). */
  readonly block: number;
  readonly scale: number;
  readonly coef0: number;
  readonly degree: number;
}

/**
 * The second stage of one engine: after a pass of the first stage, `run` gives the images it routes their
 * second-stage decision values. Each routed image is moved back by every shift and its moves' dot products computed
 * together in blocked runs of {@link STAGE_LANES} lanes (the identity move copies the first stage's dot products),
 * then `stageScores` sums the terms: the JavaScript reference's operations, bit for bit. All scratch is made here,
 * once per engine.
 */
export function createStageRunner(ctx: StageContext) {
  const { stage, kernel, i32, f64, dim, padded, termsAt, block } = ctx;
  const moves = stage.shifts.length;
  const { count: movedCount, at: movedAt, runs } = readMoves(stage, i32, termsAt);
  const movedPadded = paddedCount(movedCount);
  const movedStride = 2 * movedPadded;
  const perRun = imagesPerRun(stage);
  const room = dim / 2 + 4;
  const accBytes = moves * padded * 4;
  const accAt = ctx.scratchAt;
  const actAt = accAt + perRun * accBytes;
  const outAt = actAt + perRun * moves * room * 8;
  const back = stage.shifts.map(({ dx, dy }) => ({ dx: -dx, dy: -dy }));
  const moved = new Uint8Array(dim);
  const act = activePairsFor(dim);
  const laneAct = new Int32Array(perRun * moves);
  const laneAcc = new Int32Array(perRun * moves);
  const laneCount = new Int32Array(perRun * moves);
  const laneRuns: Int32Array[] = [];
  const routed = new Int32Array(perRun);

  /** Second-stage values of the routed images in `routed[0 .. n)`, image b at images[b * dim], first-stage dots at firstAcc(b). */
  const runGroup = (images: Uint8Array, n: number, firstAcc: (b: number) => number, out: Float64Array): void => {
    let lanes = 0;
    for (let r = 0; r < n; r++) {
      const b = routed[r] as number;
      const image = images.subarray(b * dim, (b + 1) * dim);
      for (let s = 0; s < moves; s++) {
        const target = accAt + r * accBytes + s * padded * 4;
        if (isIdentity(back[s]!)) {
          i32.copyWithin(target >> 2, firstAcc(b) >> 2, (firstAcc(b) >> 2) + padded);
          continue;
        }
        shiftImage(image, back[s]!, moved);
        const at = actAt + lanes * room * 8;
        stageActivePairs(i32, at, findActivePairs(moved, dim, movedStride, act), movedAt);
        laneRuns[lanes] = runs[s]!;
        laneAct[lanes] = at;
        laneAcc[lanes] = target;
        laneCount[lanes++] = act.count;
      }
    }
    for (let s = 0; s < movedPadded; s += block) {
      const e = Math.min(movedPadded, s + block);
      for (let l = 0; l < lanes; l++) {
        const run = laneRuns[l]!;
        for (let k = 0; k < run.length; k += 2) {
          const from = Math.max(s, run[k]!);
          const to = Math.min(e, run[k + 1]!);
          if (from < to) kernel.dots(laneAct[l]!, laneCount[l]!, laneAcc[l]!, from, to);
        }
      }
    }
    for (let r = 0; r < n; r++) {
      const b = routed[r] as number;
      kernel.stageScores(termsAt, accAt + r * accBytes, ctx.scale, ctx.coef0, ctx.degree, outAt);
      out.set(f64.subarray(outAt >> 3, (outAt >> 3) + 10), b * 10);
      addBiases(stage.biases, out, b * 10);
    }
  };

  return {
    /**
     * Routes images 0..count-1 of `images` by their first-stage values in `out` and replaces the routed ones' values
     * with the second stage's; stages[b] = 2 for those.
     * @param firstAcc the byte address of image b's first-stage dot products (still in scratch after its pass)
     */
    run(images: Uint8Array, count: number, firstAcc: (b: number) => number, out: Float64Array, stages: Uint8Array) {
      let n = 0;
      for (let b = 0; b < count; b++) {
        if (!readsSecondStage(stage.gap, out, b * 10)) continue;
        stages[b] = 2;
        routed[n++] = b;
        if (n === perRun) {
          runGroup(images, n, firstAcc, out);
          n = 0;
        }
      }
      if (n > 0) runGroup(images, n, firstAcc, out);
    },
  };
}
