import { placeModel, wasmSimdAvailable, type ModelMemory } from '../../ml/engine/wasm-engine.js';
import { withModelFields, type SvmModel } from '../../ml/model.js';

function shared<T extends Uint8Array | Float64Array>(array: T, make: (buffer: SharedArrayBuffer) => T): T {
  if (array.buffer instanceof SharedArrayBuffer) return array; // a file decoded in place in shared memory
  const copy = make(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
}

/**
 * The same model with its large arrays (support vectors, coefficients) moved into shared memory. Sent to worker
 * threads, it is shared, not copied: N prediction threads hold one model in memory, and none of them has to parse
 * the model file. Where WebAssembly SIMD runs, that memory is a shared WebAssembly.Memory (placeModel), so each
 * worker's WebAssembly engine computes on the one copy too; elsewhere it is plain SharedArrayBuffers for the
 * JavaScript engine.
 * @param started the memory the model's file was read or its support vectors decoded into (startModelMemory)
 */
export function shareModel(model: SvmModel, started?: ModelMemory): SvmModel {
  if ('placement' in model) return model; // already in one shared memory
  // A started memory holds some of the model already, so it is placed there without the SIMD check (which encodes
  // and validates the kernel module: ~9 ms of the main thread at start). Where SIMD does not run, the JavaScript
  // engine reads the same arrays, views of that shared memory.
  if (started !== undefined || wasmSimdAvailable()) return placeModel(model, started);
  const pairs = model.supportVectorPairs;
  return withModelFields(model, {
    supportVectorPairs: { ...pairs, bytes: shared(pairs.bytes, (b) => new Uint8Array(b)) },
    coefficients: shared(model.coefficients, (b) => new Float64Array(b)),
  });
}
