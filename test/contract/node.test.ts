import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { loadModelFile, ModelFileError } from '../../src/node/model-file.js';
import { startServer, type RunningServer } from '../../src/server/node/serve.js';
import { CONTRACT_ENV, describeHttpContract } from './contract.js';
import { describeModelBytes } from './model-bytes.js';

// The Node server as `npm start` runs it (worker pool, shipped model), on a loopback port.
let server: RunningServer;
beforeAll(async () => {
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    threads: 1,
    env: { ...CONTRACT_ENV },
    log: () => undefined,
  });
  await server.pool.whenReady();
});
afterAll(() => server?.close());

describeHttpContract('node', () => server.url);

// Model bytes on Node: written to a file and read by the loader the server and the CLI use.
let dir: string;
let files = 0;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'model-bytes-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describeModelBytes('node', async (bytes) => {
  const file = path.join(dir, `model-${files++}.json`);
  await writeFile(file, bytes);
  try {
    return { supportVectorCount: (await loadModelFile(file)).model.supportVectorCount };
  } catch (error) {
    if (!(error instanceof ModelFileError)) throw error;
    return { code: error.code, message: error.message };
  }
});
