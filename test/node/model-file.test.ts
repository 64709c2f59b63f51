import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { serializeModel } from '../../src/ml/model.js';
import { predict } from '../../src/ml/predict.js';
import { isBinaryModel } from '../../src/ml/model-container.js';
import { loadModelFile, ModelFileError, saveModelFile, writesJson } from '../../src/node/model-file.js';
import { boundedGunzip } from '../../src/node/model-file-bytes.js';
import { mnistTest } from '../helpers/mnist-subset.js';
import { trainTinyModel } from '../helpers/tiny-model.js';

async function codeOf(file: string): Promise<string> {
  try {
    await loadModelFile(file);
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toContain(file);
    return (error as ModelFileError).code;
  }
  throw new Error('model loaded');
}

describe('model files', () => {
  it('saves and loads binary and JSON files, gzipped or not, with the same predictions and a SHA-256', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'model-test-'));
    const model = trainTinyModel(200);
    const image = mnistTest(1).images;
    for (const [name, binary] of [
      ['m.json', false],
      ['m.json.gz', false],
      ['m.bin', true],
      ['m.bin.gz', true],
    ] as const) {
      const file = path.join(dir, name);
      await saveModelFile(model, file);
      const stored = new Uint8Array(await readFile(file));
      const inflated = name.endsWith('.gz') ? new Uint8Array(gunzipSync(stored)) : stored;
      expect(isBinaryModel(inflated), name).toBe(binary);
      expect(writesJson(file)).toBe(!binary);
      const loaded = await loadModelFile(file);
      expect(loaded.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(predict(loaded.model, image)).toEqual(predict(model, image));
    }
  });

  it('writes the same file for the same model (no time in the gzip header)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'model-test-'));
    const model = trainTinyModel(100);
    await saveModelFile(model, path.join(dir, 'a.bin.gz'));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await saveModelFile(model, path.join(dir, 'b.bin.gz'));
    expect(await readFile(path.join(dir, 'b.bin.gz'))).toEqual(await readFile(path.join(dir, 'a.bin.gz')));
  });

  it('refuses a file that inflates past the bound (a gzip bomb) with MODEL_UNREADABLE', async () => {
    // boundedGunzip is what loadModelFile inflates with; the bound here is small so the test stays small.
    await expect(boundedGunzip(gzipSync(new Uint8Array(1 << 20)), 1 << 16)).rejects.toThrow(/larger than|exceed/i);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'model-test-'));
    const cut = path.join(dir, 'cut.bin.gz');
    await saveModelFile(trainTinyModel(100), cut);
    const stored = await readFile(cut);
    await writeFile(cut, stored.subarray(0, stored.length >> 1));
    expect(await codeOf(cut)).toBe('MODEL_UNREADABLE');
  });

  it('gives a typed error for a missing, non-gzip, non-JSON or invalid model', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'model-test-'));
    expect(await codeOf(path.join(dir, 'missing.json.gz'))).toBe('MODEL_NOT_FOUND');
    await writeFile(path.join(dir, 'bad.gz'), new Uint8Array([0x1f, 0x8b, 0, 1]));
    expect(await codeOf(path.join(dir, 'bad.gz'))).toBe('MODEL_UNREADABLE');
    // No JSON in the bytes is MODEL_UNREADABLE, as on the edge (test/contract/model-bytes.ts has every case).
    await writeFile(path.join(dir, 'text.json'), 'not json');
    expect(await codeOf(path.join(dir, 'text.json'))).toBe('MODEL_UNREADABLE');
    await writeFile(path.join(dir, 'wrong.json.gz'), gzipSync(JSON.stringify({ format: 1 })));
    expect(await codeOf(path.join(dir, 'wrong.json.gz'))).toBe('MODEL_INVALID');
    const model = trainTinyModel(100);
    await writeFile(path.join(dir, 'v2.json'), JSON.stringify({ ...serializeModel(model), format: 2 }));
    expect(await codeOf(path.join(dir, 'v2.json'))).toBe('MODEL_INVALID');
  });
});
