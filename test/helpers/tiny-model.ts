import { deskewAll } from '../../src/ml/deskew.js';
import { prepareKernelData, scaleGamma, type PolyKernel } from '../../src/ml/kernel.js';
import { createKernelRowCache } from '../../src/ml/kernel-cache.js';
import { assembleModel, type SvmModel } from '../../src/ml/model.js';
import { trainOneVsRest } from '../../src/ml/ovr.js';
import { mnistTrain } from './mnist-subset.js';
import { trainingRecord } from './training-record.js';

/** A real but small model: the first `count` MNIST training images, C = 1, gamma "scale". */
export function trainTinyModel(count = 500): SvmModel {
  const train = mnistTrain(count);
  const images = deskewAll(train.images, train.count);
  const kernel: PolyKernel = { type: 'poly', degree: 4, gamma: scaleGamma(images, 784), coef0: 0 };
  const rows = createKernelRowCache(prepareKernelData(images, count, 784, kernel), kernel, 256 << 20);
  const solutions = trainOneVsRest(rows, train.labels, { C: 1 });
  return assembleModel({ solutions, images, kernel, deskew: true, training: trainingRecord(count) });
}
