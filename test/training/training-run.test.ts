import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectRows } from '../../src/ml/dataset.js';
import { deskewAll } from '../../src/ml/deskew.js';
import { serializeModel } from '../../src/ml/model.js';
import { readsSecondStage } from '../../src/ml/routing.js';
import { loadModelFile } from '../../src/node/model-file.js';
import { resolveTrainingPlan } from '../../src/training/defaults.js';
import { argmax, trainingSet } from '../../src/training/fit.js';
import { assembleRunModel } from '../../src/training/run-assembly.js';
import { splitTrainingPool } from '../../src/training/run-data.js';
import { calibrateOnValidation } from '../../src/training/run-evaluation.js';
import { fitStages, kernelFor, shiftsOf } from '../../src/training/run-stages.js';
import { chooseGap, scoreGaps } from '../../src/training/second-stage-fit.js';
import { runTraining } from '../../src/training/training-run.js';
import { cli } from '../helpers/cli.js';
import { mnistTrain } from '../helpers/mnist-subset.js';

const quiet = (): void => {};

describe('training run: data', () => {
  it('holds the first images of the seeded order out and fits on trainSize of the rest, sorted', () => {
    const split = splitTrainingPool(1000, { seed: 5, validationSize: 100, trainSize: 300 });
    expect(split.holdOut).toBe(100);
    expect(split.trainIdx).toHaveLength(300);
    expect([...split.trainIdx]).toEqual([...split.trainIdx].sort((a, b) => a - b));
    const heldOut = new Set(split.order.subarray(0, 100));
    expect([...split.trainIdx].some((i) => heldOut.has(i))).toBe(false);
    expect(new Set(split.order).size).toBe(1000);
    expect(split.fitIdx).toBeUndefined();
    // The same seed, the same split; another seed, another.
    expect(splitTrainingPool(1000, { seed: 5, validationSize: 100, trainSize: 300 })).toEqual(split);
    expect([...splitTrainingPool(1000, { seed: 6, validationSize: 100, trainSize: 300 }).trainIdx]).not.toEqual([
      ...split.trainIdx,
    ]);
  });

  it('with a search, trains the final model on the whole pool and fits the search points after its validation images', () => {
    const search = { Cs: [1], gammaMultipliers: [1], coef0s: [0], trainSize: 200, validationSize: 50 };
    const split = splitTrainingPool(400, { seed: 1, validationSize: 100, trainSize: 400, search });
    expect(split.holdOut).toBe(0);
    expect(split.trainIdx).toHaveLength(400);
    expect([...(split.fitIdx ?? [])]).toEqual([...split.order.subarray(50, 250)].sort((a, b) => a - b));
  });
});

