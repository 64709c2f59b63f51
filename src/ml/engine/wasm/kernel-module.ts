import { encodeModule, F64, I32, V128, type FunctionDef, type ValueType } from './encode.js';
import {
  BLOCK,
  br,
  brIf,
  bump,
  END,
  F32_FROM_F64,
  F32X4_FROM_F64X2_ZERO,
  F64X2_FROM_I32X4_LOW,
  F64X2_ADD,
  F64X2_MUL,
  F64X2_SPLAT,
  f32Store,
  get,
  I32_ADD,
  I32_EQ,
  I32_GE_U,
  I32_SHL,
  I32_SHR_U,
  I32_SUB,
  I32X4_ADD,
  I32X4_DOT_I16X8_S,
  I32X4_SHL,
  I32X4_SUB,
  I16X8_SHR_S,
  I32_AND,
  I32X4_SPLAT,
  i32Const,
  i32Load,
  IF,
  ELSE,
  kernelValue,
  load64Zero,
  LOOP,
  MEMORY_FILL,
  set,
  store64Lane,
  v128Load,
  v128Store,
} from './ops.js';
import { convolve } from './convolve.js';
import { selectJ, updateGradient } from './smo-loops.js';
import { stageScores } from './stage-scores.js';
import { MAX_SHARED_PAGES } from '../wasm-memory.js';

/**
 * The kernel engine's WebAssembly module, fixed-width SIMD only (no relaxed SIMD: it needs a flag in Node 20 and
 * its fused multiply-add would break bit-identity with the JavaScript reference).
 *
 * Exports, all over the imported `env.memory` (addresses in bytes):
 * - `dots(act, nAct, acc, start, end)`: acc[i] = sum over the active pairs of x[2k] * v_i[2k] + x[2k+1] * v_i[2k+1]
 *   for vectors i in [start, end) (multiples of 8). `act` holds nAct (a multiple of 4) entries of two i32s: the
 *   address of pair row k (pairs.ts: two vectors' pixel pairs in each 32-bit word) and w = x[2k] | x[2k+1] << 16.
 *   One 16-byte load of a row serves 8 vectors: `i32x4.dot_i16x8_s` of its 16-bit lanes gives four vectors' dots
 *   plus 256 times the other four's (stored less 128 in the lanes' signed high bytes), and of the lanes shifted
 *   right by 8 the other four's alone; a last pass over the accumulators separates them. Exact: products under
 *   2^23, sums modulo 2^32 of values whose true dots are under 2^31. Four active pairs per pass over the vectors,
 *   accumulators in memory: the layout that measured fastest, about twice as fast as register-tiled accumulators
 *   (docs/BENCHMARKS.md, "Prediction engine"); the shared 16-bit lanes 23% faster than bytes widened to 16 bits
 *   (one widening per 8 bytes, which this Xeon's shuffle port serialized; docs/BENCHMARKS.md, "Prediction").
 * - `scores(acc, count, coef, scale, coef0, degree, out)`: out[c] = sum_i coef[i * 10 + c] * K_i for the ten
 *   classes, K_i = (scale * acc[i] + coef0)^degree, in float64 in exactly the operation order of the JavaScript
 *   reference (kernel.ts `integerPower`, then s_c = s_c + coef * K, i ascending), two classes per f64x2 lane pair:
 *   the results are bit-identical.
 * - `kernelRow(acc, n, scale, coef0, degree, out)`: out[j] = float32((scale * acc[j] + coef0)^degree), as
 *   kernel.ts `kernelValues` computes a training kernel row.
 * - `stageScores(table, acc, scale, coef0, degree, out)`: a two-stage model's second-stage sums (stage-scores.ts).
 * - `selectJ`, `updateGradient`: the SMO solver's loops over its active set (smo-loops.ts).
 * - `convolve(input, n, taps, table, weights, bias, out)`: one channel of a convolution layer's sums, float32
 *   rounding after every tap as the JavaScript reference (js-conv.ts), for the reader's pair network (convolve.ts).
 */

