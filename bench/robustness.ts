/**
 * Robustness benchmark: accuracy of the shipped model on MNIST test digits rendered the ways people send them,
 * one row per rendering, each through the full decode + normalize pipeline (imageToDigitInput), plus the time
 * decode + normalize takes per image. Run: `npm run bench:robustness -- [--limit N] [--model PATH] [--out FILE]`
 * (or `npx tsx bench/robustness.ts ...`). Default: the first 2,000 test digits (`--limit 10000` for all).
 * `--only TEXT[,TEXT...]` runs the clean row and the rows whose name contains one of the TEXTs (two processes with
 * different --only lists use both cores).
 * `--digits validation` renders the 10,000 training digits `train --validation 10000` holds out instead of test digits.
 * `--baseline PATH` also reads every picture with a second model (a column each: its accuracy and the change).
 * `--com` prints the mean centre of mass of the MNIST test images instead (see MNIST_CENTER); `--stroke` their
 * stroke-width percentiles (see MNIST_STROKE_RANGE); `--ink-lost` how much of each half of the test set's ink the
 * "faint strokes lost" pen erases (why that row differs between the first 5,000 digits and all 10,000).
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs as parseNodeArgs } from 'node:util';
import { predict } from '../src/ml/predict.js';
import type { SvmModel } from '../src/ml/model.js';
import { loadMnist } from '../src/training/mnist-data.js';
import { selectRows } from '../src/ml/dataset.js';
import { mulberry32, permutation } from '../src/ml/rng.js';
import { loadModelFile } from '../src/node/model-file.js';
import { centerOfMass, encodeGrayPng, ImageError, imageToDigitInput } from '../src/image/index.js';
import { skeletonize } from '../src/image/skeleton.js';
import { strokeWidth } from '../src/image/stroke.js';
import {
  blur,
  fromMnist,
  lowResolution,
  morph,
  paint,
  paintTransparent,
  place,
  seeded,
  sharpen,
  tightCrop,
  toJpeg,
  toPng,
  upscale,
  type InkMap,
  type Rgb,
} from './robustness-render.js';

/** One way of rendering a digit into an uploaded file. */
interface Rendering {
  readonly name: string;
  readonly render: (digit: Uint8Array, random: () => number) => Uint8Array;
}

const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];
const PEN: Rgb = [25, 25, 35];
/** Enlargement of the 28x28 digit for "ordinary" renders: 112x112, a small canvas or a tight crop of a photo. */
const SCALE = 4;

function big(digit: Uint8Array, degrees = 0): InkMap {
  return place(fromMnist(digit), 28 * SCALE, 28 * SCALE, SCALE, 14 * SCALE, 14 * SCALE, degrees);
}

function darkOnWhitePng(m: InkMap): Uint8Array {
  return toPng(paint(m, { paper: WHITE, ink: PEN }), m.width, m.height);
}

const between = (random: () => number, lo: number, hi: number): number => lo + (hi - lo) * random();
/** A whole number in [lo, hi]. */
const wholeBetween = (random: () => number, lo: number, hi: number): number =>
  Math.min(hi, lo + Math.floor((hi - lo + 1) * random()));

/**
 * A digit captured 8-16 px tall (its 20 px MNIST box area-averaged down) with 4-16 grey levels: an old scan, a
 * thumbnail, a form digitised at low DPI. The random draws come first so both low-resolution rows share them.
 */
function lowResolutionDigit(d: Uint8Array, random: () => number): InkMap {
  const size = wholeBetween(random, 8, 16);
  const levels = wholeBetween(random, 4, 16);
  return lowResolution(fromMnist(d), size, levels);
}

