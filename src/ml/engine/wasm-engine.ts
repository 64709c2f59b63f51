import { MlError } from '../errors.js';
import type { SvmModel } from '../model-value.js';
import { addBiases } from './js-sums.js';
import { activePairsFor, findActivePairs, pairMatrixBytes } from './pairs.js';
import { dotScale } from './poly.js';
import type { ModelEngine } from './types.js';
import { CONV_SCRATCH_BYTES, createConvRunner } from './wasm-conv.js';
import {
  createStageRunner,
  moveLayout,
  placedStageEnd,
  stageScratchBytes,
  stageTermsBytes,
  writeStageTerms,
  type MoveLayout,
} from './wasm-second-stage.js';
import {
  align,
  growScratch,
  HEADER_BYTES,
  instantiateKernel,
  MAX_SHARED_PAGES,
  PAGE,
  stageActivePairs,
  type ModelMemory,
} from './wasm-memory.js';
import { kernelWasmBytes } from './wasm/kernel-module.js';

export { startModelMemory, type ModelMemory } from './wasm-memory.js';

/**
 * The compiled kernel module (wasm/kernel-module.ts), in the variant for an ordinary memory and, where threads
 * share one copy of the model, the variant for a shared memory. Compile them from the shipped `.wasm` files
 * (Node: `loadKernelModules` in mnist-digits' Node entry), from {@link kernelWasmBytes}, or import them as
 * modules where compiling at run time is forbidden (workerd).
 */
export interface WasmKernelModules {
  readonly plain: WebAssembly.Module;
  readonly shared?: WebAssembly.Module;
}

/** Where a model placed by {@link placeModel} lives in a shared WebAssembly memory. */
export interface ModelPlacement {
  readonly memory: WebAssembly.Memory;
  readonly pairsOffset: number;
  readonly coefOffset: number;
  /** Where a two-stage model's second-stage terms are (wasm-second-stage.ts `writeStageTerms`); 0 without one. */
  readonly termsOffset: number;
}

/** A model whose support vectors and coefficients are views into a shared WebAssembly memory. */
export type PlacedModel = SvmModel & { readonly placement: ModelPlacement };

/**
 * Images per pass of a batch: their accumulators (4 bytes per support vector each, about 54 KB for the shipped first
 * stage; under 1 MB for 16) stay in L2 together. 16 measured faster per image than 8 and no slower than 32
 * (docs/BENCHMARKS.md, "Prediction engine").
 */
export const WASM_BATCH = 16;
/**
 * Support vectors per block in a batch: each block's active pair rows (about 98 rows x 2 x 2,048 bytes = 400 KB)
 * are read from L2, not memory, by the batch's other images (blocks of 1,024 and 4,096 measured within noise).
 */
export const WASM_VECTOR_BLOCK = 2048;

/** Where a model's arrays go in engine memory; a two-stage model's moves' layout (wasm-second-stage.ts) with them. */
interface Layout {
  readonly pairsOffset: number;
  readonly coefOffset: number;
  readonly termsOffset: number;
  readonly end: number;
  readonly moves?: MoveLayout;
}

function layout(model: SvmModel): Layout {
  const pairsOffset = HEADER_BYTES;
  const coefOffset = align(pairsOffset + pairMatrixBytes(model.supportVectorCount, model.dim), 16);
  return withStage(model, { pairsOffset, coefOffset, end: coefOffset + model.supportVectorCount * 80 });
}

/** A layout ending at `end`, with the second stage's region after it (none without a second stage). */
function withStage(model: SvmModel, at: { pairsOffset: number; coefOffset: number; end: number }): Layout {
  const second = model.secondStage;
  if (second === undefined) return { ...at, termsOffset: 0 };
  const termsOffset = align(at.end, 16);
  const moves = moveLayout(second, model.supportVectorCount);
  return { ...at, termsOffset, end: termsOffset + stageTermsBytes(second, moves, model.dim), moves };
}

