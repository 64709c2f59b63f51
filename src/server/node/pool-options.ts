import type { Worker } from 'node:worker_threads';
import { DECODE_BYTES_PER_PIXEL } from '../../image/decode-cost.js';
import { cpusGranted } from './cpus.js';
import type { ModelSource } from './pool-protocol.js';

/** Options of `createPredictPool`. */
export interface PredictPoolOptions {
  /** The model: a file (loaded once, in a short-lived thread) or a model value; either way the workers share one copy. */
  readonly source: ModelSource;
  /** Worker threads; default one per CPU granted to the process (see cpusGranted). */
  readonly threads?: number;
  /** A task running longer than this is answered DEADLINE_EXCEEDED and its worker replaced. */
  readonly taskDeadlineMs?: number;
  /** Most tasks waiting for a thread; past it, predict() rejects with BUSY at once. */
  readonly maxQueue?: number;
  /** Estimated decode memory (bytes) of the tasks running at once; a task that does not fit waits its turn. */
  readonly decodeMemoryBytes?: number;
  /** Most images a worker classifies in one pass of the engine (1 turns batching off). */
  readonly maxBatch?: number;
  /** Called with every worker the pool starts (first ones and replacements): for tests and instrumentation. */
  readonly onWorker?: (worker: Worker) => void;
  /** Where a worker's crash is reported (the Node entry's error log). Default: nowhere. */
  readonly logError?: (message: string) => void;
}

// The pool's defaults and fixed bounds, each with the measurement that chose it.

/** One per CPU the process may use (cgroup quota included): prediction is CPU-bound, more threads only add switching. */
export const DEFAULT_PREDICT_THREADS = cpusGranted();
/**
 * 10 s: a 12 MP photo, the largest upload the default limits allow, took 3.8 s to decode and normalize on a busy
 * 2-core Intel Xeon (jpeg-js); this leaves room for slower machines. A file that passes the structural checks
 * but costs more is cut off here, and the decode-memory budget keeps such files to one worker at a time.
 */
export const DEFAULT_TASK_DEADLINE_MS = 10_000;
/** 64 tasks: four full 16-file requests, or ~0.2 s of small-image work on two threads, before BUSY. */
export const DEFAULT_MAX_QUEUE = 64;
/**
 * 512 MiB: one full-size decode (12 MP x 35 B/px = 420 MB) at a time, beside any number of small ones, so two
 * large photos never peak together.
 */
export const DEFAULT_DECODE_MEMORY_BYTES = 512 * 1024 * 1024;
/**
 * 16 images: the WebAssembly engine reads each block of support vectors once for up to 8 images, so a batch of 16
 * is two passes; more only delays the first answer of the batch.
 */
export const DEFAULT_MAX_BATCH = 16;
/**
 * Pictures up to 100,000 pixels (about 316x316: canvas drawings, crops, MNIST-size files) decode in a millisecond
 * or two and are batched together; a larger one (a 600x400 photo takes ~70 ms, a 12 MP one seconds) runs in a
 * batch of its own, so small images never wait behind a photo in the same batch.
 */
export const BATCHABLE_DECODE_BYTES = 100_000 * DECODE_BYTES_PER_PIXEL;
/**
 * V8 heap per worker. The pixel buffers live outside it (typed arrays), bounded by the decode budget; this
 * catches a runaway JS heap, which ends the worker (WORKER_LOST) instead of the process.
 */
export const WORKER_HEAP_MB = 256;
/**
 * Young generation per worker, MB: what the Dockerfile's --max-semi-space-size=2 gives the main thread. V8's default
 * lets each worker's grow to tens of MB under load and keeps it: after 20 s of wrk at 16 connections the server's
 * RSS was 330 MB with the default and 280 MB with this, at the same throughput (1,606 and 1,612 req/s).
 */
export const WORKER_YOUNG_MB = 6;
