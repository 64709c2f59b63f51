/**
 * Compares trained models on what the accuracy routes of issue 16 were chosen by: support vectors, accuracy on the
 * 10,000 training images `train --validation 10000` holds out (seed 1; never the test set), and the median time of
 * one deskew + predict on the WebAssembly engine over 3,000 test images, one after the other on one thread.
 * `--prune 0.9,0.8` also scores each model with only that fraction of its support vectors kept (those of largest
 * |coefficient| in any digit; coefficients and biases left as they are, no refit).
 * `--cascade 1,2,3` scores the first two models as a cascade instead: the first answers unless the gap between its
 * two best decision values is below the margin, when the second answers; per margin, the validation accuracy and the
 * share of images the second model had to read (what the cascade costs over the first model alone).
 *
 *   npx tsx scripts/compare-models.ts [--prune F,...] MODEL.json.gz...
 *   npx tsx scripts/compare-models.ts --cascade M,... FIRST.json.gz SECOND.json.gz
 */
import { parseArgs } from 'node:util';
import { pairMatrixFromRows, rowsFromPairMatrix } from '../src/ml/engine/pairs.js';
import { selectRows } from '../src/ml/dataset.js';
import { withModelFields, type SvmModel } from '../src/ml/model.js';
import { decisionValues, predict } from '../src/ml/predict.js';
import { mulberry32, permutation } from '../src/ml/rng.js';
import { createModelEngine } from '../src/node/kernel-wasm.js';
import { loadModelFile } from '../src/node/model-file.js';
import { loadMnist } from '../src/training/mnist-data.js';

const { values, positionals } = parseArgs({
  options: { prune: { type: 'string' }, cascade: { type: 'string' } },
  allowPositionals: true,
});
const mnist = await loadMnist();
const validation = selectRows(
  mnist.train,
  Int32Array.from(permutation(mnist.train.count, mulberry32(1)).subarray(0, 10000)).sort(),
);

const best = (scores: readonly number[]): number => scores.indexOf(Math.max(...scores));

/** The model's ten decision values for every validation image. */
async function validationScores(model: SvmModel): Promise<number[][]> {
  const engine = await createModelEngine(model, 'auto');
  return Array.from({ length: validation.count }, (_, k) =>
    decisionValues(model, validation.images.subarray(k * 784, (k + 1) * 784), engine),
  );
}

async function validationAccuracy(model: SvmModel): Promise<number> {
  const scores = await validationScores(model);
  return scores.filter((s, k) => best(s) === validation.labels[k]).length / validation.count;
}

/** The gap between the two largest decision values: how sure the model is of its answer. */
function margin(scores: readonly number[]): number {
  const [first = 0, second = 0] = Array.from(scores).sort((a, b) => b - a);
  return first - second;
}

async function compareCascade(margins: number[], firstFile: string, secondFile: string): Promise<void> {
  const first = await validationScores((await loadModelFile(firstFile)).model);
  const second = await validationScores((await loadModelFile(secondFile)).model);
  const percent = (n: number): string => `${((100 * n) / validation.count).toFixed(2)}%`;
  const correct = (scores: number[][]): number => scores.filter((s, k) => best(s) === validation.labels[k]).length;
  console.log(`first alone ${percent(correct(first))}, second alone ${percent(correct(second))}`);
  console.log('| margin | validation accuracy | read by the second model |');
  console.log('|---:|---:|---:|');
  for (const m of margins) {
    const routed = first.map((s) => margin(s) < m);
    const answers = first.map((s, k) => (routed[k] ? (second[k] as number[]) : s));
    console.log(`| ${m} | ${percent(correct(answers))} | ${percent(routed.filter(Boolean).length)} |`);
  }
}

async function medianMs(model: SvmModel): Promise<number> {
  const engine = await createModelEngine(model, 'auto');
  const times: number[] = [];
  for (let k = 0; k < 3000; k++) {
    const started = performance.now();
    predict(model, mnist.test.images.subarray(k * 784, (k + 1) * 784), engine);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[1500] as number;
}

/** The model with only the `fraction` of its support vectors of largest max |coefficient| kept. */
function pruned(model: SvmModel, fraction: number): SvmModel {
  const vectors = rowsFromPairMatrix(model.supportVectorPairs);
  const weight = (i: number): number =>
    Math.max(...Array.from(model.coefficients.subarray(i * 10, i * 10 + 10), Math.abs));
  const keep = Array.from({ length: model.supportVectorCount }, (_, i) => i)
    .sort((a, b) => weight(b) - weight(a))
    .slice(0, Math.round(model.supportVectorCount * fraction))
    .sort((a, b) => a - b);
  const kept = new Uint8Array(keep.length * 784);
  const coefficients = new Float64Array(keep.length * 10);
  keep.forEach((i, k) => {
    kept.set(vectors.subarray(i * 784, (i + 1) * 784), k * 784);
    coefficients.set(model.coefficients.subarray(i * 10, i * 10 + 10), k * 10);
  });
  return withModelFields(model, { supportVectorPairs: pairMatrixFromRows(kept, keep.length, 784), coefficients });
}

if (values.cascade !== undefined) {
  if (positionals.length !== 2) throw new Error('--cascade takes exactly two models: FIRST SECOND');
  await compareCascade(values.cascade.split(',').map(Number), positionals[0] as string, positionals[1] as string);
  process.exit(0);
}

console.log('| model | support vectors | validation accuracy | one image, median ms |');
console.log('|---|---:|---:|---:|');
for (const file of positionals) {
  const { model } = await loadModelFile(file);
  console.log(
    `| ${file} | ${model.supportVectorCount} | ${(100 * (await validationAccuracy(model))).toFixed(2)}% | ${(await medianMs(model)).toFixed(3)} |`,
  );
  for (const fraction of values.prune?.split(',').map(Number) ?? []) {
    const smaller = pruned(model, fraction);
    console.log(
      `| ${file}, ${fraction} of its support vectors kept | ${smaller.supportVectorCount} | ${(100 * (await validationAccuracy(smaller))).toFixed(2)}% | |`,
    );
  }
}