function dots(): FunctionDef {
  // params
  const act = 0,
    nAct = 1,
    acc = 2,
    start = 3,
    end = 4;
  // locals
  const g = 5,
    gEnd = 6,
    a = 7,
    aStart = 8,
    aEnd = 9,
    inputSum = 10;
  const p = [11, 12, 13, 14] as const;
  const w = [15, 16, 17, 18] as const;
  const lanes = 19,
    low = 20,
    high = 21,
    bias = 22;
  const locals: ValueType[] = [
    ...new Array<ValueType>(10).fill(I32),
    ...new Array<ValueType>(8).fill(V128),
    V128,
    V128,
    V128,
    V128,
  ];
  /**
   * Eight vectors per iteration: 16 bytes of each pair row; the low lanes' sums (a + 256 b', pairs.ts) to the first
   * 4 accumulators, the high bytes' alone (b') to the next 4. In the last pass over the active pairs the two are
   * separated before they are stored: b . x = b' + 128 * sum(x), a . x = low - 256 b' (mod 2^32, exact since
   * a . x < 2^31), with no pass of its own over the accumulators.
   */
  const vectorLoop = (last: boolean) => [
    ...get(aStart),
    ...set(a),
    ...BLOCK,
    ...LOOP,
    ...get(a),
    ...get(aEnd),
    ...I32_GE_U,
    ...brIf(1),
    ...get(a),
    ...v128Load(0),
    ...set(low),
    ...get(a),
    ...v128Load(16),
    ...set(high),
    ...p.flatMap((pk, k) => [
      ...get(pk),
      ...v128Load(0),
      ...set(lanes),
      ...get(low),
      ...get(lanes),
      ...get(w[k] as number),
      ...I32X4_DOT_I16X8_S,
      ...I32X4_ADD,
      ...set(low),
      ...get(high),
      ...get(lanes),
      ...i32Const(8),
      ...I16X8_SHR_S,
      ...get(w[k] as number),
      ...I32X4_DOT_I16X8_S,
      ...I32X4_ADD,
      ...set(high),
    ]),
    ...(last
      ? [
          ...get(low),
          ...get(high),
          ...i32Const(8),
          ...I32X4_SHL,
          ...I32X4_SUB,
          ...set(low),
          ...get(high),
          ...get(bias),
          ...I32X4_ADD,
          ...set(high),
        ]
      : []),
    ...get(a),
    ...get(low),
    ...v128Store(0),
    ...get(a),
    ...get(high),
    ...v128Store(16),
    ...bump(a, 32),
    ...p.flatMap((pk) => bump(pk, 16)),
    ...br(0),
    ...END,
    ...END,
  ];
  const body = [
    // aStart = acc + 4 * start; aEnd = acc + 4 * end; zero acc[start .. end)
    ...get(acc),
    ...get(start),
    ...i32Const(2),
    ...I32_SHL,
    ...I32_ADD,
    ...set(aStart),
    ...get(acc),
    ...get(end),
    ...i32Const(2),
    ...I32_SHL,
    ...I32_ADD,
    ...set(aEnd),
    ...get(aStart),
    ...i32Const(0),
    ...get(aEnd),
    ...get(aStart),
    ...I32_SUB,
    ...MEMORY_FILL,
    // gEnd = act + 8 * nAct; inputSum = the sum of x_lo + x_hi over the active pairs, for the high lanes' bias
    ...get(act),
    ...get(nAct),
    ...i32Const(3),
    ...I32_SHL,
    ...I32_ADD,
    ...set(gEnd),
    ...get(act),
    ...set(g),
    ...BLOCK,
    ...LOOP,
    ...get(g),
    ...get(gEnd),
    ...I32_GE_U,
    ...brIf(1),
    ...get(inputSum),
    ...get(g),
    ...i32Load(4),
    ...i32Const(0xffff),
    ...I32_AND,
    ...I32_ADD,
    ...get(g),
    ...i32Load(4),
    ...i32Const(16),
    ...I32_SHR_U,
    ...I32_ADD,
    ...set(inputSum),
    ...bump(g, 8),
    ...br(0),
    ...END,
    ...END,
    ...get(inputSum),
    ...i32Const(7),
    ...I32_SHL,
    ...I32X4_SPLAT,
    ...set(bias),
    // g walks the active pairs four at a time
    ...get(act),
    ...set(g),
    ...BLOCK,
    ...LOOP,
    ...get(g),
    ...get(gEnd),
    ...I32_GE_U,
    ...brIf(1),
    ...p.flatMap((pk, k) => [
      ...get(g),
      ...i32Load(8 * k),
      ...get(start),
      ...i32Const(1),
      ...I32_SHL,
      ...I32_ADD,
      ...set(pk),
    ]),
    ...w.flatMap((wk, k) => [...get(g), ...i32Load(8 * k + 4), ...I32X4_SPLAT, ...set(wk)]),
    ...bump(g, 32),
    ...get(g),
    ...get(gEnd),
    ...I32_GE_U,
    ...IF,
    ...vectorLoop(true),
    ...ELSE,
    ...vectorLoop(false),
    ...END,
    ...br(0),
    ...END,
    ...END,
  ];
  return { name: 'dots', params: [I32, I32, I32, I32, I32], results: [], locals, body };
}

