import { beforeAll, describe, expect, it } from 'vitest';
import { MlError } from '../../src/ml/errors.js';
import { parseModel, serializeModel, withModelRecords, type SvmModel } from '../../src/ml/model.js';
import { predict, predictBatch } from '../../src/ml/predict.js';
import { mnistTest } from '../helpers/mnist-subset.js';
import { trainTinyModel } from '../helpers/tiny-model.js';

let model: SvmModel;
beforeAll(() => {
  model = trainTinyModel(300);
});

function invalid(json: unknown): string {
  try {
    parseModel(json);
  } catch (error) {
    expect(error).toBeInstanceOf(MlError);
    expect((error as MlError).code).toBe('MODEL_INVALID');
    return (error as Error).message;
  }
  throw new Error('model was accepted');
}

describe('model format', () => {
  it('round-trips through JSON text with identical predictions', () => {
    const again = parseModel(JSON.parse(JSON.stringify(serializeModel(model))));
    expect(again.supportVectorCount).toBe(model.supportVectorCount);
    expect([...again.coefficients]).toEqual([...model.coefficients]);
    expect(Buffer.from(again.supportVectorPairs.bytes).equals(Buffer.from(model.supportVectorPairs.bytes))).toBe(true);
    // The file keeps its row-major layout: serializing what was parsed gives back the same bytes.
    expect(serializeModel(again).supportVectors.data).toBe(serializeModel(model).supportVectors.data);
    const test = mnistTest(20);
    for (let k = 0; k < test.count; k++) {
      const image = test.images.subarray(k * 784, (k + 1) * 784);
      expect(predict(again, image)).toEqual(predict(model, image));
    }
  });

  it('predict returns a digit, ten scores and a confidence in [0, 1]; batch agrees', () => {
    const test = mnistTest(10);
    const images = Array.from({ length: 10 }, (_, k) => test.images.subarray(k * 784, (k + 1) * 784));
    const batch = predictBatch(model, images);
    images.forEach((image, k) => {
      const p = predict(model, image);
      expect(batch[k]).toEqual(p);
      expect(p.scores).toHaveLength(10);
      expect(p.digit).toBe(p.scores.indexOf(Math.max(...p.scores)));
      expect(p.confidence).toBeGreaterThan(0);
      expect(p.confidence).toBeLessThanOrEqual(1);
    });
    expect(() => predict(model, new Uint8Array(100))).toThrow(/784 values/);
  });

  it('refuses malformed models with the reason', () => {
    const good = serializeModel(model);
    expect(invalid(null)).toMatch(/\(root\)/);
    expect(invalid({ ...good, format: 2 })).toMatch(/format/);
    expect(invalid({ ...good, biases: [1, 2] })).toMatch(/biases/);
    expect(invalid({ ...good, kernel: { ...good.kernel, gamma: -1 } })).toMatch(/kernel\.gamma/);
    expect(
      invalid({ ...good, supportVectors: { ...good.supportVectors, count: good.supportVectors.count + 1 } }),
    ).toMatch(/supportVectors\.data holds/);
    expect(
      invalid({ ...good, coefficients: { ...good.coefficients, data: good.coefficients.data.slice(0, 40) } }),
    ).toMatch(/coefficients\.data holds/);
    expect(invalid({ ...good, supportVectors: { ...good.supportVectors, data: '!!!!' } })).toMatch(/invalid base64/);
  });

  it('records evaluation and calibration without touching the rest', () => {
    const confusion = Array.from({ length: 10 }, (_, t) => Array.from({ length: 10 }, (_, p) => (t === p ? 1 : 0)));
    const updated = withModelRecords(model, {
      evaluation: { dataset: 'x', count: 10, accuracy: 1, confusion },
      calibration: { temperature: 0.5, fittedOn: 'test' },
    });
    expect(updated.info.testAccuracy).toBe(1);
    expect(updated.calibration.temperature).toBe(0.5);
    expect([...updated.supportVectorPairs.bytes]).toEqual([...model.supportVectorPairs.bytes]);
  });
});
