import { F64, I32, type FunctionDef, type ValueType } from './encode.js';
import {
  BLOCK,
  br,
  brIf,
  bump,
  END,
  F64_ADD,
  F64_MUL,
  f64Const,
  f64Load,
  f64Store,
  get,
  I32_ADD,
  I32_GE_U,
  i32Load,
  kernelValue,
  LOOP,
  set,
} from './ops.js';

/** Bytes per digit in the table `stageScores` reads: coefficients' address, offsets' address, offsets' end, 0. */
export const STAGE_TABLE_ENTRY = 16;

/**
 * `stageScores(table, acc, scale, coef0, degree, out)`: the second stage's ten sums of one image,
 * out[c] = sum_j coef_c[j] * K(acc[off_c[j]]), j ascending, float64, K as in `scores`. `table` holds ten entries of
 * {@link STAGE_TABLE_ENTRY} bytes (the address of digit c's non-zero coefficients, of their i32 byte offsets into the
 * image's move accumulators, and the offsets' end); `acc` is where the image's accumulators start, one block per
 * move. The operations and their order are those of the JavaScript reference (second-stage-scores.ts: sum = sum +
 * coef * K, terms in entry order), so the results are bit-identical. Scalar: the ten digits' terms are different
 * support vectors, and reading only non-zero terms (85,000 of 481,000 for the shipped model) beats a dense f64x2 sum.
 */
export function stageScores(): FunctionDef {
  const table = 0,
    acc = 1,
    scale = 2,
    coef0 = 3,
    degree = 4,
    out = 5;
  const coefP = 6,
    offP = 7,
    offEnd = 8,
    at = 9,
    d = 10,
    t = 11,
    k = 12,
    s = 13;
  const locals: ValueType[] = [I32, I32, I32, I32, I32, F64, F64, F64];
  const digit = (c: number) => [
    ...get(table),
    ...i32Load(STAGE_TABLE_ENTRY * c),
    ...set(coefP),
    ...get(table),
    ...i32Load(STAGE_TABLE_ENTRY * c + 4),
    ...set(offP),
    ...get(table),
    ...i32Load(STAGE_TABLE_ENTRY * c + 8),
    ...set(offEnd),
    ...f64Const(0),
    ...set(s),
    ...BLOCK,
    ...LOOP,
    ...get(offP),
    ...get(offEnd),
    ...I32_GE_U,
    ...brIf(1),
    ...get(acc),
    ...get(offP),
    ...i32Load(),
    ...I32_ADD,
    ...set(at),
    ...get(s),
    ...get(coefP),
    ...f64Load(),
    ...kernelValue(at, scale, coef0, degree, t, k, d),
    ...F64_MUL,
    ...F64_ADD,
    ...set(s),
    ...bump(coefP, 8),
    ...bump(offP, 4),
    ...br(0),
    ...END,
    ...END,
    ...get(out),
    ...get(s),
    ...f64Store(8 * c),
  ];
  const body = Array.from({ length: 10 }, (_, c) => digit(c)).flat();
  return { name: 'stageScores', params: [I32, I32, F64, F64, I32, I32], results: [], locals, body };
}
