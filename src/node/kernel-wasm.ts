import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJsEngine } from '../ml/engine/js-engine.js';
import type { EngineBackend, ModelEngine } from '../ml/engine/types.js';
import {
  compileKernelModules,
  createWasmEngine,
  wasmSimdAvailable,
  type WasmEngineOptions,
  type WasmKernelModules,
} from '../ml/engine/wasm-engine.js';
import { kernelWasmBytes } from '../ml/engine/wasm/kernel-module.js';
import type { SvmModel } from '../ml/model.js';

/** The kernel module's two variants as the build writes them beside the engine (dist/ml/engine/). */
export const KERNEL_WASM_FILES = { plain: 'kernel.wasm', shared: 'kernel-shared.wasm' } as const;

/** dist/ml/engine/ from dist/node/ (or src/ml/engine/ from src/node/, where no .wasm is built). */
const ENGINE_DIR = fileURLToPath(new URL('../ml/engine/', import.meta.url));

/**
 * Writes the kernel module's `.wasm` files into `dir` (the build does, into dist/ml/engine/, so they ship in the
 * package for runtimes that import a compiled module rather than compile bytes, such as workerd).
 * @returns the paths written
 */
export async function writeKernelWasmFiles(dir: string = ENGINE_DIR): Promise<string[]> {
  const written: string[] = [];
  for (const [variant, file] of Object.entries(KERNEL_WASM_FILES)) {
    const target = path.join(dir, file);
    await writeFile(target, kernelWasmBytes(variant === 'shared'));
    written.push(target);
  }
  return written;
}

/**
 * Compiles the kernel module from the shipped `.wasm` files; when running from source (tsx, vitest: no build
 * output beside the engine), from the same bytes the build would write.
 */
export async function loadKernelModules(): Promise<WasmKernelModules> {
  if (import.meta.url.endsWith('.ts')) return compileKernelModules();
  const [plain, shared] = await Promise.all(
    [KERNEL_WASM_FILES.plain, KERNEL_WASM_FILES.shared].map(async (file) =>
      WebAssembly.compile(await readFile(path.join(ENGINE_DIR, file))),
    ),
  );
  return { plain: plain as WebAssembly.Module, shared: shared as WebAssembly.Module };
}

/** Which engine to make: one backend, or `auto` (WebAssembly SIMD where it runs, else JavaScript). */
export type EngineChoice = EngineBackend | 'auto';

/**
 * An engine for `model` on this Node process: WebAssembly SIMD by default, the JavaScript reference where SIMD is
 * not available (or when asked for). A model from `placeModel` (shared memory, e.g. in a prediction worker) is used
 * in place.
 * @example const engine = await createModelEngine(model); predict(model, pixels, engine);
 */
export async function createModelEngine(
  model: SvmModel,
  backend: EngineChoice = 'auto',
  options: ModelEngineOptions = {},
): Promise<ModelEngine & { readonly scratchAt?: number | undefined }> {
  if (backend === 'js' || (backend === 'auto' && !wasmSimdAvailable())) return createJsEngine(model);
  const { modules, ...wasmOptions } = options;
  return createWasmEngine(model, await (modules ?? loadKernelModules()), wasmOptions);
}

/** Options of {@link createModelEngine}. */
export interface ModelEngineOptions extends WasmEngineOptions {
  /**
   * The kernel module, compiled beforehand by {@link loadKernelModules}: it does not depend on the model, so a
   * prediction worker compiles it while the model is still on its way.
   */
  readonly modules?: Promise<WasmKernelModules>;
}