function scores(): FunctionDef {
  const acc = 0,
    count = 1,
    coef = 2,
    scale = 3,
    coef0 = 4,
    degree = 5,
    out = 6;
  const aEnd = 7,
    d = 8,
    t = 9,
    k = 10,
    kv = 11;
  const s = [12, 13, 14, 15, 16] as const;
  const locals: ValueType[] = [I32, I32, F64, F64, V128, V128, V128, V128, V128, V128];
  const body = [
    ...get(acc),
    ...get(count),
    ...i32Const(2),
    ...I32_SHL,
    ...I32_ADD,
    ...set(aEnd),
    ...BLOCK,
    ...LOOP,
    ...get(acc),
    ...get(aEnd),
    ...I32_GE_U,
    ...brIf(1),
    ...kernelValue(acc, scale, coef0, degree, t, k, d),
    ...F64X2_SPLAT,
    ...set(kv),
    ...s.flatMap((sc, c) => [
      ...get(sc),
      ...get(coef),
      ...v128Load(16 * c),
      ...get(kv),
      ...F64X2_MUL,
      ...F64X2_ADD,
      ...set(sc),
    ]),
    ...bump(acc, 4),
    ...bump(coef, 80),
    ...br(0),
    ...END,
    ...END,
    ...s.flatMap((sc, c) => [...get(out), ...get(sc), ...v128Store(16 * c)]),
  ];
  return { name: 'scores', params: [I32, I32, I32, F64, F64, I32, I32], results: [], locals, body };
}

function kernelRow(): FunctionDef {
  const acc = 0,
    n = 1,
    scale = 2,
    coef0 = 3,
    degree = 4,
    out = 5;
  const aEnd = 6,
    d = 7,
    t = 8,
    k = 9,
    pairEnd = 10,
    vScale = 11,
    vCoef0 = 12,
    v = 13;
  const locals: ValueType[] = [I32, I32, F64, F64, I32, V128, V128, V128];
  // Degree 4, the shipped kernel: two values a step in f64x2 lanes, each lane the scalar code's operations in its
  // order (scale * dot + coef0, then (t^2)^2, then float32), so the same bits; any last odd value and every other
  // degree go through the scalar loop below.
  const twoAStep = [
    ...get(degree),
    ...i32Const(4),
    ...I32_EQ,
    ...IF,
    ...get(scale),
    ...F64X2_SPLAT,
    ...set(vScale),
    ...get(coef0),
    ...F64X2_SPLAT,
    ...set(vCoef0),
    // pairEnd = acc + 8 * (n >> 1)
    ...get(acc),
    ...get(n),
    ...i32Const(1),
    ...I32_SHR_U,
    ...i32Const(3),
    ...I32_SHL,
    ...I32_ADD,
    ...set(pairEnd),
    ...BLOCK,
    ...LOOP,
    ...get(acc),
    ...get(pairEnd),
    ...I32_GE_U,
    ...brIf(1),
    ...get(out),
    ...get(vScale),
    ...get(acc),
    ...load64Zero(),
    ...F64X2_FROM_I32X4_LOW,
    ...F64X2_MUL,
    ...get(vCoef0),
    ...F64X2_ADD,
    ...set(v),
    ...get(v),
    ...get(v),
    ...F64X2_MUL,
    ...set(v),
    ...get(v),
    ...get(v),
    ...F64X2_MUL,
    ...F32X4_FROM_F64X2_ZERO,
    ...store64Lane(0),
    ...bump(acc, 8),
    ...bump(out, 8),
    ...br(0),
    ...END,
    ...END,
    ...END,
  ];
  const body = [
    ...get(acc),
    ...get(n),
    ...i32Const(2),
    ...I32_SHL,
    ...I32_ADD,
    ...set(aEnd),
    ...twoAStep,
    ...BLOCK,
    ...LOOP,
    ...get(acc),
    ...get(aEnd),
    ...I32_GE_U,
    ...brIf(1),
    ...get(out),
    ...kernelValue(acc, scale, coef0, degree, t, k, d),
    ...F32_FROM_F64,
    ...f32Store(),
    ...bump(acc, 4),
    ...bump(out, 4),
    ...br(0),
    ...END,
    ...END,
  ];
  return { name: 'kernelRow', params: [I32, I32, F64, F64, I32, I32], results: [], locals, body };
}

/**
 * The kernel module's bytes. `shared` selects the memory it imports: a shared memory (several threads, one copy of
 * the vectors; needs SharedArrayBuffer) or an ordinary one (browsers without cross-origin isolation, workerd).
 */
export function kernelWasmBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const memory = shared ? { minPages: 1, maxPages: MAX_SHARED_PAGES, shared: true } : { minPages: 1, shared: false };
  return encodeModule(memory, [dots(), scores(), kernelRow(), stageScores(), selectJ(), updateGradient(), convolve()]);
}
