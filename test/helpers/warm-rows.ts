import { createKernelRowCache } from '../../src/ml/kernel-cache.js';
import { prepareKernelData } from '../../src/ml/kernel.js';
import type { RowSource } from '../../src/training/warm-problem.js';

/** Kernel rows of the JavaScript reference engine with a cache big enough for a tiny model's problems. */
export const jsRows: RowSource = (images, n, kernel) =>
  createKernelRowCache(prepareKernelData(images, n, 784, kernel), kernel, 64 << 20);
