import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_PATH, saveModelFile } from '../../src/node/model-file.js';
import { createPredictPool } from '../../src/server/node/predict-pool.js';
import { startServer } from '../../src/server/node/serve.js';
import { mnistPng, tinyModel } from '../server/fixtures.js';
import { formWith } from '../server/helpers.js';

const TOKEN = 'reload-test-admin-token-0123456789';
const OPTIONS = { maxBytes: 1 << 20, maxPixels: 1 << 22, includeNormalized: false };
let dir: string;
let modelFile: string;
let tinyFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mnist-reload-'));
  modelFile = join(dir, 'model.json.gz');
  tinyFile = join(dir, 'tiny.json.gz');
  await saveModelFile(tinyModel(), tinyFile);
  await copyFile(tinyFile, modelFile);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('hot reload', () => {
  it('swaps the model file under load with no failed request; /v1/model and /metrics show the new SHA-256', async () => {
    const server = await startServer({
      port: 0,
      host: '127.0.0.1',
      threads: 2,
      modelPath: modelFile,
      env: { ADMIN_TOKEN: TOKEN, FEEDBACK: 'off' },
      log: () => undefined,
    });
    try {
      const before = (await server.pool.whenReady()).sha256;
      let stop = false;
      const statuses: number[] = [];
      const png = mnistPng(1).png;
      // Eight clients send predictions back to back for the whole reload.
      const load = Array.from({ length: 8 }, async () => {
        while (!stop) {
          const res = await fetch(`${server.url}/v1/predict`, {
            method: 'POST',
            body: formWith([{ name: 'one.png', bytes: png }]),
          });
          statuses.push(res.status);
          await res.arrayBuffer();
        }
      });
      while (statuses.length < 20) await new Promise((r) => setTimeout(r, 10));
      await copyFile(DEFAULT_MODEL_PATH, modelFile);
      const reload = await fetch(`${server.url}/admin/reload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(reload.status).toBe(200);
      const { sha256 } = (await reload.json()) as { sha256: string };
      const atReload = statuses.length;
      while (statuses.length < atReload + 20) await new Promise((r) => setTimeout(r, 10));
      stop = true;
      await Promise.all(load);

      expect(sha256).not.toBe(before);
      expect(sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      expect(((await (await fetch(`${server.url}/v1/model`)).json()) as { sha256: string }).sha256).toBe(sha256);
      expect(await (await fetch(`${server.url}/metrics`)).text()).toContain(`sha256="${sha256}"`);
      const unauthorized = await fetch(`${server.url}/admin/reload`, { method: 'POST' });
      expect(unauthorized.status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('answers a reload to a corrupt model file with an error and keeps serving the old model', async () => {
    const file = join(dir, 'corrupt-target.json.gz');
    await copyFile(tinyFile, file);
    const server = await startServer({
      port: 0,
      host: '127.0.0.1',
      threads: 2,
      modelPath: file,
      env: { ADMIN_TOKEN: TOKEN, FEEDBACK: 'off' },
      log: () => undefined,
    });
    try {
      const before = (await server.pool.whenReady()).sha256;
      // A gzip header, then garbage: what a copy cut short leaves behind.
      await writeFile(file, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8]));
      const reload = await fetch(`${server.url}/admin/reload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(reload.status).toBe(500);
      expect(((await reload.json()) as { error: { message: string } }).error.message).toMatch(
        /^reload failed, the old model keeps serving/,
      );
      const predict = await fetch(`${server.url}/v1/predict`, {
        method: 'POST',
        body: formWith([{ name: 'one.png', bytes: mnistPng(1).png }]),
      });
      expect(predict.status).toBe(200);
      expect(((await (await fetch(`${server.url}/v1/model`)).json()) as { sha256: string }).sha256).toBe(before);
    } finally {
      await server.close();
    }
  });

  it('settles a reload whose new workers cannot start: it fails, and the pool goes back to the old model', async () => {
    let toFail = 0;
    const pool = createPredictPool({
      source: { kind: 'file', path: tinyFile },
      threads: 2,
      // Stands in for any start failure (the engine refusing the model, a crash while loading): the two workers
      // started on the new model die before they are ready.
      onWorker: (worker: Worker) => {
        if (toFail > 0) {
          toFail--;
          void worker.terminate();
        }
      },
    });
    try {
      const before = await pool.whenReady();
      const png = mnistPng(1).png;
      // A request queued while the reload runs must be answered by the old model, not failed.
      toFail = 2; // the two workers started on the new model
      const reload = pool.reload(DEFAULT_MODEL_PATH);
      const during = pool.predict(png.slice(), OPTIONS);
      await expect(reload).rejects.toMatchObject({
        code: 'MODEL_NOT_READY',
        message: expect.stringMatching(/^the new model could not be started, the old one serves/),
      });
      expect((await during).digit).toBeTypeOf('number');
      expect(pool.describe()?.sha256).toBe(before.sha256);
      expect((await pool.predict(png.slice(), OPTIONS)).digit).toBeTypeOf('number');
      // The pool is whole again: the next reload works.
      expect((await pool.reload(DEFAULT_MODEL_PATH)).sha256).not.toBe(before.sha256);
    } finally {
      await pool.close();
    }
  });

  it('keeps the old model when the new file does not load', async () => {
    const server = await startServer({
      port: 0,
      host: '127.0.0.1',
      threads: 1,
      modelPath: join(dir, 'gone.json.gz'),
      env: {},
      log: () => undefined,
    });
    await server.pool.whenReady().catch(() => undefined);
    await expect(server.pool.reload(join(dir, 'missing.json.gz'))).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await server.close(0);
  });
});
