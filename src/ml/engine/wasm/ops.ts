import { s32, u32 } from './encode.js';

/**
 * WebAssembly instructions as byte sequences (spec 2.0, section 5.4), the few the kernel module's functions use,
 * and {@link kernelValue}, the polynomial kernel written once for every function that needs it.
 */

export const BLOCK = [0x02, 0x40];
export const LOOP = [0x03, 0x40];
export const IF = [0x04, 0x40];
export const ELSE = [0x05];
export const END = [0x0b];
export const br = (depth: number) => [0x0c, ...u32(depth)];
export const brIf = (depth: number) => [0x0d, ...u32(depth)];
export const get = (local: number) => [0x20, ...u32(local)];
export const set = (local: number) => [0x21, ...u32(local)];
export const i32Const = (v: number) => [0x41, ...s32(v)];
export const f64Const = (v: number) => [0x44, ...new Uint8Array(new Float64Array([v]).buffer)];
const mem = (op: number, offset: number, align = 0) => [op, ...u32(align), ...u32(offset)];
export const i32Load = (offset = 0) => mem(0x28, offset, 2);
export const f64Load = (offset = 0) => mem(0x2b, offset, 3);
export const f32Load = (offset = 0) => mem(0x2a, offset, 2);
export const i32Load8U = (offset = 0) => mem(0x2d, offset, 0);
export const i32Store = (offset = 0) => mem(0x36, offset, 2);
export const f32Store = (offset = 0) => mem(0x38, offset, 2);
export const f64Store = (offset = 0) => mem(0x39, offset, 3);
export const SELECT = [0x1b];
export const I32_EQZ = [0x45];
export const I32_EQ = [0x46];
export const I32_GE_U = [0x4f];
export const I32_GT_S = [0x4a];
export const I32_ADD = [0x6a];
export const I32_SUB = [0x6b];
export const I32_SHL = [0x74];
export const I32_SHR_U = [0x76];
export const I32_AND = [0x71];
export const F64_GT = [0x64];
export const F64_LE = [0x65];
export const F64_GE = [0x66];
export const F64_NEG = [0x9a];
export const F64_ADD = [0xa0];
export const F64_SUB = [0xa1];
export const F64_DIV = [0xa3];
export const F64_FROM_F32 = [0xbb];
export const F64_MUL = [0xa2];
export const F64_FROM_I32 = [0xb7];
export const F32_FROM_F64 = [0xb6];
export const MEMORY_FILL = [0xfc, ...u32(11), 0x00];
const simd = (op: number, ...immediates: number[]) => [0xfd, ...u32(op), ...immediates];
export const v128Load = (offset = 0) => simd(0, ...u32(0), ...u32(offset));
export const load8x8U = (offset = 0) => simd(2, ...u32(0), ...u32(offset));
export const v128Store = (offset = 0) => simd(11, ...u32(0), ...u32(offset));
export const load64Zero = (offset = 0) => simd(93, ...u32(3), ...u32(offset));
export const store64Lane = (lane: number, offset = 0) => simd(91, ...u32(3), ...u32(offset), lane);
export const I32X4_SPLAT = simd(17);
export const F64X2_SPLAT = simd(20);
export const I32X4_ADD = simd(174);
export const I32X4_SUB = simd(177);
export const I32X4_SHL = simd(171);
export const I16X8_SHR_S = simd(140);
export const I32X4_DOT_I16X8_S = simd(186);
export const F64X2_ADD = simd(240);
export const F64X2_MUL = simd(242);
export const F32X4_FROM_F64X2_ZERO = simd(94);
export const F64X2_FROM_F32X4_LOW = simd(95);
export const F64X2_FROM_I32X4_LOW = simd(254);

/** local += delta (i32). */
export const bump = (local: number, delta: number) => [...get(local), ...i32Const(delta), ...I32_ADD, ...set(local)];

/**
 * Leaves (scale * acc + coef0)^degree on the stack, acc being the i32 at the address in local `at`, exactly as
 * poly.ts `integerPower` computes it (degree 4 as (t^2)^2, else repeated multiplication from 1).
 * @param scale f64 local; coef0 f64 local; degree i32 local; t, k f64 scratch locals; d i32 scratch local
 */
export function kernelValue(
  at: number,
  scale: number,
  coef0: number,
  degree: number,
  t: number,
  k: number,
  d: number,
): number[] {
  return [
    ...get(scale),
    ...get(at),
    ...i32Load(),
    ...F64_FROM_I32,
    ...F64_MUL,
    ...get(coef0),
    ...F64_ADD,
    ...set(t),
    ...get(degree),
    ...i32Const(4),
    ...I32_EQ,
    ...IF,
    // t2 * t2, as the reference does for degree 4
    ...get(t),
    ...get(t),
    ...F64_MUL,
    ...set(k),
    ...get(k),
    ...get(k),
    ...F64_MUL,
    ...set(k),
    ...ELSE,
    // r = 1; r *= t, degree times
    ...f64Const(1),
    ...set(k),
    ...get(degree),
    ...set(d),
    ...BLOCK,
    ...LOOP,
    ...get(d),
    ...i32Const(0),
    ...I32_GT_S,
    ...I32_EQZ,
    ...brIf(1),
    ...get(k),
    ...get(t),
    ...F64_MUL,
    ...set(k),
    ...bump(d, -1),
    ...br(0),
    ...END,
    ...END,
    ...END,
    ...get(k),
  ];
}
