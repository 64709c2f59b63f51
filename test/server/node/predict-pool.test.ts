import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SvmModel } from '../../../src/ml/model.js';
import { saveModelFile, loadModelFile } from '../../../src/node/model-file.js';
import { createInProcessPredictor } from '../../../src/server/in-process-predictor.js';
import { createPredictPool, type PredictPool } from '../../../src/server/node/predict-pool.js';
import { ConfigError } from '../../../src/shared/config-error.js';
import { mnistPng, tinyModel } from '../fixtures.js';
import { BAD_IMAGES } from '../real-images.js';

const OPTIONS = { maxBytes: 1 << 20, maxPixels: 1 << 20, includeNormalized: true };

let model: SvmModel;
let pool: PredictPool;
beforeAll(async () => {
  model = tinyModel();
  pool = createPredictPool({ source: { kind: 'value', model, sha256: null }, threads: 2 });
  await pool.whenReady();
});
afterAll(() => pool.close());

describe('createPredictPool', () => {
  it('answers exactly like the in-process predictor, for many images in parallel', async () => {
    const local = createInProcessPredictor(model);
    const pngs = Array.from({ length: 12 }, (_, i) => mnistPng(i).png);
    const expected = await Promise.all(pngs.map((png) => local.predict(png, OPTIONS)));
    // Copies, so the expected answers above and the pool never share a buffer.
    const got = await Promise.all(pngs.map((png) => pool.predict(png.slice(), OPTIONS)));
    expect(got.map((r) => [r.digit, r.confidence, r.scores, [...r.normalized!]])).toEqual(
      expected.map((r) => [r.digit, r.confidence, r.scores, [...r.normalized!]]),
    );
    expect(pool.threads).toBe(2);
    expect(pool.describe()?.supportVectorCount).toBe(10);
  });

  it('sends images that arrive together to a worker as one batch, at most maxBatch, shared between idle workers', async () => {
    const batched = createPredictPool({ source: { kind: 'value', model, sha256: null }, threads: 1, maxBatch: 5 });
    try {
      await batched.whenReady();
      const local = createInProcessPredictor(model);
      const pngs = Array.from({ length: 12 }, (_, i) => mnistPng(i).png);
      const answers = pngs.map((png) => batched.predict(png, OPTIONS));
      await new Promise((resolve) => setImmediate(resolve));
      expect(batched.stats()).toMatchObject({ running: 5, queued: 7 });
      const got = await Promise.all(answers);
      const expected = await Promise.all(pngs.map((png) => local.predict(png, OPTIONS)));
      expect(got.map((r) => r.scores)).toEqual(expected.map((r) => r.scores));
    } finally {
      await batched.close();
    }
    // Two idle workers take six images that arrive together at once, none left waiting.
    const pngs = Array.from({ length: 6 }, (_, i) => mnistPng(i).png);
    const answers = pngs.map((png) => pool.predict(png, OPTIONS));
    await new Promise((resolve) => setImmediate(resolve));
    expect(pool.stats()).toMatchObject({ running: 6, queued: 0 });
    await Promise.all(answers);
  });

  it('rebuilds image errors with their code on this side of the thread boundary', async () => {
    for (const bad of Object.values(BAD_IMAGES)) {
      await expect(pool.predict(bad.bytes.slice(), OPTIONS)).rejects.toMatchObject({
        name: 'ImageError',
        code: bad.code,
      });
    }
  });

  // The binary file is decoded on the main thread (an uncompressed one in place, in the shared memory it was read
  // into), the JSON one in a loader thread (load-model-source.ts).
  it.each(['model.bin', 'model.bin.gz', 'model.json.gz'])(
    'loads a model file (%s) for the workers and reports its SHA-256',
    async (name) => {
      const dir = await mkdtemp(path.join(tmpdir(), 'pool-'));
      try {
        const file = path.join(dir, name);
        await saveModelFile(model, file);
        const { sha256 } = await loadModelFile(file);
        const filePool = createPredictPool({ source: { kind: 'file', path: file }, threads: 2 });
        try {
          const description = await filePool.whenReady();
          expect(description.sha256).toBe(sha256);
          // Ready with the first worker; the second starts then and joins.
          await vi.waitFor(() => expect(filePool.stats().workersReady).toBe(2), { timeout: 10_000 });
          expect((await filePool.predict(mnistPng(0).png, OPTIONS)).digit).toBe(
            (await pool.predict(mnistPng(0).png, OPTIONS)).digit,
          );
        } finally {
          await filePool.close();
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it("fails readiness with the loader's code when the model file is missing, and stops the waiting workers", async () => {
    // The first worker starts before the model is read (it waits for it as its first message), so a model that never
    // comes must stop it; the others would start only once it served, so they never start.
    const exited: Promise<number>[] = [];
    const missing = createPredictPool({
      source: { kind: 'file', path: '/nonexistent/model.bin' },
      threads: 2,
      onWorker: (worker) => exited.push(new Promise((resolve) => worker.once('exit', resolve))),
    });
    try {
      await expect(missing.whenReady()).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
      expect(missing.describe()).toBeUndefined();
      expect(exited).toHaveLength(1);
      await Promise.all(exited);
      expect(missing.stats()).toMatchObject({ workersReady: 0, restarts: 0 });
    } finally {
      await missing.close();
    }
  });

  it('fails readiness with MODEL_UNREADABLE for a truncated binary model file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pool-'));
    try {
      for (const name of ['model.bin', 'model.bin.gz']) {
        const file = path.join(dir, name);
        await saveModelFile(model, file);
        const stored = await readFile(file);
        await writeFile(file, stored.subarray(0, stored.length - 100));
        const broken = createPredictPool({ source: { kind: 'file', path: file }, threads: 1 });
        try {
          await expect(broken.whenReady()).rejects.toMatchObject({ code: 'MODEL_UNREADABLE' });
        } finally {
          await broken.close();
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('finishes in-flight predictions on close, then refuses new ones', async () => {
    const closing = createPredictPool({ source: { kind: 'value', model, sha256: null }, threads: 1 });
    await closing.whenReady();
    const inFlight = closing.predict(mnistPng(3).png, OPTIONS);
    const closed = closing.close();
    await expect(inFlight).resolves.toMatchObject({ digit: expect.any(Number) });
    await closed;
    await expect(closing.predict(mnistPng(3).png, OPTIONS)).rejects.toMatchObject({
      code: 'CLOSED',
      message: /shutting down/,
    });
  });

  it('rejects a thread count that is not a positive integer', () => {
    expect(() => createPredictPool({ source: { kind: 'value', model, sha256: null }, threads: 0 })).toThrow(
      ConfigError,
    );
  });
});
