/**
 * Reading whole numbers: exact-string accuracy of `readImage` per kind of picture and per length, digit accuracy,
 * and time per picture, on numbers composed from MNIST test digits (bench/read-compose.ts) and printed numbers and
 * words set by Chromium (bench/read-printed.ts).
 * Run: `npm run bench:read [-- --split report|tune] [--count 150] [--seed 1] [--out FILE]`.
 * `tune` composes from test digits 0-4999 (for choosing the reader's constants), `report` (the default) from
 * 5000-9999: the figures to quote.
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../src/ml/rng.js';
import { loadModelFile } from '../src/node/model-file.js';
import { createModelEngine } from '../src/node/kernel-wasm.js';
import { ReadError, readImage } from '../src/read/index.js';
import { loadMnist } from '../src/training/mnist-data.js';
import { composeHandwritten, type Composed, type HandwrittenKind } from './read-compose.js';
import { composePrinted } from './read-printed.js';

const { values } = parseArgs({
  options: {
    split: { type: 'string', default: 'report' },
    count: { type: 'string', default: '150' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
    model: { type: 'string' },
  },
});
const split = values.split;
if (split !== 'report' && split !== 'tune') throw new Error('--split is report or tune');
const count = Number(values.count);
const random = mulberry32(Number(values.seed));

const { model } = await loadModelFile(values.model);
const engine = await createModelEngine(model);
const { test } = await loadMnist();
const first = split === 'tune' ? 0 : 5000;
const digitAt = (): { pixels: Uint8Array; label: number } => {
  const i = first + Math.floor(random() * 5000);
  return { pixels: test.images.subarray(i * 784, (i + 1) * 784), label: test.labels[i]! };
};

const pictures: Composed[] = [];
const KINDS: HandwrittenKind[] = ['spaced', 'touching', 'photo', 'canvas', 'lone'];
for (const kind of KINDS) {
  for (let n = 0; n < count; n++) {
    const length = kind === 'lone' ? 1 : 2 + (n % 5);
    const drawn = Array.from({ length }, digitAt);
    pictures.push(
      composeHandwritten(
        kind,
        drawn.map((d) => d.pixels),
        drawn.map((d) => d.label),
        random,
      ),
    );
  }
}
pictures.push(...(await composePrinted(count, random)));

/** Levenshtein distance, for digit accuracy when a reading has the wrong length. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    row = next;
  }
  return row[b.length]!;
}

interface Tally {
  pictures: number;
  exact: number;
  digits: number;
  digitErrors: number;
  ms: number[];
}
const tally = (): Tally => ({ pictures: 0, exact: 0, digits: 0, digitErrors: 0, ms: [] });
const byKind = new Map<string, Tally>();
const byLength = new Map<number, Tally>();
const misreads: { kind: string; truth: string; read: string }[] = [];

for (const p of pictures) {
  const started = performance.now();
  let text = '';
  try {
    text = readImage(p.file, model, engine).text;
  } catch (err) {
    if (!(err instanceof ReadError)) throw err;
  }
  const ms = performance.now() - started;
  for (const t of [byKind, byLength] as const) {
    const key = (t === byKind ? p.kind : p.text.length) as never;
    const entry = (t as Map<unknown, Tally>).get(key) ?? tally();
    (t as Map<unknown, Tally>).set(key, entry);
    entry.pictures++;
    entry.exact += text === p.text ? 1 : 0;
    entry.digits += p.text.length;
    entry.digitErrors += Math.min(p.text.length, distance(text, p.text));
    entry.ms.push(ms);
  }
  if (text !== p.text && misreads.length < 400) misreads.push({ kind: p.kind, truth: p.text, read: text });
}

// A 6-digit number on a 600x150 picture, the speed figure: median of 50 readings.
const six = Array.from({ length: 6 }, digitAt);
const sample = composeHandwritten(
  'spaced',
  six.map((d) => d.pixels),
  six.map((d) => d.label),
  mulberry32(6),
);
const times: number[] = [];
for (let i = 0; i < 50; i++) {
  const started = performance.now();
  readImage(sample.file, model, engine);
  times.push(performance.now() - started);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (a: number, b: number): string => (b === 0 ? '-' : `${((100 * a) / b).toFixed(2)}%`);
const rows = (m: Map<string | number, Tally>, name: string): string[] => [
  `| ${name} | pictures | exact | digit accuracy | median ms |`,
  '| --- | ---: | ---: | ---: | ---: |',
  ...[...m].map(
    ([k, t]) =>
      `| ${k === 0 ? 'no digit' : k} | ${t.pictures} | ${pct(t.exact, t.pictures)} | ${t.digits ? pct(t.digits - t.digitErrors, t.digits) : '-'} | ${median(t.ms).toFixed(1)} |`,
  ),
];
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}`;
const report = [
  `bench:read, split ${split} (MNIST test ${first}-${first + 4999}), ${count} pictures per kind, seed ${values.seed}; ${machine}`,
  '',
  ...rows(byKind, 'kind'),
  '',
  ...rows(byLength, 'digits'),
  '',
  `6-digit ${sample.text.length}-digit picture (read "${readImage(sample.file, model, engine).text}", truth "${sample.text}"): median ${median(times).toFixed(1)} ms of 50`,
].join('\n');
console.log(report);
if (values.out !== undefined) await writeFile(values.out, JSON.stringify({ report, misreads }, null, 2));