const RENDERINGS: readonly Rendering[] = [
  { name: 'clean (28x28 grey PNG, white on black)', render: (d) => encodeGrayPng(d, 28, 28) },
  { name: 'dark on light (112x112 PNG)', render: (d) => darkOnWhitePng(big(d)) },
  {
    name: 'large canvas 640x480, random size 3-9x and offset',
    render: (d, random) => {
      const scale = between(random, 3, 9);
      const half = 14 * scale;
      const m = place(
        fromMnist(d),
        640,
        480,
        scale,
        between(random, half, 640 - half),
        between(random, half, 480 - half),
      );
      return darkOnWhitePng(m);
    },
  },
  { name: 'rotated -10..10 degrees', render: (d, random) => darkOnWhitePng(big(d, between(random, -10, 10))) },
  {
    name: 'photo: grey uneven paper, blur, noise, JPEG q85',
    render: (d, random) => {
      const m = blur(big(d), 1.5);
      const rgba = paint(m, { paper: [215, 212, 200], ink: [45, 45, 60], gradient: 0.3, noise: 0.05, random });
      return toJpeg(rgba, m.width, m.height, 85);
    },
  },
  { name: 'JPEG q50', render: (d) => toJpeg(paint(big(d), { paper: WHITE, ink: PEN }), 28 * SCALE, 28 * SCALE, 50) },
  { name: 'JPEG q95', render: (d) => toJpeg(paint(big(d), { paper: WHITE, ink: PEN }), 28 * SCALE, 28 * SCALE, 95) },
  {
    name: 'transparent PNG, black strokes',
    render: (d) => toPng(paintTransparent(big(d), BLACK), 28 * SCALE, 28 * SCALE),
  },
  {
    name: 'transparent PNG, white strokes',
    render: (d) => toPng(paintTransparent(big(d), WHITE), 28 * SCALE, 28 * SCALE),
  },
  { name: 'thick strokes (+1.5 px at 28x28)', render: (d) => darkOnWhitePng(morph(sharpen(big(d)), 6)) },
  {
    name: 'thin strokes (fine pen along the centre line, ~1.1 px at 28x28)',
    render: (d) => darkOnWhitePng(blur(morph(skeletonize(sharpen(big(d))), 2), 0.7)),
  },
  { name: 'faint strokes lost (pen keeps only the darkest core)', render: (d) => darkOnWhitePng(sharpen(big(d), 0.8)) },
  // A pen-like rendering (sharp strokes) cropped to its solid ink, as a user crops a photo around the digit.
  { name: 'tight crop (ink touches the edges)', render: (d) => darkOnWhitePng(tightCrop(sharpen(big(d)))) },
  {
    name: 'low resolution (digit 8-16 px, upscaled)',
    // Enlarged 3-8x by the sender, half of them blocky (nearest neighbour), half blurry (bilinear).
    render: (d, random) => {
      const small = lowResolutionDigit(d, random);
      return darkOnWhitePng(upscale(small, wholeBetween(random, 3, 8), random() < 0.5 ? 'nearest' : 'bilinear'));
    },
  },
  {
    name: 'low resolution (digit 8-16 px, as is)',
    render: (d, random) => darkOnWhitePng(lowResolutionDigit(d, random)),
  },
  {
    name: 'coloured: blue ink on yellow paper',
    render: (d) => toPng(paint(big(d), { paper: [250, 236, 170], ink: [30, 60, 190] }), 28 * SCALE, 28 * SCALE),
  },
  {
    name: 'coloured: red ink on green paper, JPEG q75',
    render: (d) => toJpeg(paint(big(d), { paper: [200, 235, 200], ink: [200, 30, 30] }), 28 * SCALE, 28 * SCALE, 75),
  },
];

interface RowResult {
  readonly name: string;
  readonly correct: number;
  /** Right answers of the --baseline model on the same pictures (undefined without one). */
  readonly baselineCorrect: number | undefined;
  readonly total: number;
  readonly errors: number;
  readonly times: number[];
}

