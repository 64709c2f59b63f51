import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { serializeModel } from '../../src/ml/model.js';
import { predict } from '../../src/ml/predict.js';
import { loadModelFile, ModelFileError, saveModelFile } from '../../src/node/model-file.js';
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
  it('saves and loads .json and .json.gz with the same predictions and a SHA-256 of the bytes', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'model-test-'));
    const model = trainTinyModel(200);
    const image = mnistTest(1).images;
    for (const name of ['m.json', 'm.json.gz']) {
      const file = path.join(dir, name);
      await saveModelFile(model, file);
      const loaded = await loadModelFile(file);
      expect(loaded.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(predict(loaded.model, image)).toEqual(predict(model, image));
    }
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
