import type { ModelTraining } from '../../src/ml/model.js';

/** A plausible training record for models built in tests. */
export function trainingRecord(trainSize: number): ModelTraining {
  return {
    C: 1,
    tolerance: 1e-3,
    shrinking: true,
    gammaRule: 'scale x 1',
    seed: 1,
    trainSize,
    iterations: new Array<number>(10).fill(1),
    supportVectorsPerClass: new Array<number>(10).fill(1),
    seconds: 1,
    peakRssMB: null,
    threads: 1,
    machine: 'test',
    command: 'test',
    trainedAt: '2026-01-01T00:00:00.000Z',
    dataChecksums: {},
  };
}
