/**
 * Does /v1/predict's honesty cost real digits? For MNIST test digits rendered the ways people send them (rows of
 * bench/robustness.ts), each picture goes through the server's prediction step twice, on one engine: as /api
 * runs it, and as /v1/predict runs it (counting digits with the number reader, refusing ink that is not a digit).
 * Prints per row: accuracy both ways, pictures refused NO_DIGIT_FOUND by the new rule, pictures whose digitsFound
 * is not 1, and the extra server time per picture.
 *
 *   npx tsx bench/predict-honesty.ts [--limit N]      (default 500 digits per row)
 */
import { parseArgs } from 'node:util';
import { ImageError } from '../src/image/index.js';
import { createModelEngine } from '../src/node/kernel-wasm.js';
import { loadModelFile } from '../src/node/model-file.js';
import type { PredictOptions } from '../src/server/predictor.js';
import { runPrediction } from '../src/server/run-prediction.js';
import { loadMnist } from '../src/training/mnist-data.js';
import {
  blur,
  fromMnist,
  paint,
  paintTransparent,
  place,
  seeded,
  sharpen,
  tightCrop,
  toJpeg,
  toPng,
  type InkMap,
} from './robustness-render.js';
import { encodeGrayPng } from '../src/image/index.js';

const SCALE = 4;
const big = (d: Uint8Array): InkMap => place(fromMnist(d), 112, 112, SCALE, 56, 56, 0);
const darkOnWhite = (m: InkMap) => toPng(paint(m, { paper: [255, 255, 255], ink: [25, 25, 35] }), m.width, m.height);

/** The same renderings as the robustness rows of these names (bench/robustness.ts). */
const ROWS: readonly { name: string; render: (d: Uint8Array, random: () => number) => Uint8Array }[] = [
  { name: 'clean (28x28 grey PNG, white on black)', render: (d) => encodeGrayPng(d, 28, 28) },
  { name: 'dark on light (112x112 PNG)', render: (d) => darkOnWhite(big(d)) },
  {
    name: 'large canvas 640x480, random size 3-9x and offset',
    render: (d, random) => {
      const scale = 3 + 6 * random();
      const half = 14 * scale;
      const x = half + (640 - 2 * half) * random();
      const y = half + (480 - 2 * half) * random();
      return darkOnWhite(place(fromMnist(d), 640, 480, scale, x, y));
    },
  },
  {
    name: 'photo: grey uneven paper, blur, noise, JPEG q85',
    render: (d, random) => {
      const m = blur(big(d), 1.5);
      const rgba = paint(m, { paper: [215, 212, 200], ink: [45, 45, 60], gradient: 0.3, noise: 0.05, random });
      return toJpeg(rgba, m.width, m.height, 85);
    },
  },
  { name: 'transparent PNG, black strokes', render: (d) => toPng(paintTransparent(big(d), [0, 0, 0]), 112, 112) },
  { name: 'faint strokes lost', render: (d) => darkOnWhite(sharpen(big(d), 0.8)) },
  { name: 'tight crop (ink touches the edges)', render: (d) => darkOnWhite(tightCrop(sharpen(big(d)))) },
];

const { values } = parseArgs({ options: { limit: { type: 'string', default: '500' } } });
const limit = Number(values.limit);
const { test } = await loadMnist();
const { model, path } = await loadModelFile();
const engine = await createModelEngine(model);
const base: PredictOptions = { maxBytes: 10 << 20, maxPixels: 40e6, includeNormalized: false };

console.log(`/v1/predict honesty on the first ${limit} MNIST test digits per row; model ${path}`);
console.log(
  '| rendering | /api accuracy | /v1/predict accuracy | refused NO_DIGIT_FOUND | digitsFound != 1 | extra ms/picture |',
);
console.log('|---|---:|---:|---:|---:|---:|');
for (const [r, row] of ROWS.entries()) {
  const random = seeded(1000 + r);
  let plain = 0;
  let counted = 0;
  let refused = 0;
  let notOne = 0;
  let extra = 0;
  for (let k = 0; k < limit; k++) {
    const bytes = row.render(test.images.subarray(k * 784, (k + 1) * 784), random);
    const label = test.labels[k];
    let a;
    try {
      a = runPrediction(model, bytes, base, engine);
    } catch (error) {
      if (!(error instanceof ImageError)) throw error;
      continue; // refused both ways (a blank rendering): not this bench's question
    }
    if (a.digit === label) plain++;
    try {
      const b = runPrediction(model, bytes, { ...base, countDigits: true }, engine);
      if (b.digit === label) counted++;
      if (b.digitsFound !== 1) notOne++;
      extra += b.ms - a.ms;
    } catch (error) {
      if (!(error instanceof ImageError)) throw error;
      refused++;
    }
  }
  const pct = (n: number) => `${((100 * n) / limit).toFixed(2)}%`;
  console.log(
    `| ${row.name} | ${pct(plain)} | ${pct(counted)} | ${refused} | ${notOne} | ${(extra / limit).toFixed(2)} |`,
  );
}
