import { beforeAll, describe, expect, it } from 'vitest';
import { renderModelCard } from '../../src/cli/model-card.js';
import { MlError } from '../../src/ml/errors.js';
import { serializeModel, type SvmModel } from '../../src/ml/model.js';
import { decisionValues, predictBatch } from '../../src/ml/predict.js';
import { warmTrain, type LabelledDigits } from '../../src/training/warm-train.js';
import { mnistTest } from '../helpers/mnist-subset.js';
import { trainTinyModel } from '../helpers/tiny-model.js';
import { trainTinyTwoStageModel } from '../helpers/tiny-two-stage.js';
import { solveInThisThread } from '../../src/training/warm-problem.js';
import { solveOnThreads } from '../../src/training/warm-threads.js';
import { jsRows } from '../helpers/warm-rows.js';

const solve = solveInThisThread(jsRows);

const record = { corrections: 80, heldOut: 0, baseModelSha256: 'a'.repeat(64), command: 'test' };
const test = mnistTest(400);
/** The first 100 test digits play the corrections, the other 300 the digits nobody corrected. */
const slice = (from: number, to: number): LabelledDigits => ({
  count: to - from,
  pixels: test.images.slice(from * 784, to * 784),
  labels: test.labels.slice(from, to),
});
const corrections = slice(0, 100);
const others = slice(100, 400);

function accuracy(model: SvmModel, digits: LabelledDigits): number {
  const images = Array.from({ length: digits.count }, (_, k) => digits.pixels.subarray(k * 784, (k + 1) * 784));
  return predictBatch(model, images).filter((p, k) => p.digit === digits.labels[k]).length / digits.count;
}

describe('warmTrain on a one-stage model', () => {
  let base: SvmModel;
  let warm: Awaited<ReturnType<typeof warmTrain>>;
  beforeAll(async () => {
    base = trainTinyModel(300);
    warm = await warmTrain(base, corrections, { solve, record });
  });

  it('learns the corrections without forgetting: more of them and of the other digits read right', async () => {
    const before = accuracy(base, corrections);
    expect(before).toBeLessThan(0.95); // the tiny model misreads some, or the test proves nothing
    expect(accuracy(warm.model, corrections)).toBeGreaterThan(before);
    expect(accuracy(warm.model, corrections)).toBeGreaterThanOrEqual(0.95);
    expect(accuracy(warm.model, others)).toBeGreaterThanOrEqual(accuracy(base, others));
  });

  it('keeps the old support vectors in place and adds the new digits after them', async () => {
    expect(warm.added).toBe(100);
    expect(warm.model.supportVectorCount).toBe(base.supportVectorCount + 100);
    expect(warm.model.training.feedback).toMatchObject({ digits: 100, corrections: 80, heldOut: 0 });
    expect(renderModelCard(warm.model)).toContain('- Corrections: 100 accepted digits (from 80 corrections');
  });

  it('reaches the optimum a solve from zero finds on the same rows, in fewer iterations', async () => {
    const cold = await warmTrain(base, corrections, { solve, record, cold: true });
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    expect(sum(warm.iterations.first)).toBeLessThan(sum(cold.iterations.first));
    let worst = 0;
    for (let k = 0; k < others.count; k++) {
      const x = others.pixels.subarray(k * 784, (k + 1) * 784);
      const a = decisionValues(warm.model, x);
      const b = decisionValues(cold.model, x);
      a.forEach((v, c) => (worst = Math.max(worst, Math.abs(v - (b[c] as number)))));
    }
    // Both stop at KKT violation 1e-3: the decision values agree to about that, far below the margin of 1.
    expect(worst).toBeLessThan(0.02);
  });

  it('gives the same model for the same inputs', async () => {
    const again = await warmTrain(base, corrections, { solve, record });
    const strip = (m: SvmModel) => ({ ...serializeModel(m), training: { ...m.training, feedback: undefined } });
    expect(strip(again.model)).toEqual(strip(warm.model));
  });

  it('adds nothing twice: digits already among the support vectors are skipped', async () => {
    await expect(warmTrain(warm.model, corrections, { solve, record })).rejects.toThrow(
      /all 100 digits are already support vectors/,
    );
    const none = { count: 0, pixels: new Uint8Array(0), labels: new Uint8Array(0) };
    await expect(warmTrain(base, none, { solve, record })).rejects.toThrow(MlError);
  });
});

describe('warmTrain on a two-stage model', () => {
  let base: SvmModel;
  let warm: Awaited<ReturnType<typeof warmTrain>>;
  beforeAll(async () => {
    base = trainTinyTwoStageModel(300);
    warm = await warmTrain(base, corrections, { solve, record });
  });

  it('teaches both stages: each alone reads the corrections better than before', async () => {
    const only = (m: SvmModel, gap: number): SvmModel => ({ ...m, secondStage: { ...m.secondStage!, gap } });
    for (const gap of [0, Infinity]) {
      const before = accuracy(only(base, gap), corrections);
      expect(accuracy(only(warm.model, gap), corrections)).toBeGreaterThan(before);
      expect(accuracy(only(warm.model, gap), others)).toBeGreaterThanOrEqual(accuracy(only(base, gap), others) - 0.01);
    }
    expect(warm.iterations.second).toHaveLength(10);
  });

  it('gives the same model on two threads (WebAssembly rows) as in this thread (JavaScript rows)', async () => {
    const threaded = await warmTrain(base, corrections, { solve: solveOnThreads(2, 64 << 20), record });
    expect(threaded.model.coefficients).toEqual(warm.model.coefficients);
    expect(threaded.model.biases).toEqual(warm.model.biases);
    expect(threaded.model.secondStage?.slots).toEqual(warm.model.secondStage?.slots);
    expect(threaded.model.secondStage?.coefficients).toEqual(warm.model.secondStage?.coefficients);
  });

  it('points the second stage at the grown first stage: old slots renumbered, the new digits moved 5 ways', async () => {
    const stage = warm.model.secondStage!;
    const grown = warm.model.supportVectorCount;
    const old = base.secondStage!;
    const oldSlots = new Set(
      [...old.slots].map((s) => Math.floor(s / base.supportVectorCount) * grown + (s % base.supportVectorCount)),
    );
    const newSlots = [...stage.slots].filter((s) => !oldSlots.has(s));
    expect(newSlots.length).toBeGreaterThan(0);
    for (const s of newSlots) expect(s % grown).toBeGreaterThanOrEqual(base.supportVectorCount);
    expect(new Set(newSlots.map((s) => Math.floor(s / grown))).size).toBe(5);
    expect(stage.gap).toBe(old.gap);
    expect(stage.calibration).toEqual(old.calibration);
  });
});
