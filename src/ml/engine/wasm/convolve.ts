import { F64, I32, V128, type FunctionDef, type ValueType } from './encode.js';
import {
  BLOCK,
  br,
  brIf,
  bump,
  END,
  F32X4_FROM_F64X2_ZERO,
  F64X2_ADD,
  F64X2_FROM_F32X4_LOW,
  F64X2_MUL,
  F64X2_SPLAT,
  f64Load,
  get,
  I32_ADD,
  I32_GE_U,
  I32_SHL,
  I32_SUB,
  i32Const,
  i32Load,
  LOOP,
  set,
  v128Load,
  v128Store,
} from './ops.js';

/**
 * f64x2 accumulators per block of `convolve`: 2 x CONVOLVE_VECTORS outputs share each tap's weight. Ten of twelve
 * f64x2 registers in use kept the rounding's latency hidden: 0.21 ms for the pair network's two layers against
 * 0.31 at four and 0.24 at six (2-core AMD EPYC, 2026-12-06).
 */
export const CONVOLVE_VECTORS = 10;
/** Outputs per block of `convolve`. */
export const CONVOLVE_BLOCK = 2 * CONVOLVE_VECTORS;

/**
 * `convolve(input, n, taps, table, weights, bias, out)`: one output channel of a convolution, on the input's own
 * grid. Output q (q in [0, n), n a multiple of CONVOLVE_BLOCK) is bias + sum_t weights[t] * input[q + table[t]],
 * the terms added in t order and rounded to float32 after each addition, as js-conv.ts sums them; the input,
 * weights and outputs are float32 values held as f64, the table holds byte offsets (i32). Each lane does what the
 * reference does, `fround(a + w * x)`: the product of two float32 values is exact in float64, the sum is rounded to
 * float64 and then to float32 (demote, promote), so the results are the same bits. Outputs at columns past the
 * layer's width wrap into the next row and are dropped by the caller: one flat loop with no edge cases.
 */
export function convolve(): FunctionDef {
  const input = 0,
    n = 1,
    taps = 2,
    table = 3,
    weights = 4,
    bias = 5,
    out = 6;
  const q = 7,
    qEnd = 8,
    t = 9,
    tEnd = 10,
    w = 11,
    at = 12,
    vw = 13,
    vBias = 14;
  const acc = Array.from({ length: CONVOLVE_VECTORS }, (_, i) => 15 + i);
  const locals: ValueType[] = [I32, I32, I32, I32, I32, I32, V128, V128, ...acc.map((): ValueType => V128)];
  const body = [
    ...get(bias),
    ...F64X2_SPLAT,
    ...set(vBias),
    ...get(input),
    ...set(q),
    ...get(input),
    ...get(n),
    ...i32Const(3),
    ...I32_SHL,
    ...I32_ADD,
    ...set(qEnd),
    ...get(table),
    ...get(taps),
    ...i32Const(2),
    ...I32_SHL,
    ...I32_ADD,
    ...set(tEnd),
    ...BLOCK,
    ...LOOP,
    ...get(q),
    ...get(qEnd),
    ...I32_GE_U,
    ...brIf(1),
    ...acc.flatMap((a) => [...get(vBias), ...set(a)]),
    ...get(table),
    ...set(t),
    ...get(weights),
    ...set(w),
    ...BLOCK,
    ...LOOP,
    ...get(t),
    ...get(tEnd),
    ...I32_GE_U,
    ...brIf(1),
    ...get(w),
    ...f64Load(),
    ...F64X2_SPLAT,
    ...set(vw),
    ...get(q),
    ...get(t),
    ...i32Load(),
    ...I32_ADD,
    ...set(at),
    ...acc.flatMap((a, i) => [
      ...get(a),
      ...get(vw),
      ...get(at),
      ...v128Load(16 * i),
      ...F64X2_MUL,
      ...F64X2_ADD,
      ...F32X4_FROM_F64X2_ZERO,
      ...F64X2_FROM_F32X4_LOW,
      ...set(a),
    ]),
    ...bump(t, 4),
    ...bump(w, 8),
    ...br(0),
    ...END,
    ...END,
    // the block's outputs at out + (q - input)
    ...get(out),
    ...get(q),
    ...I32_ADD,
    ...get(input),
    ...I32_SUB,
    ...set(at),
    ...acc.flatMap((a, i) => [...get(at), ...get(a), ...v128Store(16 * i)]),
    ...bump(q, 8 * CONVOLVE_BLOCK),
    ...br(0),
    ...END,
    ...END,
  ];
  return { name: 'convolve', params: [I32, I32, I32, I32, I32, F64, I32], results: [], locals, body };
}
