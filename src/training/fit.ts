import os from 'node:os';
import { concatRows, type Dataset } from '../ml/dataset.js';
import { scaleGamma, type PolyKernel } from '../ml/kernel.js';
import { assembleModel, type SvmModel } from '../ml/model.js';
import type { ClassSolution } from '../ml/ovr.js';
import { decisionValues } from '../ml/predict.js';
import { createModelEngine } from '../node/kernel-wasm.js';
import { PIXELS } from '../shared/mnist.js';
import { PEN_MIX, withPenVariants, type PenVariants } from './augment/pen-augmentation.js';
import type { GammaSpec, Log, TrainingPlan } from './plan.js';
import { trainOneVsRestThreaded, type TrainEvent, type RowArena } from './train-threads.js';

/** Peak RSS of the whole process so far, in MB. */
export function peakRssMB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function machineDescription(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.availableParallelism()} x ${cpu.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`;
}

export function sortedIndices(indices: Int32Array): Int32Array {
  return Int32Array.from(indices).sort();
}

/**
 * Trains one model on `train` (already deskewed) and returns it with its run statistics.
 * @param digitOrder the order the threads take the digits in (see trainOneVsRestThreaded); the model does not depend on it
 * @param rowArenas memory for the threads' row caches, shared by the fits of one run (see allocateRowArenas)
 */
export async function fitOnce(
  set: TrainingSet,
  kernel: PolyKernel,
  plan: TrainingPlan,
  C: number,
  log: Log,
  label: string,
  digitOrder?: readonly number[],
  rowArenas?: readonly RowArena[],
): Promise<{
  model: SvmModel;
  solutions: ClassSolution[];
  seconds: number;
  cachedRows: number;
  rowRequests: number;
  rowsComputed: number;
}> {
  const train = set.data;
  const started = performance.now();
  let lastLine = 0;
  let cachedRows = 0;
  let rowRequests = 0;
  let rowsComputed = 0;
  /** The shared cache's fill, when there is one (by default each thread has its own LRU instead). */
  const shared = (rows: number): string => (rows > 0 ? `${rows} kernel rows in the shared cache; ` : '');
  const onEvent = (event: TrainEvent): void => {
    cachedRows = event.cachedRows;
    if (event.type === 'class-done') {
      rowRequests += event.rowRequests;
      rowsComputed += event.rowsComputed;
    }
    const elapsed = (performance.now() - started) / 1000;
    if (event.type === 'class-done') {
      const s = event.solution;
      const eta = (elapsed / event.done) * (10 - event.done);
      log(
        `[${label} ${elapsed.toFixed(0).padStart(4)}s] digit ${s.digit} done: ${s.iterations} iterations, ` +
          `${s.indices.length} support vectors, ${s.seconds.toFixed(1)}s; ${event.done}/10 classes; ` +
          `${shared(event.cachedRows)}ETA ${event.done === 10 ? 0 : eta.toFixed(0)}s`,
      );
    } else if (performance.now() - lastLine > 5000) {
      lastLine = performance.now();
      log(
        `[${label} ${elapsed.toFixed(0).padStart(4)}s] digit ${event.digit}: ${event.iterations} iterations, ` +
          `active ${event.activeSize}, KKT gap ${event.gap.toFixed(4)}${shared(event.cachedRows).replace(/^/, '; ').replace(/; $/, '')}`,
      );
    }
  };
  const solutions = await trainOneVsRestThreaded(train.images, train.labels, {
    kernel,
    C,
    tolerance: plan.tolerance,
    shrinking: plan.shrinking,
    threads: plan.threads,
    cacheBytes: plan.cacheBytes,
    ...(plan.engine === undefined ? {} : { backend: plan.engine }),
    ...(digitOrder === undefined ? {} : { digitOrder }),
    ...(rowArenas === undefined ? {} : { rowArenas }),
    onEvent,
  });
  const seconds = (performance.now() - started) / 1000;
  const unconverged = solutions.filter((s) => !s.converged).map((s) => s.digit);
  if (unconverged.length > 0)
    log(`warning: digits ${unconverged.join(', ')} hit the iteration limit before the KKT tolerance`);
  const model = assembleModel({
    solutions,
    images: train.images,
    kernel,
    deskew: true,
    training: {
      C,
      tolerance: plan.tolerance,
      shrinking: plan.shrinking,
      gammaRule: plan.gamma.kind === 'scale' ? `scale x ${plan.gamma.multiplier}` : 'fixed',
      seed: plan.seed,
      trainSize: set.mnistRows,
      ...(set.penVariants.count > 0 ? { penVariants: set.penVariants } : {}),
      iterations: solutions.map((s) => s.iterations),
      supportVectorsPerClass: solutions.map((s) => s.indices.length),
      seconds,
      peakRssMB: peakRssMB(),
      threads: plan.threads,
      machine: machineDescription(),
      command: plan.command,
      trainedAt: new Date().toISOString(),
      dataChecksums: {},
    },
  });
  return { model, solutions, seconds, cachedRows, rowRequests, rowsComputed };
}

/** One fit of a multi-stage training run, as the model records it. */
export type TrainingStage = NonNullable<SvmModel['training']['stages']>[number];

/** Rows to train on: MNIST images, then pen variants of some of them. */
export interface TrainingSet {
  readonly data: Dataset;
  /** MNIST images the rows come from (the rest of the rows are variants of them). */
  readonly mnistRows: number;
  /** What the variants among the rows are (their count is 0 without augmentation), as the model records them. */
  readonly penVariants: NonNullable<SvmModel['training']['penVariants']>;
}

export function trainingSet(
  deskewed: Dataset,
  indices: Int32Array,
  variants: PenVariants | undefined,
  fonts: Dataset | undefined,
): TrainingSet {
  const { data: withPens, counts } = withPenVariants(deskewed, indices, variants);
  const data = fonts ? concatRows(withPens, fonts) : withPens;
  const range = (kind: keyof typeof PEN_MIX): [number, number] => [...PEN_MIX[kind].range];
  return {
    data,
    mnistRows: indices.length,
    penVariants: {
      count: counts.thicker + counts.thinner + counts.fine,
      ...counts,
      radius: range('thicker'),
      level: range('thinner'),
      width: range('fine'),
    },
  };
}

export function resolveGamma(spec: GammaSpec, deskewed: Uint8Array): number {
  return spec.kind === 'value' ? spec.value : scaleGamma(deskewed, PIXELS) * spec.multiplier;
}

export async function validationScores(model: SvmModel, data: Dataset, plan: TrainingPlan): Promise<number[][]> {
  const engine = await createModelEngine(model, plan.engine);
  const scores: number[][] = [];
  for (let k = 0; k < data.count; k++)
    scores.push(decisionValues(model, data.images.subarray(k * PIXELS, (k + 1) * PIXELS), engine));
  return scores;
}

export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let c = 1; c < values.length; c++) if ((values[c] as number) > (values[best] as number)) best = c;
  return best;
}
