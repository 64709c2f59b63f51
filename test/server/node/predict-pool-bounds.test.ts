import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeGrayPng } from '../../../src/image/index.js';
import { placeModel } from '../../../src/ml/engine/wasm-engine.js';
import { createInProcessPredictor } from '../../../src/server/in-process-predictor.js';
import { createPredictPool, type PredictPool, type PredictPoolOptions } from '../../../src/server/node/predict-pool.js';
import { manyScanJpeg } from '../../helpers/hostile-images.js';
import { mnistPng, tinyModel } from '../fixtures.js';

const OPTIONS = { maxBytes: 1 << 24, maxPixels: 1 << 24, includeNormalized: false };
/** Structurally fine (16 visits per block, at the bound) but ~2 s of jpeg-js work: a stand-in for "slow". */
const slowJpeg = () => manyScanJpeg({ width: 4000, height: 3000, scans: 16 });
/** Dispatch happens at the end of the event loop's turn (so images that arrive together are batched). */
const dispatched = () => new Promise((resolve) => setImmediate(resolve));
/** Far above a small image's cost even on a loaded 2-core machine with cold JIT, far below the slow one's. */
const DEADLINE_MS = 500;
/** A PNG header declaring 3000x3000 with no pixel data: costs its declared size in the budget, fails fast. */
function bigDeclaredPng(): Uint8Array {
  const png = encodeGrayPng(new Uint8Array(4), 2, 2);
  const view = new DataView(png.buffer, png.byteOffset);
  view.setUint32(16, 3000);
  view.setUint32(20, 3000);
  return png;
}

