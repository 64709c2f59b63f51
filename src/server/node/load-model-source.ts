import { wasmSimdAvailable } from '../../ml/engine/wasm-engine.js';
import { startModelMemory, type ModelMemory } from '../../ml/engine/wasm-memory.js';
import { isBinaryModel } from '../../ml/model-container.js';
import { modelFileFromBytes } from '../../node/model-file.js';
import type { ModelFileBytes } from '../../node/model-file-bytes.js';
import { loadInThread } from './load-in-thread.js';
import type { ModelSource, WorkerInit } from './pool-protocol.js';
import { shareModel } from './share-model.js';

/** A model file being read at startup (readModelFileBytes), and the shared memory it is read into, if any. */
export interface StartupRead {
  readonly bytes: Promise<ModelFileBytes>;
  /** The memory given to the read (`into`), once the read has begun. */
  readonly memory: () => ModelMemory | undefined;
}

/**
 * The pool's model at startup, in shared memory for the workers. A binary model file is decoded here, on the main
 * thread. An uncompressed one (the shipped model/model.bin) was read straight into the shared memory the workers
 * will use (startupSource in predict-pool.ts): its arrays are used where they lie (DecodeOptions.inPlace), so the main thread parses
 * the header and derives the second stage's per-digit terms, and touches none of the file's 15.8 MB. A gzip one is
 * inflated, then decoded by copies of typed arrays. An older JSON file goes to a loader thread (loadInThread), so
 * its parse peak (tens of MB of text and strings) leaves with that thread's heap. Imported by the pool only after
 * it has started its workers and the read of the file, so the reader and its schemas load while those run.
 * @throws ModelFileError (`MODEL_NOT_FOUND`, `MODEL_UNREADABLE`, `MODEL_INVALID`) when the file cannot be used
 */
export async function resolveModelSource(
  source: ModelSource,
  reading: StartupRead | undefined,
): Promise<WorkerInit['source']> {
  if (source.kind === 'value') return { ...source, model: shareModel(source.model) };
  const read = await reading?.bytes;
  if (read === undefined || !isBinaryModel(read.inflated)) return loadInThread(source.path);
  const memory = reading?.memory();
  const inPlace = memory !== undefined && read.inflated === read.file && read.file.buffer === memory.bytes.buffer;
  // Otherwise, where SIMD runs, the support vectors are decoded straight into the shared memory they will be used
  // from. (Without SIMD the JavaScript engine uses shared buffers, which a file decoded in place already is.)
  let started: ModelMemory | undefined = inPlace ? memory : undefined;
  const pairsInto =
    !inPlace && wasmSimdAvailable()
      ? (byteLength: number) => (started = startModelMemory(byteLength)).bytes
      : undefined;
  const { model, sha256 } = modelFileFromBytes(read, source.path, { inPlace, ...(pairsInto ? { pairsInto } : {}) });
  return { kind: 'value', model: shareModel(model, started), sha256 };
}