async function main(): Promise<void> {
  const { values } = parseNodeArgs({
    options: {
      limit: { type: 'string', default: '2000' },
      model: { type: 'string' },
      baseline: { type: 'string' },
      out: { type: 'string' },
      com: { type: 'boolean', default: false },
      only: { type: 'string' },
      stroke: { type: 'boolean', default: false },
      'ink-lost': { type: 'boolean', default: false },
      digits: { type: 'string', default: 'test' },
    },
  });
  const mnist = await loadMnist();
  const { test } = mnist;
  // --digits validation: the 10,000 training images `train --validation 10000` holds out (seed 1), for choosing
  // training options without looking at the test set.
  if (values.digits !== 'test' && values.digits !== 'validation')
    throw new Error(`--digits must be test or validation, got ${values.digits}`);
  const digits =
    values.digits === 'validation'
      ? selectRows(
          mnist.train,
          Int32Array.from(permutation(mnist.train.count, mulberry32(1)).subarray(0, 10000)).sort(),
        )
      : test;
  if (values.com) {
    let sx = 0;
    let sy = 0;
    for (let k = 0; k < test.count; k++) {
      const c = centerOfMass({ width: 28, height: 28, data: test.images.subarray(k * 784, (k + 1) * 784) });
      sx += c.x;
      sy += c.y;
    }
    console.log(
      `mean centre of mass of ${test.count} MNIST test images: (${(sx / test.count).toFixed(2)}, ${(sy / test.count).toFixed(2)})`,
    );
    return;
  }
  if (values.stroke) {
    const widths = Array.from({ length: test.count }, (_, k) =>
      strokeWidth(test.images.subarray(k * 784, (k + 1) * 784)),
    ).sort((a, b) => a - b);
    const at = (q: number): string => (widths[Math.floor(q * (widths.length - 1))] ?? 0).toFixed(2);
    console.log(`stroke width of ${test.count} MNIST test images: p10 ${at(0.1)}, median ${at(0.5)}, p90 ${at(0.9)}`);
    return;
  }
  if (values['ink-lost']) {
    for (const [from, to] of [
      [0, 5000],
      [5000, 10000],
    ] as const) {
      const lost = Array.from({ length: to - from }, (_, j) => {
        const m = big(test.images.subarray((from + j) * 784, (from + j + 1) * 784));
        const sum = (data: Float32Array): number => data.reduce((a, b) => a + b, 0);
        return 1 - sum(sharpen(m, 0.8).data) / sum(sharpen(m).data);
      }).sort((a, b) => a - b);
      const median = lost[Math.floor(lost.length / 2)] ?? 0;
      const over = lost.filter((v) => v > 0.6).length / lost.length;
      console.log(
        `test digits ${from}-${to - 1}: the faint pen erases a median ${(100 * median).toFixed(1)}% of the ink; over 60% in ${(100 * over).toFixed(1)}% of the digits`,
      );
    }
    return;
  }
  const only = values.only?.split(',').map((part) => part.trim());
  const limit = Math.min(digits.count, Number(values.limit));
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit must be a positive integer, got ${values.limit}`);
  let model: SvmModel | undefined;
  let modelNote: string;
  try {
    const loaded = await loadModelFile(values.model);
    model = loaded.model;
    modelNote = `model ${loaded.path} (sha256 ${loaded.sha256.slice(0, 12)})`;
  } catch (error) {
    modelNote = `no model (${(error as Error).message}): timing only`;
  }
  // --baseline PATH: a second model read on the same pictures (one decode + normalize for both), to compare a
  // retrained model with the one it replaces at half the cost of two runs.
  const baseline = values.baseline === undefined ? undefined : await loadModelFile(values.baseline);
  if (baseline) modelNote += `; baseline ${baseline.path} (sha256 ${baseline.sha256.slice(0, 12)})`;
  console.error(
    `robustness bench: ${limit} MNIST ${values.digits} digits x ${RENDERINGS.length} renderings; ${modelNote}`,
  );

  let rawCorrect = 0;
  if (model)
    for (let k = 0; k < limit; k++)
      if (predict(model, digits.images.subarray(k * 784, (k + 1) * 784)).digit === digits.labels[k]) rawCorrect++;

  const rows: RowResult[] = [];
  for (const [r, rendering] of RENDERINGS.entries()) {
    if (r > 0 && only !== undefined && !only.some((part) => rendering.name.includes(part))) continue;
    const random = seeded(1000 + r);
    const times: number[] = [];
    let correct = 0;
    let baselineCorrect = 0;
    let errors = 0;
    for (let k = 0; k < limit; k++) {
      const bytes = rendering.render(digits.images.subarray(k * 784, (k + 1) * 784), random);
      const start = performance.now();
      let pixels: Uint8Array | undefined;
      try {
        pixels = imageToDigitInput(bytes).pixels;
      } catch (error) {
        if (!(error instanceof ImageError)) throw error;
        errors++;
      }
      times.push(performance.now() - start);
      if (model && pixels && predict(model, pixels).digit === digits.labels[k]) correct++;
      if (baseline && pixels && predict(baseline.model, pixels).digit === digits.labels[k]) baselineCorrect++;
    }
    rows.push({
      name: rendering.name,
      correct,
      baselineCorrect: baseline ? baselineCorrect : undefined,
      total: limit,
      errors,
      times,
    });
    console.error(`  ${rendering.name}: done`);
  }
  const table = formatTable(
    rows,
    model ? rawCorrect / limit : undefined,
    limit,
    `${values.digits} digits; ${modelNote}`,
  );
  console.log(table);
  if (values.out) await writeFile(values.out, table);
}

function formatTable(rows: readonly RowResult[], raw: number | undefined, limit: number, modelNote: string): string {
  const clean = rows[0];
  const withBaseline = rows.some((row) => row.baselineCorrect !== undefined);
  const cleanAcc = clean && raw !== undefined ? clean.correct / clean.total : undefined;
  const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;
  const lines = [
    `Robustness on the first ${limit} MNIST ${modelNote}.`,
    '',
    `| rendering | accuracy | vs clean (points) | no digit / errors | decode+normalize ms/image (mean / p95) |${withBaseline ? ' baseline accuracy | change (points) |' : ''}`,
    `|---|---:|---:|---:|---:|${withBaseline ? '---:|---:|' : ''}`,
  ];
  if (raw !== undefined)
    lines.push(`| raw MNIST bytes, no image pipeline | ${pct(raw)} | | | |${withBaseline ? ' | |' : ''}`);
  for (const row of rows) {
    const acc = row.correct / row.total;
    const sorted = [...row.times].sort((a, b) => a - b);
    const mean = row.times.reduce((a, b) => a + b, 0) / row.times.length;
    const p95 = sorted[Math.floor(0.95 * (sorted.length - 1))] ?? 0;
    const delta = cleanAcc === undefined ? '' : `${((acc - cleanAcc) * 100).toFixed(2)}`;
    const base =
      row.baselineCorrect === undefined
        ? ''
        : ` ${pct(row.baselineCorrect / row.total)} | ${(((row.correct - row.baselineCorrect) / row.total) * 100).toFixed(2)} |`;
    lines.push(
      `| ${row.name} | ${raw === undefined ? 'n/a' : pct(acc)} | ${delta} | ${row.errors} | ${mean.toFixed(2)} / ${p95.toFixed(2)} |${base}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

try {
  await main();
} catch (error) {
  // A bad flag is the user's mistake: say which, without a stack trace.
  console.error(`bench:robustness: ${(error as Error).message}`);
  process.exitCode = 1;
}