describe('training run: stages, assembly and evaluation', () => {
  it('fits the first stage, its support vectors with 4 shifts each, and ships them as a routed second stage', async () => {
    const raw = mnistTrain(500);
    const deskewed = { ...raw, images: deskewAll(raw.images, raw.count) };
    const trainIdx = Int32Array.from({ length: 300 }, (_, k) => k + 200);
    const val = selectRows(
      raw,
      Int32Array.from({ length: 200 }, (_, k) => k),
    );
    const plan = resolveTrainingPlan({ threads: 1, cacheBytes: 1 << 26, penCacheDir: null, validationSize: 200 });
    const train = trainingSet(deskewed, trainIdx, undefined, undefined);
    const kernel = kernelFor(plan, plan.gamma, plan.coef0, train);
    const fitted = await fitStages(plan, train, kernel, { C: plan.C, gamma: plan.gamma }, val, quiet);

    const firstSvs = fitted.first.run.model.supportVectorCount;
    expect(fitted.shifts).toBe(shiftsOf(4));
    expect(fitted.virtualSupportVectors).toEqual({ shifts: 4, sources: firstSvs, rows: 5 * firstSvs, C: 3 });
    expect(fitted.stages.map((s) => s.rows)).toEqual([300, 5 * firstSvs]);
    expect(fitted.stages.map((s) => s.supportVectors)).toEqual([firstSvs, fitted.last.run.model.supportVectorCount]);
    expect(fitted.last.run.model.training.C).toBe(3);
    expect(fitted.first.scores).toHaveLength(200);
    expect(fitted.last.scores).toHaveLength(200);

    const model = assembleRunModel(plan, fitted, plan.C, val, quiet);
    const stage = model.secondStage;
    expect(model.format).toBe(2);
    expect(model.supportVectorCount).toBe(firstSvs);
    expect(model.training.C).toBe(10);
    expect(model.training.stages).toEqual(fitted.stages);
    expect(stage?.slots).toHaveLength(fitted.last.run.model.supportVectorCount);
    const first = fitted.first.scores ?? [];
    const last = fitted.last.scores ?? [];
    expect(stage?.gap).toBe(chooseGap(scoreGaps(first, last, val.labels)).gap);

    // Validation routes each image as prediction will: the first stage's answer unless it is unsure.
    const { validation, calibration } = calibrateOnValidation(plan, model, fitted, val, undefined, quiet);
    const answers = first.map((s, k) => argmax(stage && readsSecondStage(stage.gap, s) ? (last[k] ?? s) : s));
    const right = answers.filter((a, k) => a === val.labels[k]).length;
    expect(validation?.accuracy).toBe(right / 200);
    expect(validation?.accuracy).toBeGreaterThan(0.8);
    expect(calibration?.fittedOn).toBe('validation split of 200 training images');

    // Without held-out images the recorded routing and temperature are the plan's.
    const shipped = assembleRunModel(plan, { ...fitted }, plan.C, null, quiet);
    expect(shipped.secondStage?.gap).toBe(plan.secondStage?.gap);
    const none = calibrateOnValidation(plan, shipped, fitted, null, undefined, quiet);
    expect(none).toEqual({ validation: null, calibration: plan.temperature });
    // Without a second stage the last fit ships alone.
    const alone = assembleRunModel(resolveTrainingPlan({ secondStage: false }), fitted, plan.C, val, quiet);
    expect(alone.format).toBe(1);
    expect(alone.supportVectorCount).toBe(fitted.last.run.model.supportVectorCount);
  });
});

describe('runTraining defaults', () => {
  // The printed digits are left out to keep the run small (the defaults test checks that the CLI's plan with no flags
  // is resolveTrainingPlan()'s); pen variants and the second stage are in, as shipped.
  it('trains the same model as `npm run train` with the same options (a small run)', { timeout: 180_000 }, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'training-run-'));
    const out = path.join(dir, 'model.json.gz');
    const args = ['--train-size', '100', '--no-fonts', '--no-test', '--no-pen-cache', '--threads', '2'];
    const run = await cli('train', ...args, '--out', out);
    expect(run.code).toBe(0);
    const fromCli = (await loadModelFile(out)).model;
    const report = await runTraining({
      trainSize: 100,
      fontDigits: false,
      evaluateTest: false,
      penCacheDir: null,
      threads: 2,
    });
    expect(report.phases.map((p) => p.name)).toEqual([
      'data and pen variants',
      'stages',
      'assembly and calibration',
      'records',
    ]);
    // What differs between two runs: when and how long, and the command line recorded.
    const comparable = (m: typeof fromCli): unknown => {
      const json = serializeModel(m);
      const { trainedAt: _t, seconds: _s, peakRssMB: _p, command: _c, stages, ...training } = json.training;
      return { ...json, training: { ...training, stages: stages?.map(({ seconds: _x, ...s }) => s) } };
    };
    expect(comparable(report.model)).toEqual(comparable(fromCli));
    expect(report.model.format).toBe(2);
    expect(report.model.training.penVariants?.count).toBeGreaterThan(80);
    expect(report.model.training.command).toBe('npm run train');
  });
});
