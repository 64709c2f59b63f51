import { selectRows, type Dataset } from '../ml/dataset.js';
import { collectPenVariants, planPenVariants, type PenVariants } from './augment/pen-augmentation.js';
import type { PenWorkerData, PenWorkerMessage } from './pen-worker.js';
import { penCacheKey, readPenCache, writePenCache } from './pen-cache.js';
import { runWorkers } from '../node/spawn-worker.js';
import { PIXELS } from '../shared/mnist.js';

/** Variants per claim: small enough to balance the threads, large enough that messages cost nothing. */
const CHUNK = 250;

/** Reuse of earlier drawings: the cache directory and the checksums of the MNIST files the images came from. */
export interface PenCacheOptions {
  readonly dir: string;
  readonly dataChecksums: Readonly<Record<string, string>>;
}

/**
 * {@link makePenVariants} on `threads` worker threads: the plan (images and pens) is drawn from the seed first and
 * each variant is a pure function of its image and pen, so the result is the same for any number of threads.
 * With `cache`, a drawing of the same plan from the same data by the same code is read back instead of redrawn.
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
  cache?: PenCacheOptions,
): Promise<PenVariants & { readonly fromCache: boolean }> {
  const plan = planPenVariants(candidates, count, seed);
  const n = plan.sources.length;
  const key = cache ? await penCacheKey(plan, cache.dataChecksums) : undefined;
  if (cache && key !== undefined) {
    const hit = await readPenCache(cache.dir, key, n);
    if (hit) return { ...collectPenVariants(raw.labels, plan, hit.drawn, hit.ok), fromCache: true };
  }
  const shared = (bytes: number): Uint8Array => new Uint8Array(new SharedArrayBuffer(Math.max(1, bytes)));
  const images = shared(n * PIXELS);
  images.set(selectRows(raw, plan.sources).images);
  const workerData: PenWorkerData = {
    images,
    plan,
    out: shared(n * PIXELS),
    ok: shared(n),
    next: new Int32Array(new SharedArrayBuffer(4)),
    chunk: CHUNK,
  };
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
  if (cache && key !== undefined)
    await writePenCache(cache.dir, key, {
      drawn: workerData.out.subarray(0, n * PIXELS),
      ok: workerData.ok.subarray(0, n),
    });
  return { ...collectPenVariants(raw.labels, plan, workerData.out, workerData.ok), fromCache: false };
}
