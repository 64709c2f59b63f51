import { startModelMemory, wasmSimdAvailable, type ModelMemory } from '../../ml/engine/wasm-engine.js';
import { isBinaryModel } from '../../ml/model-container.js';
import { modelFileFromBytes } from '../../node/model-file.js';
import type { ModelFileBytes } from '../../node/model-file-bytes.js';
import { loadInThread } from './load-in-thread.js';
import type { ModelSource, WorkerInit } from './pool-protocol.js';
import { shareModel } from './share-model.js';

/**
 * The pool's model at startup, in shared memory for the workers. A binary model file is decoded here, on the main
 * thread: copies of typed arrays, cheaper than starting a loader thread and importing the model reader into it a
 * second time. An older JSON file goes to a loader thread (loadInThread), so its parse peak (tens of MB of text and
 * strings) leaves with that thread's heap. Imported by the pool only after it has started its workers and the read
 * of the file (`bytes`), so the reader and its schemas load while those run.
 * @param bytes the file source's bytes, being read (readModelFileBytes)
 * @throws ModelFileError (`MODEL_NOT_FOUND`, `MODEL_UNREADABLE`, `MODEL_INVALID`) when the file cannot be used
 */
export async function resolveModelSource(
  source: ModelSource,
  bytes: Promise<ModelFileBytes> | undefined,
): Promise<WorkerInit['source']> {
  if (source.kind === 'value') return { ...source, model: shareModel(source.model) };
  const read = await bytes;
  if (read === undefined || !isBinaryModel(read.inflated)) return loadInThread(source.path);
  // Where SIMD runs, the support vectors are decoded straight into the shared memory they will be placed in.
  let started: ModelMemory | undefined;
  const pairsInto = wasmSimdAvailable()
    ? (byteLength: number) => (started = startModelMemory(byteLength)).pairs
    : undefined;
  const { model, sha256 } = modelFileFromBytes(read, source.path, pairsInto ? { pairsInto } : {});
  return { kind: 'value', model: shareModel(model, started), sha256 };
}
