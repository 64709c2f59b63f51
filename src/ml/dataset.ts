import { MlError } from './errors.js';
import { PIXELS } from '../shared/mnist.js';

/** Labelled 28x28 images: `count` x 784 bytes and `count` labels. */
export interface Dataset {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

/** The images and labels at `indices`, in that order (a copy). */
export function selectRows(data: Dataset, indices: ArrayLike<number>): Dataset {
  const count = indices.length;
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    const t = indices[k] as number;
    if (!(t >= 0 && t < data.count)) throw new MlError('INVALID_ARGUMENT', `row ${t} is outside 0..${data.count - 1}`);
    images.set(data.images.subarray(t * PIXELS, (t + 1) * PIXELS), k * PIXELS);
    labels[k] = data.labels[t] as number;
  }
  return { images, labels, count };
}

/** The rows of `a` followed by those of `b` (a copy). */
export function concatRows(a: Dataset, b: Dataset): Dataset {
  const images = new Uint8Array((a.count + b.count) * PIXELS);
  images.set(a.images);
  images.set(b.images, a.images.length);
  const labels = new Uint8Array(a.count + b.count);
  labels.set(a.labels);
  labels.set(b.labels, a.count);
  return { images, labels, count: a.count + b.count };
}

/** A dataset from IDX images and labels, checking that they agree. */
export function toDataset(images: Uint8Array, labels: Uint8Array): Dataset {
  if (images.length !== labels.length * PIXELS) {
    throw new MlError(
      'INVALID_ARGUMENT',
      `${labels.length} labels need ${labels.length * PIXELS} image bytes, got ${images.length}`,
    );
  }
  return { images, labels, count: labels.length };
}
