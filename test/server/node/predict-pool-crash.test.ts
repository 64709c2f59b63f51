import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createPredictPool, type PredictPool, type PredictPoolOptions } from '../../../src/server/node/predict-pool.js';
import { manyScanJpeg } from '../../helpers/hostile-images.js';
import { mnistPng, tinyModel } from '../fixtures.js';

const OPTIONS = { maxBytes: 1 << 24, maxPixels: 1 << 24, includeNormalized: false };
/** ~2 s of jpeg-js work: keeps a worker busy while a test acts. */
const slowJpeg = () => manyScanJpeg({ width: 4000, height: 3000, scans: 16 });
const dispatched = () => new Promise((resolve) => setImmediate(resolve));

const pools: PredictPool[] = [];
async function pool(options: Omit<PredictPoolOptions, 'source'>): Promise<PredictPool> {
  const created = createPredictPool({ source: { kind: 'value', model: tinyModel(), sha256: null }, ...options });
  pools.push(created);
  await created.whenReady();
  return created;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('createPredictPool when a worker crashes, and at shutdown', () => {
  it('logs the crash, and answers an image that ran its worker out of memory 422 IMAGE_TOO_COMPLEX, not "retry"', async () => {
    const workers: Worker[] = [];
    const logged: string[] = [];
    const p = await pool({ threads: 1, onWorker: (w) => workers.push(w), logError: (line) => logged.push(line) });
    const running = p.predict(slowJpeg(), OPTIONS);
    await dispatched();
    // What Node emits when a worker passes its resourceLimits, just before the thread exits.
    const oom = Object.assign(new Error('Worker terminated due to reaching memory limit: JS heap out of memory'), {
      code: 'ERR_WORKER_OUT_OF_MEMORY',
    });
    workers[0]!.emit('error', oom);
    await workers[0]!.terminate();
    await expect(running).rejects.toMatchObject({
      code: 'IMAGE_TOO_COMPLEX',
      message: /more than a prediction worker's/,
    });
    expect(logged).toEqual([expect.stringMatching(/^prediction worker crashed: .*memory limit/)]);
    // Its replacement answers the next image.
    expect((await p.predict(mnistPng(4).png, OPTIONS)).digit).toEqual(expect.any(Number));
  });

  it('sheds the queue at shutdown: queued and new images are refused CLOSED, the running one finishes', async () => {
    const p = await pool({ threads: 1 });
    const running = p.predict(slowJpeg(), OPTIONS);
    await dispatched();
    const queued = [1, 2].map((d) => p.predict(mnistPng(d).png, OPTIONS));
    p.shed();
    for (const task of queued) await expect(task).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(p.predict(mnistPng(3).png, OPTIONS)).rejects.toMatchObject({ code: 'CLOSED' });
    // The slow picture is flat grey: decoded in full, then found blank.
    await expect(running).rejects.toMatchObject({ code: 'NO_DIGIT_FOUND' });
  });
});
