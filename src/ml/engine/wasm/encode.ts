/**
 * A minimal WebAssembly binary encoder: just what the kernel module needs (one imported memory, functions with
 * i32/f64/v128 locals, exports). Written here rather than taken from a toolchain so the build needs no extra
 * dependency and the module's bytes are a pure function of this source (WebAssembly spec 2.0, section 5).
 */

/** Value types (spec 5.3.1). */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof F64 | typeof V128;

/** Unsigned LEB128. */
export function u32(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function s32(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function name(text: string): number[] {
  const bytes = Array.from(text, (c) => c.charCodeAt(0));
  return [...u32(bytes.length), ...bytes];
}

function vector(items: readonly number[][]): number[] {
  return [...u32(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...u32(body.length), ...body];
}

/** One function: its signature, its locals (after the parameters) and its body (without the final `end`). */
export interface FunctionDef {
  readonly name: string;
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
  readonly locals: readonly ValueType[];
  readonly body: readonly number[];
}

/** The imported memory `env.memory`: shared memories must declare a maximum (threads proposal). */
export interface MemoryImport {
  readonly minPages: number;
  readonly maxPages?: number;
  readonly shared: boolean;
}

/**
 * Encodes a module that imports `env.memory` and exports every function under its name.
 * @returns the module's bytes
 */
export function encodeModule(memory: MemoryImport, functions: readonly FunctionDef[]): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((t) => [t])), ...vector(f.results.map((t) => [t]))]);
  const limits =
    memory.maxPages === undefined
      ? [0x00, ...u32(memory.minPages)]
      : [memory.shared ? 0x03 : 0x01, ...u32(memory.minPages), ...u32(memory.maxPages)];
  const imports = [[...name('env'), ...name('memory'), 0x02, ...limits]];
  const codes = functions.map((f) => {
    // Locals are declared in runs of one type each.
    const runs: number[][] = [];
    for (const t of f.locals) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[1] === t) last[0] = (last[0] as number) + 1;
      else runs.push([1, t]);
    }
    const body = [...vector(runs.map(([count, t]) => [...u32(count as number), t as number])), ...f.body, 0x0b];
    return [...u32(body.length), ...body];
  });
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, vector(imports)),
    ...section(3, vector(functions.map((_, k) => u32(k)))),
    ...section(7, vector(functions.map((f, k) => [...name(f.name), 0x00, ...u32(k)]))),
    ...section(10, vector(codes)),
  ];
  return new Uint8Array(bytes);
}
