import { describe, expect, it } from 'vitest';
import { MlError } from '../../src/ml/errors.js';
import {
  buildModel,
  modelFields,
  parseModel,
  serializeModel,
  withModelFields,
  withModelRecords,
  type SvmModel,
} from '../../src/ml/model.js';
import { buildSecondStage } from '../../src/ml/second-stage.js';
import { modelOf } from './engine/random-models.js';

const kernel = { type: 'poly', degree: 2, gamma: 0.5, coef0: 1 } as const;
const rows = Uint8Array.from({ length: 3 * 784 }, (_, k) => (k * 7) % 256);
const coef = Float64Array.from({ length: 30 }, (_, k) => (k % 3) - 1);
const first = (): SvmModel => modelOf(rows, 3, kernel, coef, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);

function codeOf(make: () => unknown): string {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(MlError);
    return (error as MlError).code;
  }
  throw new Error('the model was built');
}

describe('buildModel: the one way a model value is made', () => {
  it('derives format, sizes and info from the fields', () => {
    const model = first();
    expect(model.format).toBe(1);
    expect(model.supportVectorCount).toBe(3);
    expect(model.dim).toBe(784);
    expect(model.info).toEqual({
      format: 1,
      trainedAt: model.training.trainedAt,
      trainSize: model.training.trainSize,
      testAccuracy: null,
      supportVectorCount: 3,
      hyperparameters: { C: model.training.C, kernel, deskew: false },
    });
  });

  it('computes the derived fields again on a change: a new C shows in info, a second stage makes format 2', () => {
    const model = first();
    const retrained = withModelFields(model, { training: { ...model.training, C: 3 } });
    expect(retrained.info.hyperparameters.C).toBe(3);
    const secondStage = buildSecondStage({
      shifts: [{ dx: 0, dy: 0 }],
      gap: 1,
      slots: Uint32Array.of(0, 2),
      coefficients: Float64Array.from({ length: 20 }, (_, k) => (k % 4 === 0 ? 0.5 : 0)),
      biases: new Array<number>(10).fill(0),
      calibration: { temperature: 1, fittedOn: 'test' },
      routing: { fittedOn: 'test', routedShare: null },
    });
    const twoStage = withModelFields(model, { secondStage });
    expect([twoStage.format, twoStage.info.format]).toEqual([2, 2]);
    expect(twoStage.secondStage?.terms.map((t) => t.entries.length)).toEqual([1, 0, 1, 0, 1, 0, 1, 0, 1, 0]);
    expect(serializeModel(twoStage).format).toBe(2);
  });

  it('gives the same JSON as parsing the serialized model, whatever the key order of the records given', () => {
    const model = first();
    const { C, seed, ...rest } = model.training;
    // A training run's spreads append keys; the value keeps the schema's order, as a parsed file has it.
    const shuffled = withModelFields(model, {
      training: { ...rest, seed, C },
      calibration: { fittedOn: 'x', temperature: 2 },
    });
    const text = JSON.stringify(serializeModel(shuffled));
    expect(JSON.stringify(serializeModel(parseModel(JSON.parse(text))))).toBe(text);
    expect(text.indexOf('"C":')).toBeLessThan(text.indexOf('"seed":'));
    expect(JSON.stringify(serializeModel(withModelRecords(shuffled, {})))).toBe(text);
  });

  it('keeps only model fields: an engine placement is not carried into a new model', () => {
    const model = first();
    const placed = { ...model, placement: { memory: null } };
    expect(Object.keys(withModelFields(placed, {}))).not.toContain('placement');
    expect(Object.keys(modelFields(placed))).not.toContain('placement');
  });

  it('refuses arrays of the wrong size, values that are not finite and invalid records (MODEL_INVALID)', () => {
    const fields = modelFields(first());
    expect(codeOf(() => buildModel({ ...fields, coefficients: new Float64Array(29) }))).toBe('MODEL_INVALID');
    const nan = Float64Array.from(fields.coefficients);
    nan[17] = NaN;
    expect(() => buildModel({ ...fields, coefficients: nan })).toThrow(/coefficients: value 17 is not finite/);
    expect(codeOf(() => buildModel({ ...fields, biases: [1, 2] }))).toBe('MODEL_INVALID');
    expect(() => buildModel({ ...fields, training: { ...fields.training, C: -1 } })).toThrow(/training\.C/);
    const stage = buildSecondStage({
      shifts: [{ dx: 1, dy: 0 }],
      gap: 1,
      slots: Uint32Array.of(3), // 3 support vectors x 1 move: slots 0-2
      coefficients: new Float64Array(10),
      biases: new Array<number>(10).fill(0),
      calibration: { temperature: 1, fittedOn: 'test' },
      routing: { fittedOn: 'test', routedShare: null },
    });
    expect(() => buildModel({ ...fields, secondStage: stage })).toThrow(/entry 0 is 3, past 3 support vectors x 1/);
    expect(codeOf(() => buildModel({ ...fields, calibration: { temperature: 0, fittedOn: '' } }))).toBe(
      'MODEL_INVALID',
    );
  });
});
