import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { MlError } from '../../src/ml/errors.js';
import { pairMatrixBytes, pairSlot } from '../../src/ml/engine/pairs.js';
import { BINARY_MODEL_MAGIC, decodeBinaryModel, encodeBinaryModel, isBinaryModel } from '../../src/ml/model-binary.js';
import { modelFromBytes } from '../../src/ml/model-bytes.js';
import { parseModel, serializeModel, type SvmModel } from '../../src/ml/model.js';
import { predictBatch } from '../../src/ml/predict.js';
import { containerOneOf } from '../helpers/container-one.js';
import { mnistTest } from '../helpers/mnist-subset.js';
import { trainTinyModel } from '../helpers/tiny-model.js';
import { trainTinyTwoStageModel } from '../helpers/tiny-two-stage.js';

let one: SvmModel;
let two: SvmModel;
beforeAll(() => {
  one = trainTinyModel(200);
  two = trainTinyTwoStageModel(200);
});

/** The code of the MlError `decode` throws (any other throw, or none, fails the test). */
function codeOf(bytes: Uint8Array): string {
  try {
    decodeBinaryModel(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(MlError);
    return (error as MlError).code;
  }
  throw new Error('the bytes decoded as a model');
}

/** Sections of a container-2 file start at multiples of this. */
const ALIGN = 64;
const aligned = (at: number, to = ALIGN): number => Math.ceil(at / to) * to;
const headerLength = (file: Uint8Array): number =>
  new DataView(file.buffer, file.byteOffset, file.byteLength).getUint32(12, true);

/** A copy of `file` with its header replaced by `header` (the arrays kept where the new header puts them). */
function withHeader(file: Uint8Array, change: (header: Record<string, unknown>) => unknown): Uint8Array {
  const length = headerLength(file);
  const header = JSON.parse(new TextDecoder().decode(file.subarray(16, 16 + length))) as Record<string, unknown>;
  const text = new TextEncoder().encode(JSON.stringify(change(header)));
  const arraysAt = aligned(16 + length);
  const headerEnd = aligned(16 + text.length);
  const out = new Uint8Array(headerEnd + file.length - arraysAt);
  out.set(file.subarray(0, 16));
  new DataView(out.buffer).setUint32(12, text.length, true);
  out.set(text, 16);
  out.set(file.subarray(arraysAt), headerEnd);
  return out;
}

describe('binary model file', () => {
  it.each([
    ['one stage', () => one],
    ['two stages', () => two],
  ])('%s: still reads container 1 (support vectors row by row) as the same model', (_, model) => {
    const old = containerOneOf(model());
    expect(new DataView(old.buffer).getUint32(8, true)).toBe(1);
    expect(decodeBinaryModel(old)).toEqual(decodeBinaryModel(encodeBinaryModel(model())));
  });

  it('decodes in place: the arrays are views of the file, and the model answers the same', () => {
    const file = encodeBinaryModel(two);
    const copied = decodeBinaryModel(file);
    const back = decodeBinaryModel(file, { inPlace: true });
    const second = back.secondStage;
    for (const array of [back.supportVectorPairs.bytes, back.coefficients, second?.slots, second?.coefficients])
      expect(array?.buffer).toBe(file.buffer);
    expect(back).toEqual(copied);
    // The support vectors were converted where they lie to the engines' layout; written again, the file is the same.
    expect(Buffer.from(file).equals(Buffer.from(encodeBinaryModel(two)))).toBe(false);
    expect(Buffer.from(encodeBinaryModel(back)).equals(Buffer.from(encodeBinaryModel(two)))).toBe(true);
    // A container-1 file stores the support vectors row by row: those are laid out anew, not viewed.
    expect(decodeBinaryModel(containerOneOf(two), { inPlace: true }).supportVectorPairs.bytes.buffer).not.toBe(
      file.buffer,
    );
  });

  it('refuses a support-vector padding byte that is not zero with MODEL_INVALID', () => {
    const model = [one, two].find((m) => m.supportVectorCount % 8 !== 0);
    if (model === undefined) throw new Error('both tiny models have a multiple of 8 support vectors: no padding');
    const file = encodeBinaryModel(model);
    // Row 0's first padding byte: right after the real vectors' 2 x count bytes.
    file[aligned(16 + headerLength(file)) + 2 * model.supportVectorCount] = 1;
    expect(codeOf(file)).toBe('MODEL_INVALID');
    expect(() => decodeBinaryModel(file)).toThrow(/padding byte/);
  });

  it("writes padding as zeros without touching its owner's bytes, a Node Buffer's included", () => {
    const model = [one, two].find((m) => m.supportVectorCount % 8 !== 0);
    if (model === undefined) throw new Error('both tiny models have a multiple of 8 support vectors: no padding');
    // A Buffer's slice() is a view: a copy made that way would zero the owner's padding along with its own.
    const bytes = Buffer.from(model.supportVectorPairs.bytes);
    // The first padding vector's first pixel in row 0 (engine layout, pairs.ts).
    const padding = pairSlot(model.supportVectorCount);
    bytes[padding] = 7;
    const owned: SvmModel = { ...model, supportVectorPairs: { ...model.supportVectorPairs, bytes } };
    const file = encodeBinaryModel(owned);
    expect(bytes[padding]).toBe(7);
    expect(file[aligned(16 + headerLength(file)) + 2 * model.supportVectorCount]).toBe(0);
    expect(decodeBinaryModel(file)).toEqual(decodeBinaryModel(encodeBinaryModel(model)));
  });

  it.each([
    ['one stage', () => one],
    ['two stages', () => two],
  ])('%s: decodes to the same fields and answers as the JSON file', (_, model) => {
    const file = encodeBinaryModel(model());
    expect(isBinaryModel(file)).toBe(true);
    const back = decodeBinaryModel(file);
    const fromJson = parseModel(JSON.parse(JSON.stringify(serializeModel(model()))));
    expect(back).toEqual(fromJson);
    expect(serializeModel(back)).toEqual(serializeModel(model()));
    const test = mnistTest(30);
    const images = Array.from({ length: test.count }, (_, k) => test.images.subarray(k * 784, (k + 1) * 784));
    expect(predictBatch(back, images)).toEqual(predictBatch(model(), images));
  });

  it('writes the same bytes for the same model, and again after a round trip', () => {
    const file = encodeBinaryModel(two);
    expect(encodeBinaryModel(two)).toEqual(file);
    expect(encodeBinaryModel(decodeBinaryModel(file))).toEqual(file);
    expect([...file.subarray(0, 8)]).toEqual(BINARY_MODEL_MAGIC);
  });

  it('refuses every truncation with MODEL_UNREADABLE', () => {
    const file = encodeBinaryModel(two);
    const cuts = [0, 1, 7, 8, 15, 16, 17, 100, file.length - 1];
    for (let k = 1; k < 64; k++) cuts.push(Math.floor((file.length * k) / 64));
    for (const cut of cuts) expect(codeOf(file.subarray(0, cut)), `cut at ${cut}`).toBe('MODEL_UNREADABLE');
  });

  it('refuses a damaged prefix or trailing bytes with MODEL_UNREADABLE, naming the fault', () => {
    const file = encodeBinaryModel(one);
    const changed = (at: number, value: number): Uint8Array => {
      const copy = file.slice();
      new DataView(copy.buffer).setUint32(at, value, true);
      return copy;
    };
    expect(() => decodeBinaryModel(changed(8, 3))).toThrow(/container version 3/);
    expect(() => decodeBinaryModel(changed(12, 0xffffffff))).toThrow(/header/);
    expect(() => decodeBinaryModel(changed(12, 40))).toThrow(/not UTF-8 JSON/);
    const longer = new Uint8Array(file.length + 3);
    longer.set(file);
    expect(() => decodeBinaryModel(longer)).toThrow(/3 bytes after its last array/);
    for (const bytes of [changed(8, 3), changed(8, 0), changed(12, 0xffffffff), changed(12, 40), longer])
      expect(codeOf(bytes)).toBe('MODEL_UNREADABLE');
  });

  it('checks the length a crafted header implies before copying anything', () => {
    const file = encodeBinaryModel(one);
    // 2^40 support vectors: terabytes, if the reader believed the header before checking the file's length.
    const huge = withHeader(file, (h) => ({
      ...h,
      supportVectors: { ...(h['supportVectors'] as object), count: 2 ** 40 },
    }));
    expect(codeOf(huge)).toBe('MODEL_UNREADABLE');
    expect(() => decodeBinaryModel(huge)).toThrow(/truncated: its header describes/);
  });

  it('refuses a header that is not a valid model, or bad arrays, with MODEL_INVALID', () => {
    const file = encodeBinaryModel(two);
    const cases: [Uint8Array, RegExp][] = [
      [withHeader(file, (h) => ({ ...h, kernel: { type: 'poly', degree: 4, gamma: -1, coef0: 0 } })), /kernel\.gamma/],
      [
        withHeader(file, (h) => ({ ...h, coefficients: { encoding: 'float64le-base64', layout: 'sv-major' } })),
        /coefficients\.encoding/,
      ],
      [withHeader(file, (h) => ({ ...h, format: 1 })), /format-2 model has a secondStage/],
      [withHeader(file, () => [1, 2, 3]), /\(root\)/],
    ];
    const nan = file.slice();
    // The first coefficient: right after the support vectors' pair matrix, at the first multiple of 64 past it.
    const coefAt = aligned(aligned(16 + headerLength(file)) + pairMatrixBytes(two.supportVectorCount, 784));
    new DataView(nan.buffer).setFloat64(coefAt, Number.NaN, true);
    cases.push([nan, /coefficients: value 0 is not finite/]);
    for (const [bytes, message] of cases) {
      expect(codeOf(bytes)).toBe('MODEL_INVALID');
      expect(() => decodeBinaryModel(bytes)).toThrow(message);
    }
  });

  it('never throws anything but an MlError on corrupted bytes', () => {
    const file = encodeBinaryModel(one);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(file.length - 1), fc.nat(255)), { minLength: 1, maxLength: 8 }), (edits) => {
        const copy = file.slice();
        for (const [at, value] of edits) copy[at] = value;
        try {
          decodeBinaryModel(copy);
        } catch (error) {
          if (!(error instanceof MlError)) throw error;
          expect(['MODEL_UNREADABLE', 'MODEL_INVALID']).toContain(error.code);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('modelFromBytes', () => {
  const gunzip = (bytes: Uint8Array): Uint8Array => bytes;

  it('reads the binary file and the older JSON one, told apart by their bytes', async () => {
    const json = new TextEncoder().encode(JSON.stringify(serializeModel(one)));
    const fromJson = await modelFromBytes(json, { gunzip, source: 'json' });
    const fromBinary = await modelFromBytes(encodeBinaryModel(one), { gunzip, source: 'binary' });
    expect(fromBinary).toEqual(fromJson);
  });

  it('names the source, and gives the inflate the bound on its output', async () => {
    const limits: number[] = [];
    const refusing = (_: Uint8Array, maxBytes: number): Uint8Array => {
      limits.push(maxBytes);
      throw new RangeError('Cannot create a Buffer larger than the limit');
    };
    const gz = new Uint8Array([0x1f, 0x8b, 8, 0]);
    await expect(modelFromBytes(gz, { gunzip: refusing, source: 'bomb.gz' })).rejects.toMatchObject({
      code: 'MODEL_UNREADABLE',
      message: expect.stringMatching(/^bomb\.gz: not readable gzip/) as unknown,
    });
    expect(limits).toEqual([512 * 1024 * 1024]);
    const cut = encodeBinaryModel(one).subarray(0, 100);
    await expect(modelFromBytes(cut, { gunzip, source: 'cut.bin' })).rejects.toMatchObject({
      code: 'MODEL_UNREADABLE',
      message: expect.stringMatching(/^cut\.bin: binary model file is truncated/) as unknown,
    });
  });
});
