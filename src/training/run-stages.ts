import type { Dataset } from '../ml/dataset.js';
import { scorePredictions } from '../ml/evaluate.js';
import type { PolyKernel } from '../ml/kernel.js';
import type { SvmModel } from '../ml/model.js';
import { SHIFTS_4, SHIFTS_8, supportVectorRows, withVirtualSupportVectors, type PixelShift } from '../ml/virtual-sv.js';
import { PIXELS } from '../shared/mnist.js';
import { argmax, fitOnce, resolveGamma, validationScores, type TrainingSet, type TrainingStage } from './fit.js';
import type { GammaSpec, Log, TrainingPlan } from './plan.js';
import { allocateRowArenas, longestFirst } from './train-threads.js';

/** One fitted stage: the fit and, with a validation split, its decision values there. */
export interface FittedStage {
  readonly run: Awaited<ReturnType<typeof fitOnce>>;
  readonly scores: number[][] | null;
}

/** What {@link fitStages} returns: the first fit, the last (the same one without virtual support vectors), and how. */
export interface FittedStages {
  readonly first: FittedStage;
  readonly last: FittedStage;
  readonly stages: TrainingStage[];
  /** The one-pixel shifts of the virtual support vectors; null without them. */
  readonly shifts: readonly PixelShift[] | null;
  readonly virtualSupportVectors: SvmModel['training']['virtualSupportVectors'];
}

/** The shifts `plan.virtualShifts` names: 4 (left, right, up, down), 8 (and the diagonals) or none. */
export function shiftsOf(virtualShifts: TrainingPlan['virtualShifts']): readonly PixelShift[] | null {
  return virtualShifts === 8 ? SHIFTS_8 : virtualShifts === 4 ? SHIFTS_4 : null;
}

/** The run's kernel; the "scale" gamma comes from the MNIST rows alone, so adding variants does not move it. */
export function kernelFor(
  plan: Pick<TrainingPlan, 'degree'>,
  gamma: GammaSpec,
  coef0: number,
  train: TrainingSet,
): PolyKernel {
  return {
    type: 'poly',
    degree: plan.degree,
    gamma: resolveGamma(gamma, train.data.images.subarray(0, train.mnistRows * PIXELS)),
    coef0,
  };
}

/**
 * The order the threads take the first stage's digits in: longest first (see longestFirst) by the SMO iterations of
 * the shipped configuration's first stage (2026-12-04: 8 took 26,343, 9 21,910, 3 17,378 ... 1 6,181). In digit
 * order 8 and 9 came last and ran side by side for the final ~35 s, one of them alone for 9 s. The model does not
 * depend on the order.
 */
const FIRST_STAGE_ORDER: readonly number[] = [8, 9, 3, 7, 5, 2, 4, 0, 6, 1];

/**
 * Fits the final model: on the training set, then (with virtual support vectors) on its support vectors and their
 * one-pixel shifts. Each stage is scored on `val` when there is one.
 */
export async function fitStages(
  plan: TrainingPlan,
  train: TrainingSet,
  kernel: PolyKernel,
  hyper: { readonly C: number; readonly gamma: GammaSpec },
  val: Dataset | null,
  log: Log,
): Promise<FittedStages> {
  const stages: TrainingStage[] = [];
  // Both stages' threads cache their rows in the same memory: the second stage's rows land on pages the first
  // stage's already made the process's (see createKernelRowCache). Where WebAssembly SIMD runs each arena is a
  // WebAssembly memory, and the solvers run their loops there (train-worker.ts): one stage gains that too.
  const rowArenas = allocateRowArenas(plan);
  const runStage = async (
    set: TrainingSet,
    name: string,
    label: string,
    C: number,
    digitOrder?: readonly number[],
  ): Promise<FittedStage> => {
    const run = await fitOnce(set, kernel, { ...plan, gamma: hyper.gamma }, C, log, label, digitOrder, rowArenas);
    const scores = val ? await validationScores(run.model, val, plan) : null;
    const accuracy = val && scores ? scorePredictions(scores.map(argmax), val.labels, 'validation').accuracy : null;
    if (accuracy !== null)
      log(
        `[${label}] validation accuracy ${(accuracy * 100).toFixed(2)}%, ${run.model.supportVectorCount} support vectors`,
      );
    stages.push({
      name,
      rows: set.data.count,
      supportVectors: run.model.supportVectorCount,
      validationAccuracy: accuracy,
      seconds: run.seconds,
    });
    return { run, scores };
  };
  const first = await runStage(train, 'MNIST + variants', 'train', hyper.C, FIRST_STAGE_ORDER);
  const shifts = shiftsOf(plan.virtualShifts);
  if (!shifts) return { first, last: first, stages, shifts, virtualSupportVectors: undefined };
  const all = supportVectorRows(first.run.solutions);
  const sources = plan.virtualSources === undefined ? all : supportVectorRows(first.run.solutions, plan.virtualSources);
  const data = withVirtualSupportVectors(train.data, all, shifts, sources);
  const virtualSupportVectors = {
    shifts: shifts.length,
    sources: sources.length,
    rows: data.count,
    ...(plan.virtualC === undefined ? {} : { C: plan.virtualC }),
  };
  log(
    `virtual support vectors: the ${all.length} support vectors and ${shifts.length} one-pixel shifts of ${sources.length} of them, ${data.count} rows`,
  );
  // The digits that took the first fit longest take the second longest too: handed out first, they keep the
  // threads' finishing times together.
  const last = await runStage(
    { ...train, data },
    `support vectors + ${shifts.length} one-pixel shifts of ${sources.length === all.length ? 'each' : `${sources.length} of them`}`,
    'virtual SVs',
    plan.virtualC ?? hyper.C,
    longestFirst(first.run.solutions),
  );
  return { first, last, stages, shifts, virtualSupportVectors };
}
