import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeBinaryModel } from '../../src/ml/model-binary.js';
import { serializeModel } from '../../src/ml/model.js';
import { tinyModel } from '../server/fixtures.js';

/** What a runtime made of a model file's bytes: the model's size, or the error's code and message. */
export type ModelBytesOutcome =
  { readonly supportVectorCount: number } | { readonly code: string; readonly message: string };

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const model = tinyModel();
const json = JSON.stringify(serializeModel(model));
const gz = new Uint8Array(gzipSync(json));
const binary = encodeBinaryModel(model);
const binaryGz = new Uint8Array(gzipSync(binary));
/** The binary file with its container version (bytes 8-11, model-binary.ts) changed to 3, one no reader knows. */
const binaryVersion3 = ((): Uint8Array => {
  const copy = binary.slice();
  copy[8] = 3;
  return copy;
})();

/**
 * Model-file bytes and the error code every runtime must give for them: bytes that hold no complete model file
 * (broken gzip, a truncated or damaged binary file, no JSON text) are MODEL_UNREADABLE, a file that reads but is no
 * valid model is MODEL_INVALID (src/ml/model-bytes.ts).
 */
export const BAD_MODEL_BYTES: readonly { name: string; bytes: Uint8Array; code: string }[] = [
  { name: 'gzip cut in half', bytes: gz.subarray(0, gz.length >> 1), code: 'MODEL_UNREADABLE' },
  { name: 'a gzip header alone', bytes: Uint8Array.of(0x1f, 0x8b, 0, 1), code: 'MODEL_UNREADABLE' },
  { name: 'bytes that are not UTF-8', bytes: Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d), code: 'MODEL_UNREADABLE' },
  { name: 'text that is not JSON', bytes: encode('not json'), code: 'MODEL_UNREADABLE' },
  { name: 'JSON cut short', bytes: encode('{"format": 1,'), code: 'MODEL_UNREADABLE' },
  { name: 'gzip of text that is not JSON', bytes: new Uint8Array(gzipSync('not json')), code: 'MODEL_UNREADABLE' },
  { name: 'JSON that is no model', bytes: encode('{"format": 1}'), code: 'MODEL_INVALID' },
  { name: 'gzip of JSON that is no model', bytes: new Uint8Array(gzipSync('[]')), code: 'MODEL_INVALID' },
  { name: 'a binary model file cut short', bytes: binary.subarray(0, binary.length - 8), code: 'MODEL_UNREADABLE' },
  { name: 'a binary model file of another container version', bytes: binaryVersion3, code: 'MODEL_UNREADABLE' },
  {
    name: 'gzip of a binary model file cut short',
    bytes: new Uint8Array(gzipSync(binary.subarray(0, 100))),
    code: 'MODEL_UNREADABLE',
  },
  {
    name: 'a model of an unknown format',
    bytes: encode(JSON.stringify({ ...serializeModel(model), format: 99 })),
    code: 'MODEL_INVALID',
  },
];

/**
 * Registers the model-bytes cases for one runtime: the same bytes, the same code, on Node and on workerd.
 * @param name - Shown in the test names.
 * @param decode - Loads the bytes the way that runtime does (a file through the Node loader, a worker's reader).
 */
export function describeModelBytes(name: string, decode: (bytes: Uint8Array) => Promise<ModelBytesOutcome>): void {
  describe(`model bytes (${name}): one reader, one code per failure`, () => {
    it('loads a model from its binary file and its JSON, each gzipped or not', async () => {
      for (const bytes of [binary, binaryGz, encode(json), gz])
        expect(await decode(bytes)).toEqual({ supportVectorCount: model.supportVectorCount });
    });

    it.each(BAD_MODEL_BYTES)('refuses $name with $code', async ({ bytes, code }) => {
      const outcome = await decode(bytes);
      expect(outcome).toMatchObject({ code });
      expect('message' in outcome && outcome.message.length > 0).toBe(true);
    });
  });
}