/** Writes the model's support vectors, coefficients (each unless already there) and second-stage terms into `buffer` as {@link layout} says. */
function writeModel(
  model: SvmModel,
  buffer: ArrayBufferLike,
  at: Layout,
  write: { readonly pairs: boolean; readonly coefficients: boolean },
): void {
  const m = model.supportVectorPairs;
  if (write.pairs) new Uint8Array(buffer, at.pairsOffset, m.bytes.length).set(m.bytes);
  if (write.coefficients) new Float64Array(buffer, at.coefOffset, model.coefficients.length).set(model.coefficients);
  if (model.secondStage !== undefined && at.moves !== undefined)
    writeStageTerms(model.secondStage, at.moves, m, buffer, at.termsOffset);
}

/** True when this runtime runs the kernel module (WebAssembly with fixed-width SIMD). */
export function wasmSimdAvailable(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(kernelWasmBytes(false));
  } catch {
    return false;
  }
}

/** Compiles both variants of the kernel module from {@link kernelWasmBytes} (where compiling at run time is allowed). */
export async function compileKernelModules(): Promise<WasmKernelModules> {
  const [plain, shared] = await Promise.all([
    WebAssembly.compile(kernelWasmBytes(false)),
    WebAssembly.compile(kernelWasmBytes(true)),
  ]);
  return { plain, shared };
}

/**
 * The same model with its support vectors and coefficients moved into one shared WebAssembly memory. Posted to
 * worker threads (postMessage or workerData), the memory is shared, not copied: every thread's WebAssembly and
 * JavaScript engines read the one copy.
 * @param started a memory (startModelMemory) that already holds some of this model's arrays: its support vectors
 *   decoded into it, or the whole model file read into it and decoded in place (DecodeOptions.inPlace). Those stay
 *   where they are, the rest is written after them; without it, or when the support vectors are elsewhere, a new
 *   memory gets copies of everything.
 * @example const placed = placeModel(model); new Worker(url, { workerData: placed });
 */
export function placeModel(model: SvmModel, started?: ModelMemory): PlacedModel {
  const m = model.supportVectorPairs;
  const inStarted = (array: ArrayBufferView): boolean => started !== undefined && array.buffer === started.bytes.buffer;
  let memory: WebAssembly.Memory;
  let at: Layout;
  if (started !== undefined && inStarted(m.bytes)) {
    memory = started.memory;
    at = layoutAround(model, started.bytes, inStarted(model.coefficients));
    const missing = Math.ceil(at.end / PAGE) - memory.buffer.byteLength / PAGE;
    if (missing > 0) memory.grow(missing);
    writeModel(model, memory.buffer, at, { pairs: false, coefficients: !inStarted(model.coefficients) });
  } else {
    at = layout(model);
    memory = new WebAssembly.Memory({ initial: Math.ceil(at.end / PAGE), maximum: MAX_SHARED_PAGES, shared: true });
    writeModel(model, memory.buffer, at, { pairs: true, coefficients: true });
  }
  const { pairsOffset, coefOffset, termsOffset } = at;
  const bytes = new Uint8Array(memory.buffer, pairsOffset, m.bytes.length);
  const coefficients = new Float64Array(memory.buffer, coefOffset, model.coefficients.length);
  const second = model.secondStage;
  // The same values in other memory, so nothing buildModel derives or checks can change: not rebuilt through it,
  // which keeps this module (imported by every prediction worker) free of the model schemas (zod, ~0.1 s of a
  // worker's start on a 2-core EPYC).
  const placed: SvmModel = {
    ...model,
    supportVectorPairs: { ...m, bytes },
    coefficients,
    // The second stage's arrays (3-4 MB) go to shared buffers too (unless already there: a file decoded in place),
    // so threads share them instead of copying.
    ...(second === undefined
      ? {}
      : {
          secondStage: {
            ...second,
            slots: inSharedBuffer(second.slots, (b) => new Uint32Array(b)),
            coefficients: inSharedBuffer(second.coefficients, (b) => new Float64Array(b)),
            terms: second.terms.map((t) => ({
              entries: inSharedBuffer(t.entries, (b) => new Int32Array(b)),
              coefficients: inSharedBuffer(t.coefficients, (b) => new Float64Array(b)),
            })),
          },
        }),
  };
  return { ...placed, placement: { memory, pairsOffset, coefOffset, termsOffset } };
}

