import type { EngineChoice } from '../node/kernel-wasm.js';
import type { ModelEvaluation, SvmModel } from '../ml/model.js';
import type { MnistSource } from './mnist-data.js';

/** A gamma given as a number, or as a multiple of sklearn's "scale" rule. */
export type GammaSpec =
  { readonly kind: 'value'; readonly value: number } | { readonly kind: 'scale'; readonly multiplier: number };

/**
 * Everything a training run needs: data source, sizes, hyperparameters, threads, cache, optional grid search. The
 * shipped values of each are in defaults.ts (resolveTrainingPlan).
 */
export interface TrainingPlan {
  readonly source: MnistSource;
  /** Training images drawn (seeded) from the 60k; all of them by default. */
  readonly trainSize: number;
  /** Images held out of training for validation (without a search); 0 = none. */
  readonly validationSize: number;
  readonly C: number;
  readonly gamma: GammaSpec;
  readonly coef0: number;
  readonly degree: number;
  readonly tolerance: number;
  readonly shrinking: boolean;
  readonly seed: number;
  readonly threads: number;
  readonly cacheBytes: number;
  readonly evaluateTest: boolean;
  /** Training digits redrawn with other pens (thicker, thinner, fine) and added to training; see pen-augmentation. */
  readonly penVariants?: number;
  readonly search?: SearchPlan;
  /**
   * Virtual support vectors: 0 (none), 4 or 8 one-pixel shifts of the first model's support vectors, trained on
   * in a second fit (see virtual-sv.ts).
   */
  readonly virtualShifts?: 0 | 4 | 8;
  /** At most this many support vectors are shifted (those of largest |alpha|; all are kept); absent: all of them. */
  readonly virtualSources?: number;
  /** C of the virtual-support-vector fit; absent: the first fit's C. */
  readonly virtualC?: number;
  /**
   * With virtual support vectors: ship the first model with the virtual-SV model as its second stage (format 2, see
   * second-stage.ts), which reads only the images the first is unsure of, instead of the virtual-SV model alone.
   * `gap` and `temperature` are recorded when the run holds no images out (a --validation run fits its own).
   */
  readonly secondStage?: {
    readonly gap: number;
    readonly temperature: number;
    readonly fittedOn: string;
  };
  /**
   * Add the committed printed-digit set (data/font-digits, typefaces the printed-digits bench does not use) to every
   * training set.
   */
  readonly fontDigits?: boolean;
  /**
   * The confidence temperature to record when this run holds no images out to fit one (a --validation or --search
   * run fits its own): the value a validation run of the same configuration fitted, and what it was fitted on.
   */
  readonly temperature?: { readonly temperature: number; readonly fittedOn: string };
  /** Where drawn pen variants are cached between runs (see pen-cache.ts); absent or null: always draw. */
  readonly penCacheDir?: string | null;
  /** Kernel engine for training rows and evaluation: WebAssembly SIMD where it runs (`auto`, the default) or JS. */
  readonly engine?: EngineChoice;
  readonly command: string;
}

/** A grid search on a held-out validation split of the training set (never the test set). */
export interface SearchPlan {
  readonly Cs: readonly number[];
  readonly gammaMultipliers: readonly number[];
  readonly coef0s: readonly number[];
  /** Training images per grid point, drawn from the images not held out. */
  readonly trainSize: number;
  readonly validationSize: number;
}

/** One grid point of a search: its hyperparameters and validation accuracy. */
export interface SearchResult {
  readonly C: number;
  readonly gammaMultiplier: number;
  readonly gamma: number;
  readonly coef0: number;
  readonly validationAccuracy: number;
  readonly supportVectors: number;
  readonly seconds: number;
}

/** What {@link runTraining} returns: the model plus validation, search results and resource use. */
export interface TrainingReport {
  readonly model: SvmModel;
  readonly validation: ModelEvaluation | null;
  readonly search: readonly SearchResult[] | null;
  readonly peakRssMB: number;
  readonly cachedRows: number;
  /** Kernel rows the final fit's solvers asked for, and how many had to be computed (the rest were cache hits). */
  readonly rowRequests: number;
  readonly rowsComputed: number;
  /** Wall time of each step of the run, in order. */
  readonly phases: readonly RunPhase[];
}

/** One timed step of a run (data and pen variants, search, stages, assembly and calibration, test evaluation, records). */
export interface RunPhase {
  readonly name: string;
  readonly seconds: number;
}

/** Receives one progress line at a time (the CLI writes them to stderr). */
export type Log = (line: string) => void;
