import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MlError } from '../../../src/ml/errors.js';
import { modelFromBytes } from '../../../src/server/edge/model-bytes.js';
import { serializeModel } from '../../../src/ml/model.js';
import { tinyModel } from '../fixtures.js';

const model = tinyModel();
const json = new TextEncoder().encode(JSON.stringify(serializeModel(model)));
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('modelFromBytes (web APIs only: DecompressionStream, TextDecoder, crypto.subtle)', () => {
  it('decodes gzip-compressed and plain model JSON to the same model, hashing the bytes as given', async () => {
    const gz = new Uint8Array(gzipSync(json));
    const fromGz = await modelFromBytes(gz);
    const fromJson = await modelFromBytes(json);
    expect(fromGz.sha256).toBe(sha(gz));
    expect(fromJson.sha256).toBe(sha(json));
    for (const loaded of [fromGz.model, fromJson.model]) {
      expect(loaded.supportVectorCount).toBe(model.supportVectorCount);
      expect([...loaded.biases]).toEqual([...model.biases]);
      expect([...loaded.coefficients]).toEqual([...model.coefficients]);
    }
  });

  it('refuses broken gzip and non-JSON as MODEL_UNREADABLE, and a wrong model as MODEL_INVALID', async () => {
    const gz = new Uint8Array(gzipSync(json));
    await expect(modelFromBytes(gz.subarray(0, gz.length >> 1))).rejects.toMatchObject({
      name: 'MlError',
      code: 'MODEL_UNREADABLE',
    });
    await expect(modelFromBytes(new TextEncoder().encode('{"format": 1,'))).rejects.toMatchObject({
      code: 'MODEL_UNREADABLE',
    });
    const wrong = new TextEncoder().encode(JSON.stringify({ ...serializeModel(model), format: 99 }));
    const error = await modelFromBytes(wrong).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MlError);
    expect(error).toMatchObject({ code: 'MODEL_INVALID', message: expect.stringMatching(/^bundled model: /) });
  });
});
