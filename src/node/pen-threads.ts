import { selectRows, type Dataset } from '../ml/dataset.js';
import { collectPenVariants, planPenVariants, type PenVariants } from './pen-augmentation.js';
import type { PenWorkerData, PenWorkerMessage } from './pen-worker.js';
import { runWorkers } from './spawn-worker.js';

/** Variants per claim: small enough to balance the threads, large enough that messages cost nothing. */
const CHUNK = 250;

/**
 * {@link makePenVariants} on `threads` worker threads: the plan (images and pens) is drawn from the seed first and
 * each variant is a pure function of its image and pen, so the result is the same for any number of threads.
 * @param raw the training set as loaded (not deskewed)
 * @param candidates indices of the images the model may train on
 * @param onProgress called after each chunk with the number drawn so far
 */
export async function makePenVariantsThreaded(
  raw: Dataset,
  candidates: ArrayLike<number>,
  count: number,
  seed: number,
  threads: number,
  onProgress?: (done: number, total: number) => void,
): Promise<PenVariants> {
  const plan = planPenVariants(candidates, count, seed);
  const n = plan.sources.length;
  const shared = (bytes: number): Uint8Array => new Uint8Array(new SharedArrayBuffer(Math.max(1, bytes)));
  const images = shared(n * 784);
  images.set(selectRows(raw, plan.sources).images);
  const workerData: PenWorkerData = { images, plan, out: shared(n * 784), ok: shared(n), next: new Int32Array(new SharedArrayBuffer(4)), chunk: CHUNK };
  const threadCount = Math.max(1, Math.min(threads, Math.ceil(n / CHUNK)));
  let done = 0;
  await runWorkers<PenWorkerMessage>(
    'pen-worker',
    import.meta.url,
    threadCount,
    { workerData },
    (message) => {
      done += message.count;
      onProgress?.(done, n);
    },
    'pen-variant thread',
  );
  return collectPenVariants(raw.labels, plan, workerData.out, workerData.ok);
}