/**
 * {@link layout} for a model whose support vectors (and coefficients, when `coefficientsIn`) already lie in
 * `region` of a started memory: they keep their offsets, and whatever is not there yet goes after the region.
 */
function layoutAround(model: SvmModel, region: Uint8Array, coefficientsIn: boolean): Layout {
  const pairsOffset = model.supportVectorPairs.bytes.byteOffset;
  let end = region.byteOffset + region.length;
  let coefOffset = model.coefficients.byteOffset;
  if (!coefficientsIn) {
    coefOffset = align(end, 16);
    end = coefOffset + model.supportVectorCount * 80;
  }
  return withStage(model, { pairsOffset, coefOffset, end });
}

function inSharedBuffer<T extends Uint32Array | Int32Array | Float64Array>(
  values: T,
  view: (buffer: SharedArrayBuffer) => T,
): T {
  if (values.buffer instanceof SharedArrayBuffer) return values;
  const copy = view(new SharedArrayBuffer(values.byteLength));
  copy.set(values);
  return copy;
}

function placementOf(model: SvmModel): ModelPlacement | undefined {
  return (model as Partial<PlacedModel>).placement;
}

/** Options of {@link createWasmEngine}. */
export interface WasmEngineOptions {
  /**
   * For a placed model: the `scratchAt` of an earlier engine on the same memory whose thread has exited, to reuse
   * instead of growing the memory (a shared memory never shrinks, so a pool that replaces stuck workers would
   * otherwise add ~0.9 MB per replacement for as long as the process lives).
   */
  readonly scratchAt?: number;
}

/** A WebAssembly engine; `scratchAt` says where its scratch is in a placed model's shared memory. */
export type WasmModelEngine = ModelEngine & { readonly scratchAt: number | undefined };

/**
 * The WebAssembly SIMD engine. A model from {@link placeModel} is used in place (this engine only adds its own
 * scratch, a batch's accumulators and the second stage's sums, to the shared memory, or reuses `options.scratchAt`);
 * any other model is copied into a private memory.
 * @throws MlError `INVALID_ARGUMENT` for a placed model without the shared module variant, or a `scratchAt`
 *   outside its memory
 * @example const engine = createWasmEngine(model, await compileKernelModules());
 */
