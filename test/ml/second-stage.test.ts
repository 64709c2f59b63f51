import { beforeAll, describe, expect, it } from 'vitest';
import { deskewAll } from '../../src/ml/deskew.js';
import { createJsEngine } from '../../src/ml/engine/js-engine.js';
import { compileKernelModules, createWasmEngine, placeModel } from '../../src/ml/engine/wasm-engine.js';
import { pairMatrixFromRows } from '../../src/ml/engine/pairs.js';
import { MlError } from '../../src/ml/errors.js';
import { createKernelRowCache } from '../../src/ml/kernel-cache.js';
import { prepareKernelData, scaleGamma, type PolyKernel } from '../../src/ml/kernel.js';
import { assembleModel, parseModel, serializeModel, withModelFields, type SvmModel } from '../../src/ml/model.js';
import { trainOneVsRest } from '../../src/ml/ovr.js';
import { decisionValues, firstStageAnswer, predictBatch } from '../../src/ml/predict.js';
import { topGap } from '../../src/ml/routing.js';
import { secondStageScores } from '../../src/ml/second-stage-scores.js';
import { shareShiftedSupportVectors } from '../../src/ml/second-stage.js';
import { SHIFTS_4, supportVectorRows, withVirtualSupportVectors } from '../../src/ml/virtual-sv.js';
import { mnistTest, mnistTrain } from '../helpers/mnist-subset.js';
import { trainingRecord } from '../helpers/training-record.js';

const MOVES = [{ dx: 0, dy: 0 }, ...SHIFTS_4];

/** A first fit on 300 MNIST images, a virtual-SV fit on its support vectors and their 4 moves, and the two-stage model. */
function fixture(): { first: SvmModel; second: SvmModel; twoStage: (gap: number) => SvmModel } {
  const train = mnistTrain(300);
  const data = { ...train, images: deskewAll(train.images, train.count) };
  const kernel: PolyKernel = { type: 'poly', degree: 4, gamma: scaleGamma(data.images, 784), coef0: 0 };
  const fit = (images: Uint8Array, labels: Uint8Array) => {
    const rows = createKernelRowCache(prepareKernelData(images, labels.length, 784, kernel), kernel, 64 << 20);
    const solutions = trainOneVsRest(rows, labels, { C: 1 });
    const model = assembleModel({ solutions, images, kernel, deskew: true, training: trainingRecord(labels.length) });
    return { solutions, model };
  };
  const one = fit(data.images, data.labels);
  const moved = withVirtualSupportVectors(data, supportVectorRows(one.solutions), SHIFTS_4);
  const two = fit(moved.images, moved.labels);
  const shared = shareShiftedSupportVectors(one.model, two.model, MOVES);
  const twoStage = (gap: number): SvmModel =>
    withModelFields(one.model, {
      secondStage: {
        ...shared,
        gap,
        calibration: { temperature: 0.5, fittedOn: 'test' },
        routing: { fittedOn: 'test', routedShare: null },
      },
    });
  return { first: one.model, second: two.model, twoStage };
}

let f: ReturnType<typeof fixture>;
const test = mnistTest(60);
const images = Array.from({ length: test.count }, (_, k) => test.images.subarray(k * 784, (k + 1) * 784));

beforeAll(() => {
  f = fixture();
});

