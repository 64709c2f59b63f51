import type { SecondStage } from '../second-stage.js';
import { readsSecondStage } from '../routing.js';
import { shiftImage } from '../virtual-sv.js';
import { addBiases } from './js-sums.js';
import { activePairsFor, findActivePairs } from './pairs.js';
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

/** Bytes of the second stage's terms in engine memory (see {@link writeStageTerms}). */
export function stageTermsBytes(stage: SecondStage): number {
  return stage.terms.reduce((bytes, t) => bytes + align(12 * t.entries.length, 8), 10 * STAGE_TABLE_ENTRY);
}

/**
 * Lays the second stage's terms out for the `stageScores` export at byte `at` (8-aligned) of `buffer`: the ten-entry
 * table, then per digit its non-zero coefficients (f64) and, for each, the byte offset of its support vector's dot
 * product among an image's move accumulators (move s of first-stage vector i at (s * padded + i) * 4). Derived here,
 * when the engine places the model, so the model format keeps only slots.
 */
export function writeStageTerms(
  stage: SecondStage,
  count: number,
  padded: number,
  buffer: ArrayBufferLike,
  at: number,
): void {
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
      i32[(offAt >> 2) + j] = (s * padded + slot - s * count) * 4;
    }
    const entry = (at + c * STAGE_TABLE_ENTRY) >> 2;
    i32[entry] = p;
    i32[entry + 1] = offAt;
    i32[entry + 2] = offAt + 4 * n;
    i32[entry + 3] = 0;
    p = align(offAt + 4 * n, 8);
  });
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
  readonly stride: number;
  readonly pairsOffset: number;
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
  const { stage, kernel, i32, f64, dim, padded, stride, pairsOffset, termsAt, block } = ctx;
  const moves = stage.shifts.length;
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
        stageActivePairs(i32, at, findActivePairs(moved, dim, stride, act), pairsOffset);
        laneAct[lanes] = at;
        laneAcc[lanes] = target;
        laneCount[lanes++] = act.count;
      }
    }
    for (let s = 0; s < padded; s += block) {
      const e = Math.min(padded, s + block);
      for (let l = 0; l < lanes; l++) kernel.dots(laneAct[l]!, laneCount[l]!, laneAcc[l]!, s, e);
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
