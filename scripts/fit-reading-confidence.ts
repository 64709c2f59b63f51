/**
 * Fits the three numbers of readingConfidence (src/read/confidence.ts): a logistic regression of "the whole reading
 * is exact" on the log-odds of the digits' product (digitsLogit) and the search's doubt beyond the digits' own, over
 * every answered picture of the given sets (folders as `npm run bench:read -- --save DIR` writes them: the tuning
 * split is `npm run bench:read -- --digits tune --save DIR`). Prints the fitted numbers and, beside them, the
 * log-loss of the numbers in the source. Gradient descent from zero, a fixed number of steps: same sets, same numbers.
 *
 * Run: `npx tsx scripts/fit-reading-confidence.ts [--model model/model.bin] DIR...`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decodeImage } from '../src/image/decode.js';
import { resolveImageLimits } from '../src/image/limits.js';
import { rgbaToLuminance } from '../src/image/luminance.js';
import { applyOrientation } from '../src/image/orientation.js';
import { createModelEngine } from '../src/node/kernel-wasm.js';
import { loadModelFile } from '../src/node/model-file.js';
import { digitsLogit, readingConfidence } from '../src/read/confidence.js';
import { ReadError } from '../src/read/errors.js';
import { readDigitsWithDoubt } from '../src/read/read.js';
import { nativeInflate } from '../src/server/node/native-inflate.js';

const STEPS = 30_000;
const RATE = 0.3;

interface Sample {
  readonly logit: number;
  readonly doubt: number;
  readonly confidences: readonly number[];
  readonly exact: boolean;
}

const { values: flags, positionals: dirs } = parseArgs({
  options: { model: { type: 'string' } },
  allowPositionals: true,
});

async function samplesOf(dir: string, read: (bytes: Uint8Array) => ReturnType<typeof readDigitsWithDoubt>) {
  const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as {
    file: string;
    text: string;
  }[];
  const samples: Sample[] = [];
  for (const picture of manifest) {
    try {
      const { reading, doubt } = read(new Uint8Array(await readFile(path.join(dir, picture.file))));
      const confidences = reading.digits.map((d) => d.confidence);
      const product = confidences.reduce((p, c) => p * c, 1);
      if (product <= 0) continue;
      samples.push({ logit: digitsLogit(product), doubt, confidences, exact: reading.text === picture.text });
    } catch (error) {
      // A picture answered "no digit" has no confidence to fit.
      if (!(error instanceof ReadError && error.code === 'NO_DIGIT_FOUND')) throw error;
    }
  }
  return samples;
}

function fit(samples: readonly Sample[]): [number, number, number] {
  let [a, b, c] = [0, 0, 0];
  for (let step = 0; step < STEPS; step++) {
    let [ga, gb, gc] = [0, 0, 0];
    for (const s of samples) {
      const z = a * s.logit - b * Math.max(0, s.doubt) + c;
      const error = 1 / (1 + Math.exp(-z)) - (s.exact ? 1 : 0);
      ga += error * s.logit;
      gb -= error * Math.max(0, s.doubt);
      gc += error;
    }
    a -= (RATE * ga) / samples.length;
    b -= (RATE * gb) / samples.length;
    c -= (RATE * gc) / samples.length;
  }
  return [a, b, c];
}

function logLoss(samples: readonly Sample[], p: (s: Sample) => number): number {
  const sum = samples.reduce((total, s) => total - Math.log(Math.max(1e-9, s.exact ? p(s) : 1 - p(s))), 0);
  return sum / samples.length;
}

async function main(): Promise<void> {
  if (dirs.length === 0) throw new Error('name at least one folder of pictures with a manifest.json');
  const { model } = await loadModelFile(flags.model);
  const engine = await createModelEngine(model);
  const limits = resolveImageLimits({});
  const read = (bytes: Uint8Array) => {
    const image = decodeImage(bytes, limits, { inflate: nativeInflate });
    const gray = applyOrientation(rgbaToLuminance(image.rgba, image.width, image.height), image.orientation);
    return readDigitsWithDoubt(gray, model, engine);
  };
  const samples: Sample[] = [];
  for (const dir of dirs) samples.push(...(await samplesOf(dir, read)));
  const [a, b, c] = fit(samples);
  const product = (s: Sample) => s.confidences.reduce((p, x) => p * x, 1);
  const fitted = (s: Sample) => Math.min(product(s), 1 / (1 + Math.exp(-(a * s.logit - b * Math.max(0, s.doubt) + c))));
  const exact = samples.filter((s) => s.exact).length;
  console.log(`${samples.length} answered readings, ${exact} exact, from ${dirs.join(', ')}`);
  console.log(`DIGITS_WEIGHT = ${a.toFixed(3)}, DOUBT_WEIGHT = ${b.toFixed(3)}, BIAS = ${c.toFixed(3)}`);
  console.log(
    `log-loss: fitted ${logLoss(samples, fitted).toFixed(4)}, src/read/confidence.ts ${logLoss(samples, (s) => readingConfidence(s.confidences, s.doubt)).toFixed(4)}, the product ${logLoss(samples, product).toFixed(4)}`,
  );
}

await main();