describe('a second stage kept as slots into the first stage', () => {
  it('stores every virtual support vector as a first-stage one and a move, fewer slots than rows moved', () => {
    const stage = f.twoStage(0).secondStage;
    expect(stage?.slots.length).toBe(f.second.supportVectorCount);
    // Some second-stage vectors are moved copies: slots past the first block of unmoved ones.
    expect(stage?.slots.some((s) => s >= f.first.supportVectorCount)).toBe(true);
  });

  it('scores an image bit for bit like the virtual-SV model that stores its vectors (js and wasm-simd)', async () => {
    const model = f.twoStage(Infinity);
    const stage = model.secondStage!;
    const modules = await compileKernelModules();
    for (const engine of [createJsEngine(model), createWasmEngine(placeModel(model), modules)]) {
      for (const image of images.slice(0, 20)) {
        const x = deskewAll(image, 1);
        const out = new Float64Array(10);
        secondStageScores(engine.model, stage, engine, x, out, 0);
        expect(Array.from(out)).toEqual(decisionValues(f.second, image));
      }
    }
  });

  it('answers from the first stage at gap 0 and from the second at an infinite gap', () => {
    const firstOnly = predictBatch(f.twoStage(0), images);
    const secondOnly = predictBatch(f.twoStage(Infinity), images);
    expect(firstOnly.map((p) => p.stage)).toEqual(images.map(() => 1));
    expect(secondOnly.map((p) => p.stage)).toEqual(images.map(() => 2));
    expect(firstOnly.map((p) => p.scores)).toEqual(predictBatch(f.first, images).map((p) => p.scores));
    expect(secondOnly.map((p) => p.scores)).toEqual(predictBatch(f.second, images).map((p) => p.scores));
  });

  it('routes exactly the images whose two best first-stage scores are closer than the gap', () => {
    const firstScores = predictBatch(f.first, images).map((p) => p.scores);
    const gaps = firstScores.map((s) => topGap(s)).sort((a, b) => a - b);
    const gap = gaps[Math.floor(gaps.length / 2)] as number;
    const stages = predictBatch(f.twoStage(gap), images).map((p) => p.stage);
    expect(stages).toEqual(firstScores.map((s) => (topGap(s) < gap ? 2 : 1)));
    expect(stages).toContain(1);
    expect(stages).toContain(2);
  });

  it("gives a first-stage answer exactly where the first stage answers, the same prediction as predictBatch's", () => {
    const firstScores = predictBatch(f.first, images).map((p) => p.scores);
    const gaps = firstScores.map((s) => topGap(s)).sort((a, b) => a - b);
    const model = f.twoStage(gaps[Math.floor(gaps.length / 2)] as number);
    const staged = predictBatch(model, images);
    const answers = firstScores.map((scores) => firstStageAnswer(model, scores));
    expect(answers.map((a) => a === undefined)).toEqual(staged.map((p) => p.stage === 2));
    answers.forEach((a, k) => {
      if (a !== undefined) expect(a).toEqual(staged[k]);
    });
    // A one-stage model always answers from its first stage.
    expect(firstScores.map((scores) => firstStageAnswer(f.first, scores))).toEqual(predictBatch(f.first, images));
  });

  it('round-trips through the file format as format 2; a model without one stays format 1', () => {
    const model = f.twoStage(1.25);
    const json = serializeModel(model);
    expect(json.format).toBe(2);
    const back = parseModel(JSON.parse(JSON.stringify(json)));
    expect(back.format).toBe(2);
    expect(back.secondStage?.slots).toEqual(model.secondStage?.slots);
    expect(back.secondStage?.coefficients).toEqual(model.secondStage?.coefficients);
    expect(back.secondStage?.gap).toBe(1.25);
    expect(predictBatch(back, images)).toEqual(predictBatch(model, images));
    expect(serializeModel(f.first).format).toBe(1);
    expect(serializeModel(f.first)).not.toHaveProperty('secondStage');
  });

  it('refuses a file whose format and second stage disagree, or whose slots point past the support vectors', () => {
    const json = serializeModel(f.twoStage(1));
    expect(() => parseModel({ ...json, format: 1 })).toThrow(/format-2 model has a secondStage/);
    const { secondStage, ...withoutStage } = json;
    expect(() => parseModel({ ...withoutStage, format: 2 })).toThrow(MlError);
    const past = new Uint8Array(4 * secondStage!.slots.count);
    new DataView(past.buffer).setUint32(0, f.first.supportVectorCount * MOVES.length, true);
    const bad = { ...secondStage!, slots: { ...secondStage!.slots, data: Buffer.from(past).toString('base64') } };
    expect(() => parseModel({ ...json, secondStage: bad })).toThrow(/past \d+ support vectors x 5 moves/);
  });

  it('gives a support vector that is two moved first-stage ones the earliest slot (moves in order, then vectors)', () => {
    // First-stage vector 1 is vector 0 moved one pixel right, so "vector 0 moved right" (slot 1 x 3 + 0) and
    // "vector 1 unmoved" (slot 1) are the same row; so are "vector 2 moved right" and "vector 0 moved right twice"
    // (no such move: vector 2 alone matches). Only the earliest slot of a row may be named.
    const image = new Uint8Array(784);
    for (let y = 8; y < 20; y++) image[y * 28 + 10] = 200 + y;
    const right = (rows: Uint8Array): Uint8Array => {
      const out = new Uint8Array(784);
      for (let k = 0; k < 784; k++) if (k % 28 !== 0) out[k] = rows[k - 1] as number;
      return out;
    };
    const vectors = [image, right(image), right(right(image))];
    const stage = (rows: Uint8Array[]) => ({
      supportVectorCount: rows.length,
      supportVectorPairs: pairMatrixFromRows(Uint8Array.from(rows.flatMap((r) => [...r])), rows.length, 784),
      coefficients: new Float64Array(10 * rows.length),
      biases: new Array<number>(10).fill(0),
      kernel: f.first.kernel,
    });
    const moves = [
      { dx: 0, dy: 0 },
      { dx: 1, dy: 0 },
    ];
    const shared = shareShiftedSupportVectors(stage(vectors), stage([right(image), right(right(image)), image]), moves);
    expect([...shared.slots]).toEqual([1, 2, 0]);
  });

  it('refuses to share a model whose support vectors are not moved first-stage ones', () => {
    // Without the moves, the moved support vectors of the virtual-SV fit have nothing to match.
    expect(() => shareShiftedSupportVectors(f.first, f.second, [{ dx: 0, dy: 0 }])).toThrow(
      /no first-stage support vector moved/,
    );
    const other = { ...f.second, kernel: { ...f.second.kernel, degree: 3 } };
    expect(() => shareShiftedSupportVectors(f.first, other, MOVES)).toThrow(/different kernels/);
  });
});