const pools: PredictPool[] = [];
async function pool(options: Omit<PredictPoolOptions, 'source'>): Promise<PredictPool> {
  const created = createPredictPool({ source: { kind: 'value', model: tinyModel(), sha256: null }, ...options });
  pools.push(created);
  await created.whenReady();
  // Ready with its first worker; these tests count on every thread, so they wait for the others to join.
  await vi.waitFor(() => expect(created.stats().workersReady).toBe(created.threads), { timeout: 10_000 });
  return created;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('createPredictPool under hostile load', () => {
  it('stops a task at its deadline, replaces the worker, and answers the tasks queued behind it', async () => {
    const p = await pool({ threads: 1, taskDeadlineMs: DEADLINE_MS });
    // A 12 MP picture runs in a batch of its own: the small ones that come while it runs wait in the queue.
    const slow = p.predict(slowJpeg(), OPTIONS);
    await dispatched();
    const queued = [0, 1, 2].map((i) => p.predict(mnistPng(i).png, OPTIONS));
    await dispatched();
    expect(p.stats()).toMatchObject({ running: 1, queued: 3 });
    await expect(slow).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED', message: /longer than the 500 ms limit/ });
    const answers = await Promise.all(queued);
    expect(answers.map((a) => a.digit)).toHaveLength(3);
    expect(p.stats()).toMatchObject({ restarts: 1, deadlineExceeded: 1, queued: 0, running: 0, workersReady: 1 });
  });

  it('fails only the running task of a worker that dies (WORKER_LOST); queued tasks are answered by its replacement', async () => {
    const workers: Worker[] = [];
    const p = await pool({ threads: 1, onWorker: (w) => workers.push(w) });
    const running = p.predict(slowJpeg(), OPTIONS);
    await dispatched();
    const queued = [3, 4].map((i) => p.predict(mnistPng(i).png, OPTIONS));
    await dispatched();
    expect(p.stats()).toMatchObject({ running: 1, queued: 2 });
    await workers[0]!.terminate(); // killed from outside, mid-task
    await expect(running).rejects.toMatchObject({ code: 'WORKER_LOST' });
    expect((await Promise.all(queued)).map((a) => a.digit)).toHaveLength(2);
    expect(workers).toHaveLength(2);
    expect(p.stats().restarts).toBe(1);
  });

  it('reuses the scratch of workers that exited, so replacing workers does not grow the shared model memory', async () => {
    const model = placeModel(tinyModel());
    const bytes = () => model.placement.memory.buffer.byteLength;
    const workers: Worker[] = [];
    const p = createPredictPool({
      source: { kind: 'value', model, sha256: null },
      threads: 1,
      onWorker: (w) => workers.push(w),
    });
    pools.push(p);
    await p.whenReady();
    const withOneEngine = bytes();
    const inProcess = createInProcessPredictor(tinyModel());
    for (let round = 1; round <= 5; round++) {
      await workers[round - 1]!.terminate();
      // The replacement answers once it has its engine, computing on the reused scratch: same answer as in process.
      const { png } = mnistPng(round);
      expect(await p.predict(png, OPTIONS)).toMatchObject({ scores: (await inProcess.predict(png, OPTIONS)).scores });
      expect(workers).toHaveLength(round + 1);
      expect(bytes()).toBe(withOneEngine);
    }
    expect(p.stats().restarts).toBe(5);
  });

  it('refuses with BUSY at once when the queue is full, and reports saturation', async () => {
    const p = await pool({ threads: 1, maxQueue: 2 });
    const running = p.predict(slowJpeg(), OPTIONS);
    await dispatched();
    const queued = [p.predict(mnistPng(0).png, OPTIONS), p.predict(mnistPng(1).png, OPTIONS)];
    expect(p.stats()).toMatchObject({ queued: 2, saturated: true });
    await expect(p.predict(mnistPng(2).png, OPTIONS)).rejects.toMatchObject({ code: 'BUSY' });
    // The slow picture is flat grey: decoded in full, then found blank.
    await expect(running).rejects.toMatchObject({ code: 'NO_DIGIT_FOUND' });
    await Promise.all(queued);
    expect(p.stats()).toMatchObject({ queued: 0, saturated: false });
  });

  it('drops a queued task whose request was aborted, before it costs a worker anything', async () => {
    const p = await pool({ threads: 1 });
    const running = p.predict(slowJpeg(), OPTIONS);
    await dispatched();
    const abort = new AbortController();
    const cancelled = p.predict(mnistPng(0).png, OPTIONS, abort.signal);
    const kept = p.predict(mnistPng(1).png, OPTIONS);
    expect(p.stats().queued).toBe(2);
    abort.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(p.stats().queued).toBe(1);
    await expect(running).rejects.toMatchObject({ code: 'NO_DIGIT_FOUND' });
    await kept;
    // An already-aborted signal never enters the queue.
    await expect(p.predict(mnistPng(2).png, OPTIONS, abort.signal)).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('runs two large decodes one after the other within the memory budget, small ones beside them', async () => {
    const small = mnistPng(5).png;
    const large = 3000 * 3000 * 35;
    const p = await pool({ threads: 2, decodeMemoryBytes: large + 28 * 28 * 35 });
    const first = p.predict(bigDeclaredPng(), OPTIONS);
    const second = p.predict(bigDeclaredPng(), OPTIONS);
    const beside = p.predict(small.slice(), OPTIONS); // a copy: the pool transfers what it is given
    await dispatched();
    // The second large one waits for the budget; the small one takes the other thread.
    expect(p.stats()).toMatchObject({ running: 2, queued: 1 });
    await expect(first).rejects.toMatchObject({ code: 'CORRUPT_IMAGE' });
    await expect(second).rejects.toMatchObject({ code: 'CORRUPT_IMAGE' });
    const expected = await createInProcessPredictor(tinyModel()).predict(small, OPTIONS);
    expect((await beside).scores).toEqual(expected.scores);
  });

  it('rejects bounds that are not positive integers', () => {
    const source = { kind: 'value', model: tinyModel(), sha256: null } as const;
    expect(() => createPredictPool({ source, taskDeadlineMs: 0 })).toThrow(/taskDeadlineMs must be a positive integer/);
    expect(() => createPredictPool({ source, maxQueue: 1.5 })).toThrow(/maxQueue/);
  });
});
