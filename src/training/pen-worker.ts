import { parentPort, workerData } from 'node:worker_threads';
import { drawPenVariants, type PenVariantPlan } from './augment/pen-augmentation.js';

/** What each pen-variant worker gets; `images`, `out`, `ok` and `next` sit on SharedArrayBuffers. */
export interface PenWorkerData {
  readonly images: Uint8Array;
  readonly plan: PenVariantPlan;
  readonly out: Uint8Array;
  readonly ok: Uint8Array;
  /** [0]: first variant of the next unclaimed chunk. */
  readonly next: Int32Array;
  readonly chunk: number;
}

/** Sent after each chunk, with the chunk's size; the worker exits when no chunk is left. */
export type PenWorkerMessage = { readonly type: 'drawn'; readonly count: number };

const input = workerData as PenWorkerData;
const port = parentPort;
if (port === null) throw new Error('pen-worker must run as a worker thread');
const total = input.plan.sources.length;
for (;;) {
  const start = Atomics.add(input.next, 0, input.chunk);
  if (start >= total) break;
  const end = Math.min(total, start + input.chunk);
  drawPenVariants(input.images, input.plan, start, end, input.out, input.ok);
  port.postMessage({ type: 'drawn', count: end - start } satisfies PenWorkerMessage);
}