export function createWasmEngine(
  model: SvmModel,
  modules: WasmKernelModules,
  options: WasmEngineOptions = {},
): WasmModelEngine {
  const { dim, supportVectorCount: count } = model;
  const padded = model.supportVectorPairs.padded;
  const room = dim / 2 + 4;
  const outBytes = WASM_BATCH * 80;
  const actBytes = WASM_BATCH * room * 8;
  const accBytes = WASM_BATCH * padded * 4;
  const second = model.secondStage;
  const stageBytes = second === undefined ? 0 : stageScratchBytes(second, dim, padded);
  const stageEnd = align(outBytes + actBytes + accBytes, 64) + stageBytes;
  const scratchBytes = align(stageEnd, 64) + CONV_SCRATCH_BYTES;
  const placement = placementOf(model);
  let memory: WebAssembly.Memory;
  let pairsOffset: number;
  let coefOffset: number;
  let termsOffset: number;
  let scratch: number;
  let module: WebAssembly.Module;
  if (placement !== undefined) {
    if (modules.shared === undefined)
      throw new MlError('INVALID_ARGUMENT', 'a model in shared memory needs the shared variant of the kernel module');
    ({ memory, pairsOffset, coefOffset, termsOffset } = placement);
    module = modules.shared;
    scratch = options.scratchAt ?? growScratch(memory, scratchBytes);
    // The placed model's own end, read from its memory (a thread does not lay the second stage's moves out again).
    const end =
      second === undefined
        ? coefOffset + count * 80
        : placedStageEnd(second, new Int32Array(memory.buffer), termsOffset, dim);
    if (scratch < end || scratch % PAGE !== 0 || scratch + scratchBytes > memory.buffer.byteLength) {
      throw new MlError('INVALID_ARGUMENT', `scratchAt ${scratch} is not a scratch region of this model's memory`);
    }
  } else {
    const at = layout(model);
    ({ pairsOffset, coefOffset, termsOffset } = at);
    scratch = align(at.end, 64);
    memory = new WebAssembly.Memory({ initial: Math.ceil((scratch + scratchBytes) / PAGE) });
    writeModel(model, memory.buffer, at, { pairs: true, coefficients: true });
    module = modules.plain;
  }
  const kernel = instantiateKernel(module, memory);
  const i32 = new Int32Array(memory.buffer);
  const f64 = new Float64Array(memory.buffer);
  const outAt = scratch;
  const actAt = outAt + outBytes;
  const accAt = actAt + actBytes;
  const stageAt = align(accAt + accBytes, 64);
  const act = activePairsFor(dim);
  const stride = model.supportVectorPairs.stride;
  const scale = dotScale(model.kernel.gamma);
  const { coef0, degree } = model.kernel;
  const nAct = new Int32Array(WASM_BATCH);
  const stageRunner =
    second === undefined
      ? undefined
      : createStageRunner({
          stage: second,
          kernel,
          i32,
          f64,
          dim,
          padded,
          termsAt: termsOffset,
          scratchAt: stageAt,
          block: WASM_VECTOR_BLOCK,
          scale,
          coef0,
          degree,
        });
  const firstAcc = (b: number): number => accAt + b * padded * 4;
  const convolve = createConvRunner(kernel, memory, scratch + align(stageEnd, 64));

  /** Writes image `b` of the pass as (row address, lo | hi << 16) entries for the `dots` export. */
  const stage = (image: Uint8Array, b: number): void => {
    stageActivePairs(i32, actAt + b * room * 8, findActivePairs(image, dim, stride, act), pairsOffset);
    nAct[b] = act.count;
  };
  /** Dot products of the staged images 0..nb-1 into their accumulators. */
  const run = (nb: number): void => {
    if (nb === 1) {
      kernel.dots(actAt, nAct[0] as number, accAt, 0, padded);
      return;
    }
    for (let s = 0; s < padded; s += WASM_VECTOR_BLOCK) {
      const e = Math.min(padded, s + WASM_VECTOR_BLOCK);
      for (let b = 0; b < nb; b++) kernel.dots(actAt + b * room * 8, nAct[b] as number, accAt + b * padded * 4, s, e);
    }
  };
  const passes = (images: Uint8Array, imageCount: number, each: (first: number, nb: number) => void): void => {
    if (images.length < imageCount * dim)
      throw new MlError('INVALID_ARGUMENT', `expected ${imageCount} x ${dim} bytes of images, got ${images.length}`);
    for (let first = 0; first < imageCount; first += WASM_BATCH) {
      const nb = Math.min(WASM_BATCH, imageCount - first);
      for (let b = 0; b < nb; b++) stage(images.subarray((first + b) * dim, (first + b + 1) * dim), b);
      run(nb);
      each(first, nb);
    }
  };
  /** The first stage's values of the pass's images first .. first + nb - 1, from their accumulators. */
  const firstStage = (first: number, nb: number, out: Float64Array): void => {
    for (let b = 0; b < nb; b++) {
      kernel.scores(firstAcc(b), count, coefOffset, scale, coef0, degree, outAt);
      const at = (first + b) * 10;
      out.set(f64.subarray(outAt >> 3, (outAt >> 3) + 10), at);
      addBiases(model.biases, out, at);
    }
  };
  return {
    backend: 'wasm-simd',
    model,
    scratchAt: placement === undefined ? undefined : scratch,
    dots(images, imageCount, out) {
      passes(images, imageCount, (first, nb) => {
        for (let b = 0; b < nb; b++)
          out.set(i32.subarray((accAt >> 2) + b * padded, (accAt >> 2) + b * padded + count), (first + b) * count);
      });
    },
    decisionValues(images, imageCount, out) {
      passes(images, imageCount, (first, nb) => firstStage(first, nb, out));
    },
    stagedDecisionValues(images, imageCount, out, stages) {
      stages.fill(1, 0, imageCount);
      passes(images, imageCount, (first, nb) => {
        firstStage(first, nb, out);
        stageRunner?.run(
          images.subarray(first * dim, (first + nb) * dim),
          nb,
          firstAcc,
          out.subarray(first * 10, (first + nb) * 10),
          stages.subarray(first, first + nb),
        );
      });
    },
    convolve,
  };
}
