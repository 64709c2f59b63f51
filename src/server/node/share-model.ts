import type { SvmModel } from '../../ml/model.js';

function shared<T extends Uint8Array | Float64Array>(array: T, make: (buffer: SharedArrayBuffer) => T): T {
  const copy = make(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
}

/**
 * The same model with its large arrays (support vectors, coefficients) moved into
 * SharedArrayBuffers. Sent to worker threads, it is shared, not copied: N prediction threads hold one model in
 * memory, and none of them has to parse the model file.
 */
export function shareModel(model: SvmModel): SvmModel {
  return {
    ...model,
    supportVectorColumns: shared(model.supportVectorColumns, (b) => new Uint8Array(b)),
    coefficients: shared(model.coefficients, (b) => new Float64Array(b)),
  };
}
