/**
 * A fixed amount of prediction work for instruction counts, which do not depend on what else runs on the machine:
 * loads the shipped model and the MNIST test images, warms up on the first 300, then classifies `--images` more
 * (from the 300th on), one by one or in `--batch` sized predictBatch calls, on the WebAssembly engine (or `--backend`).
 * Run it under callgrind twice, with two image counts, and divide the difference of the totals by the difference
 * of the counts: what one image costs, startup excluded.
 *
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null npx tsx bench/predict-instructions.ts --images 200
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null npx tsx bench/predict-instructions.ts --images 1200
 *   (the "Collected" line of each; (b - a) / 1000 = instructions per image)
 *   options: --batch <n> (0: one predict call per image), --backend <js|wasm-simd|auto>
 */
import { parseArgs } from 'node:util';
import type { EngineChoice } from '../src/node/kernel-wasm.js';
import { createModelEngine } from '../src/node/kernel-wasm.js';
import { placeModel } from '../src/ml/engine/wasm-engine.js';
import { predict, predictBatch } from '../src/ml/predict.js';
import { DEFAULT_MODEL_PATH, loadModelFile } from '../src/node/model-file.js';
import { loadMnist } from '../src/training/mnist-data.js';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '1000' },
    batch: { type: 'string', default: '0' },
    backend: { type: 'string', default: 'wasm-simd' },
    model: { type: 'string', default: DEFAULT_MODEL_PATH },
  },
});
const count = Number(values.images);
const batch = Number(values.batch);
const WARM = 300;

const model = placeModel((await loadModelFile(values.model)).model);
const engine = await createModelEngine(model, values.backend as EngineChoice);
const { test } = await loadMnist();
if (WARM + count > test.count) throw new Error(`--images: at most ${test.count - WARM}`);
const image = (k: number) => test.images.subarray(k * 784, (k + 1) * 784);
const run = (first: number, n: number): number => {
  let secondStage = 0;
  if (batch === 0) {
    for (let k = first; k < first + n; k++) if (predict(model, image(k), engine).stage === 2) secondStage++;
    return secondStage;
  }
  for (let k = first; k < first + n; k += batch) {
    const images = Array.from({ length: Math.min(batch, first + n - k) }, (_, b) => image(k + b));
    for (const p of predictBatch(model, images, engine)) if (p.stage === 2) secondStage++;
  }
  return secondStage;
};
run(0, WARM);
const secondStage = run(WARM, count);
console.log(
  `${count} images (${secondStage} read by the second stage), ${batch === 0 ? 'one by one' : `batches of ${batch}`}, ${engine.backend}`,
);
