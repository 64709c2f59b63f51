import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } from '../ml/idx.js';
import { MNIST_SIZE } from '../shared/mnist.js';
import type { AcceptedDigits } from './store.js';

function idx(magic: number, dims: readonly number[], data: Uint8Array): Uint8Array {
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, header);
  return out;
}

/**
 * Accepted corrections as the two MNIST IDX files (LeCun's format, as src/ml/idx.ts reads it), so any tool that
 * reads MNIST reads them.
 * @param digits - What `store.export()` returned.
 * @returns The images file (magic 2051, n x 28 x 28) and the labels file (magic 2049, n).
 * @example const { images, labels } = toIdx(await store.export());
 */
export function toIdx(digits: AcceptedDigits): { images: Uint8Array; labels: Uint8Array } {
  return {
    images: idx(IDX_IMAGES_MAGIC, [digits.count, MNIST_SIZE, MNIST_SIZE], digits.pixels),
    labels: idx(IDX_LABELS_MAGIC, [digits.count], digits.labels),
  };
}
