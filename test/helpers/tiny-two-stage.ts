import { deskewAll } from '../../src/ml/deskew.js';
import { createKernelRowCache } from '../../src/ml/kernel-cache.js';
import { prepareKernelData, scaleGamma, type PolyKernel } from '../../src/ml/kernel.js';
import { assembleModel, parseModel, serializeModel, type SvmModel } from '../../src/ml/model.js';
import { trainOneVsRest } from '../../src/ml/ovr.js';
import { shareShiftedSupportVectors } from '../../src/ml/second-stage.js';
import { SHIFTS_4, supportVectorRows, withVirtualSupportVectors } from '../../src/ml/virtual-sv.js';
import { mnistTrain } from './mnist-subset.js';
import { trainingRecord } from './training-record.js';

/**
 * A real two-stage model as `npm run train` makes one, in small: a first fit on the first `count` MNIST images
 * (C = 1), a virtual-support-vector fit (C = 0.5, recorded as the stage's own C) on its support vectors and their 4
 * moves, kept as slots.
 */
export function trainTinyTwoStageModel(count = 300, gap = 1): SvmModel {
  const train = mnistTrain(count);
  const data = { ...train, images: deskewAll(train.images, train.count) };
  const kernel: PolyKernel = { type: 'poly', degree: 4, gamma: scaleGamma(data.images, 784), coef0: 0 };
  const fit = (images: Uint8Array, labels: Uint8Array, C: number) => {
    const rows = createKernelRowCache(prepareKernelData(images, labels.length, 784, kernel), kernel, 64 << 20);
    const solutions = trainOneVsRest(rows, labels, { C });
    const model = assembleModel({ solutions, images, kernel, deskew: true, training: trainingRecord(labels.length) });
    return { solutions, model };
  };
  const one = fit(data.images, data.labels, 1);
  const moved = withVirtualSupportVectors(data, supportVectorRows(one.solutions), SHIFTS_4);
  const two = fit(moved.images, moved.labels, 0.5);
  const shared = shareShiftedSupportVectors(one.model, two.model, [{ dx: 0, dy: 0 }, ...SHIFTS_4]);
  const model: SvmModel = {
    ...one.model,
    format: 2,
    training: {
      ...one.model.training,
      virtualSupportVectors: { shifts: 4, sources: one.model.supportVectorCount, rows: moved.count, C: 0.5 },
    },
    secondStage: {
      ...shared,
      gap,
      calibration: { temperature: 0.5, fittedOn: 'test' },
      routing: { fittedOn: 'test', routedShare: null },
    },
  };
  return parseModel(serializeModel(model));
}
