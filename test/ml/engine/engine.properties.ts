import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createJsEngine } from '../../../src/ml/engine/js-engine.js';
import { rowsFromPairMatrix } from '../../../src/ml/engine/pairs.js';
import { convolveSums } from '../../../src/ml/engine/js-conv.js';
import type { ConvShape, ModelEngine } from '../../../src/ml/engine/types.js';
import { dotBytes, kernelFromDot } from '../../../src/ml/kernel.js';
import { withModelFields, type SvmModel } from '../../../src/ml/model.js';
import { sumDifferenceBound } from '../../helpers/float-error.js';
import { explicitSecondStage, images, modelOf, randomModels, randomTwoStageModels } from './random-models.js';

const DIM = 784;

/**
 * Properties every kernel engine must have, run over random models and random sparse and dense images:
 * exact int32 dot products (against the definition, one vector at a time) and decision values identical to the
 * JavaScript reference engine's, bit for bit, for single images and batches of any size; for two-stage models, the
 * same stages and values as the reference, and second-stage values identical to those of the model the stage
 * stands for (its moved support vectors stored one by one).
 * @param make builds the engine under test for a model
 */
export function engineProperties(name: string, make: (model: SvmModel) => ModelEngine): void {
  describe(`kernel engine: ${name}`, () => {
    it('computes every dot product exactly (int32, against the definition)', () => {
      fc.assert(
        fc.property(
          randomModels(40).chain((model) =>
            fc.tuple(
              fc.constant(model),
              fc.integer({ min: 1, max: 19 }).chain((n) => fc.tuple(fc.constant(n), images(n))),
            ),
          ),
          ([model, [n, batch]]) => {
            const engine = make(model);
            const count = model.supportVectorCount;
            const vectors = rowsFromPairMatrix(engine.model.supportVectorPairs);
            const out = new Int32Array(n * count);
            engine.dots(batch, n, out);
            for (let b = 0; b < n; b++) {
              const x = batch.subarray(b * DIM, (b + 1) * DIM);
              const want = Array.from({ length: count }, (_, i) =>
                dotBytes(x, vectors.subarray(i * DIM, (i + 1) * DIM)),
              );
              expect([...out.subarray(b * count, (b + 1) * count)]).toEqual(want);
            }
          },
        ),
        { numRuns: 40 },
      );
    });

    it("computes the largest dots and the pixel values at the layout's bias edge (127, 128) exactly", () => {
      // 13 vectors (a group and a part): the largest dot, 784 x 255^2, is within 2^31 by a factor of 42; vectors in
      // a lane's signed high byte hold pixel - 128 (pairs.ts), so 127, 128, 0 and 255 are its edges.
      const fills = [255, 0, 128, 127, 1, 254, 255, 128, 0, 127, 255, 64, 200];
      const vectors = new Uint8Array(fills.length * DIM);
      fills.forEach((v, i) => {
        for (let p = 0; p < DIM; p++) vectors[i * DIM + p] = p % 7 === 3 && i > 8 ? 255 - v : v;
      });
      const model = modelOf(
        vectors,
        fills.length,
        { type: 'poly', degree: 2, gamma: 1e-6, coef0: 1 },
        new Float64Array(fills.length * 10).fill(0.5),
        new Array<number>(10).fill(0),
      );
      const engine = make(model);
      const inputs = [
        new Uint8Array(DIM).fill(255),
        Uint8Array.from({ length: DIM }, (_, p) => (p % 3 === 0 ? 128 : 255)),
      ];
      const batch = new Uint8Array(inputs.length * DIM);
      inputs.forEach((x, b) => batch.set(x, b * DIM));
      const out = new Int32Array(inputs.length * fills.length);
      engine.dots(batch, inputs.length, out);
      const want = inputs.flatMap((x) => fills.map((_, i) => dotBytes(x, vectors.subarray(i * DIM, (i + 1) * DIM))));
      expect(want[0]).toBe(784 * 255 * 255);
      expect([...out]).toEqual(want);
    });

    it('gives the reference decision values bit for bit, one image or a batch', () => {
      fc.assert(
        fc.property(
          randomModels(40).chain((model) =>
            fc.tuple(
              fc.constant(model),
              fc.integer({ min: 1, max: 19 }).chain((n) => fc.tuple(fc.constant(n), images(n))),
            ),
          ),
          ([model, [n, batch]]) => {
            const engine = make(model);
            const reference = createJsEngine(model);
            const want = new Float64Array(n * 10);
            reference.decisionValues(batch, n, want);
            const got = new Float64Array(n * 10);
            engine.decisionValues(batch, n, got);
            expect([...got]).toEqual([...want]);
            const one = new Float64Array(10);
            engine.decisionValues(batch.subarray(0, DIM), 1, one);
            expect([...one]).toEqual([...want.subarray(0, 10)]);
          },
        ),
        { numRuns: 40 },
      );
    });

    it('routes and scores two-stage models like the reference, bit for bit, one image or a batch', () => {
      fc.assert(
        fc.property(
          randomTwoStageModels(30).chain((model) =>
            fc.tuple(
              fc.constant(model),
              fc.integer({ min: 1, max: 19 }).chain((n) => fc.tuple(fc.constant(n), images(n))),
            ),
          ),
          ([model, [n, batch]]) => {
            const want = new Float64Array(n * 10);
            const wantStages = new Uint8Array(n);
            createJsEngine(model).stagedDecisionValues(batch, n, want, wantStages);
            const engine = make(model);
            const got = new Float64Array(n * 10);
            const stages = new Uint8Array(n);
            engine.stagedDecisionValues(batch, n, got, stages);
            expect([...stages]).toEqual([...wantStages]);
            expect([...got]).toEqual([...want]);
            const one = new Float64Array(10);
            const oneStage = new Uint8Array(1);
            engine.stagedDecisionValues(batch.subarray(0, DIM), 1, one, oneStage);
            expect([...one]).toEqual([...want.subarray(0, 10)]);
            expect(oneStage[0]).toBe(wantStages[0]);
          },
        ),
        { numRuns: 40 },
      );
    });

    it('gives second-stage values identical to the model of the moved support vectors it stands for', () => {
      fc.assert(
        fc.property(
          randomTwoStageModels(30).chain((model) =>
            fc.tuple(
              fc.constant(model),
              fc.integer({ min: 1, max: 19 }).chain((n) => fc.tuple(fc.constant(n), images(n))),
            ),
          ),
          ([twoStage, [n, batch]]) => {
            const model = withModelFields(twoStage, { secondStage: { ...twoStage.secondStage!, gap: Infinity } });
            const got = new Float64Array(n * 10);
            const stages = new Uint8Array(n);
            make(model).stagedDecisionValues(batch, n, got, stages);
            expect([...stages]).toEqual(new Array<number>(n).fill(2));
            const want = new Float64Array(n * 10);
            createJsEngine(explicitSecondStage(model)).decisionValues(batch, n, want);
            expect([...got]).toEqual([...want]);
          },
        ),
        { numRuns: 40 },
      );
    });

    it('matches the definition of the decision function, within the rounding bound of its terms', () => {
      fc.assert(
        fc.property(randomModels(12), images(1), (model, x) => expectDefinition(make(model), model, x)),
        { numRuns: 30 },
      );
    });

    it('replays fast-check seed 527336211: large terms that cancel stay within the bound', () => {
      // This seed once failed a tolerance relative to the result (7.4053447818e-9 against 7.4053447693e-9
      // allowed): two terms of about +-10 x a large degree-5 kernel value cancelled. The bound is on the terms.
      fc.assert(
        fc.property(randomModels(12), images(1), (model, x) => expectDefinition(make(model), model, x)),
        { numRuns: 30, seed: 527336211, interruptAfterTimeLimit: 60_000 },
      );
    });

    it('crosses support-vector blocks and batch passes (2,100 vectors, 19 images) without a difference', () => {
      const count = 2100;
      const rng = (seed: number) => () => ((seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 16) & 0xff;
      const next = rng(7);
      const vectors = Uint8Array.from({ length: count * DIM }, () => (next() < 64 ? next() : 0));
      const coef = Float64Array.from({ length: count * 10 }, () => (next() - 128) / 64);
      const model = modelOf(
        vectors,
        count,
        { type: 'poly', degree: 4, gamma: 0.02, coef0: 0 },
        coef,
        new Array<number>(10).fill(0.5),
      );
      const batch = Uint8Array.from({ length: 19 * DIM }, () => (next() < 48 ? 255 - next() : 0));
      const want = new Float64Array(190);
      createJsEngine(model).decisionValues(batch, 19, want);
      const got = new Float64Array(190);
      make(model).decisionValues(batch, 19, got);
      expect([...got]).toEqual([...want]);
    });

    it('sums convolution layers as the reference does, bit for bit, small layers and ones past its scratch', () => {
      const engine = make(randomModelFor());
      const float = fc.float({ min: -4, max: 4, noNaN: true });
      const layer = fc
        .record({
          inChannels: fc.integer({ min: 1, max: 4 }),
          height: fc.integer({ min: 1, max: 20 }),
          width: fc.integer({ min: 1, max: 30 }),
          outChannels: fc.integer({ min: 1, max: 3 }),
          kernel: fc.integer({ min: 1, max: 5 }),
        })
        .filter((s) => s.kernel <= s.height && s.kernel <= s.width);
      fc.assert(
        fc.property(layer, fc.infiniteStream(float), fc.boolean(), (shape, values, sparse) => {
          const n = convolutionCounts(shape);
          const take = (count: number, zeros: boolean) =>
            Float32Array.from({ length: count }, (_, i) =>
              zeros && i % 3 !== 0 ? 0 : (values.next().value as number),
            );
          const weights = take(n.weights, false);
          const bias = take(shape.outChannels, false);
          const input = take(n.input, sparse);
          const got = new Float32Array(n.output);
          const want = new Float32Array(n.output);
          engine.convolve?.(shape, weights, bias, input, got);
          convolveSums(shape, weights, bias, input, want);
          expect(typeof engine.convolve).toBe('function');
          expect(new Uint8Array(got.buffer)).toEqual(new Uint8Array(want.buffer));
        }),
        { numRuns: 60 },
      );
      // 16 channels of 40 x 40: more than the WebAssembly engine's scratch holds, so it sums in JavaScript.
      const big = { inChannels: 16, height: 40, width: 40, outChannels: 2, kernel: 3 };
      const n = convolutionCounts(big);
      const weights = Float32Array.from({ length: n.weights }, (_, i) => Math.fround(Math.sin(i)));
      const input = Float32Array.from({ length: n.input }, (_, i) => Math.fround(Math.cos(i * 0.7)));
      const bias = Float32Array.of(0.5, -0.25);
      const got = new Float32Array(n.output);
      const want = new Float32Array(n.output);
      engine.convolve?.(big, weights, bias, input, got);
      convolveSums(big, weights, bias, input, want);
      expect(new Uint8Array(got.buffer)).toEqual(new Uint8Array(want.buffer));
      expect(() => engine.convolve?.({ ...big, kernel: 41 }, weights, bias, input, got)).toThrow(/not a valid layer/);
      expect(() => engine.convolve?.(big, weights.subarray(1), bias, input, got)).toThrow(/weights: /);
    });
  });
}

/** A small model, for the engine's operations that do not read it. */
function randomModelFor(): SvmModel {
  return modelOf(
    Uint8Array.from({ length: 2 * DIM }, (_, p) => p % 5),
    2,
    { type: 'poly', degree: 2, gamma: 0.01, coef0: 1 },
    new Float64Array(20).fill(0.1),
    new Array<number>(10).fill(0),
  );
}

function convolutionCounts(s: ConvShape): { weights: number; input: number; output: number } {
  return {
    weights: s.outChannels * s.inChannels * s.kernel * s.kernel,
    input: s.inChannels * s.height * s.width,
    output: s.outChannels * (s.height - s.kernel + 1) * (s.width - s.kernel + 1),
  };
}

/**
 * The engine's ten decision values against the definition, b_c + sum_i a_ic K(x, sv_i), summed here in index
 * order: the two may differ by the rounding of a sum of count + 1 terms, each term a coefficient times a kernel
 * value of about 4 x degree roundings (scale, product, offset, then the power multiplies the error by degree).
 */
function expectDefinition(engine: ModelEngine, model: SvmModel, x: Uint8Array): void {
  const got = new Float64Array(10);
  engine.decisionValues(x, 1, got);
  const vectors = rowsFromPairMatrix(model.supportVectorPairs);
  const kernelValues = Array.from({ length: model.supportVectorCount }, (_, i) =>
    kernelFromDot(dotBytes(x, vectors.subarray(i * DIM, (i + 1) * DIM)), model.kernel),
  );
  for (let c = 0; c < 10; c++) {
    let want = model.biases[c] as number;
    let magnitudes = Math.abs(want);
    kernelValues.forEach((k, i) => {
      const term = (model.coefficients[i * 10 + c] as number) * k;
      want += term;
      magnitudes += Math.abs(term);
    });
    const bound = sumDifferenceBound(magnitudes, model.supportVectorCount + 1, 4 * model.kernel.degree + 1);
    expect(Math.abs((got[c] as number) - want)).toBeLessThanOrEqual(bound);
  }
}
