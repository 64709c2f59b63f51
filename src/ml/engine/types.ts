import type { SvmModel } from '../model.js';

/** Which implementation runs the dot products: the plain-JavaScript reference or WebAssembly SIMD. */
export type EngineBackend = 'js' | 'wasm-simd';

/** A convolution layer's shape: no padding, stride 1, square kernels. */
export interface ConvShape {
  readonly inChannels: number;
  /** Rows of each input channel. */
  readonly height: number;
  /** Columns of each input channel. */
  readonly width: number;
  readonly outChannels: number;
  /** The kernel's side. */
  readonly kernel: number;
}

/**
 * A model's decision function on one backend. Every backend gives bit-identical results (integer dot products,
 * float64 sums in one operation order); they differ only in speed. Images are already preprocessed (deskewed when
 * the model says so): `predict` in ../predict.ts does that and then calls an engine.
 */
export interface ModelEngine {
  readonly backend: EngineBackend;
  readonly model: SvmModel;
  /**
   * Exact dot products of `imageCount` byte images with every support vector.
   * @param images imageCount x dim bytes, row-major
   * @param out imageCount x supportVectorCount: out[b * count + i] = images[b] . sv_i
   */
  dots(images: Uint8Array, imageCount: number, out: Int32Array): void;
  /**
   * The ten decision values of each image (biases included).
   * @param images imageCount x dim bytes, row-major
   * @param out imageCount x 10: out[b * 10 + c]
   */
  decisionValues(images: Uint8Array, imageCount: number, out: Float64Array): void;
  /**
   * The ten decision values of each image from the stage that answers it: the first stage's, or, for a two-stage
   * model, the second stage's where the first is unsure (`readsSecondStage`, routing.ts). The same as `decisionValues` for a
   * one-stage model.
   * @param images imageCount x dim bytes, row-major
   * @param out imageCount x 10: out[b * 10 + c]
   * @param stages imageCount entries: stages[b] = 1 or 2, the stage that answered image b
   */
  stagedDecisionValues(images: Uint8Array, imageCount: number, out: Float64Array, stages: Uint8Array): void;
  /**
   * A convolution layer's sums, for the small networks the number reader runs beside the model (its pair network):
   * the same bits as js-conv.ts `convolveSums`, the reference, on every backend. Optional, so that an engine made
   * some other way still reads numbers (the reader then sums in JavaScript).
   * @param input shape.inChannels x height x width float32 values, channel-major then row-major
   * @param out shape.outChannels x (height - kernel + 1) x (width - kernel + 1) sums, before any activation
   */
  convolve?(shape: ConvShape, weights: Float32Array, bias: Float32Array, input: Float32Array, out: Float32Array): void;
}
