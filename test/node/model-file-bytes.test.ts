import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { saveModelFile } from '../../src/node/model-file.js';
import { readModelFileBytes } from '../../src/node/model-file-bytes.js';
import { trainTinyModel } from '../helpers/tiny-model.js';

async function codeOf(read: Promise<unknown>): Promise<string> {
  try {
    await read;
  } catch (error) {
    return (error as { code: string }).code;
  }
  throw new Error('file read');
}

describe('readModelFileBytes', () => {
  it('reads a file whole, as stored and inflated', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'model-bytes-test-'));
    for (const name of ['m.bin.gz', 'm.bin']) {
      const file = path.join(dir, name);
      await saveModelFile(trainTinyModel(100), file);
      const stored = new Uint8Array(await readFile(file));
      const read = await readModelFileBytes(file);
      expect(new Uint8Array(read.file), name).toEqual(stored);
      const inflated = name.endsWith('.gz') ? new Uint8Array(gunzipSync(stored)) : stored;
      expect(new Uint8Array(read.inflated), name).toEqual(inflated);
    }
  });

  it('reads an empty file as empty bytes and refuses a missing file or a directory with a typed error', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'model-bytes-test-'));
    await writeFile(path.join(dir, 'empty.bin'), new Uint8Array(0));
    const empty = await readModelFileBytes(path.join(dir, 'empty.bin'));
    expect(empty.file.length).toBe(0);
    expect(await codeOf(readModelFileBytes(path.join(dir, 'missing.bin')))).toBe('MODEL_NOT_FOUND');
    // A setting that still names the shipped model's old name is told the new one.
    await writeFile(path.join(dir, 'model.bin'), new Uint8Array(1));
    await expect(readModelFileBytes(path.join(dir, 'model.bin.gz'))).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
      message: expect.stringContaining(`but ${path.join(dir, 'model.bin')} does`) as unknown,
    });
    await mkdir(path.join(dir, 'folder.bin'));
    expect(await codeOf(readModelFileBytes(path.join(dir, 'folder.bin')))).toBe('MODEL_UNREADABLE');
  });
});
