/**
 * Number-reading benchmark (issue 23): exact whole-number accuracy of readImage on pictures composed from MNIST
 * test digits (writers the model never saw) and printed in typefaces training never used (plain numbers, words
 * with no digit, single letters, and numbers with a sign, unit or label: "€42", "(555) 123", "17 kg"), per kind and
 * per length, digit accuracy, and time per picture (decode included, PNG data inflated by node:zlib as the server
 * does), plus the median time of a 6-digit 600x150 picture (read by the build in dist/, the code the server runs;
 * `npm run bench:read` builds first), and how often readings of each confidence are right (read-calibration.ts).
 * Run: `npm run bench:read -- [--digits tune|report] [--count N] [--only KIND,...] [--dir PATH] [--model PATH]`.
 * `--digits tune` composes from test digits 0-4999 (thresholds are chosen there), `report` (default) from 5000-9999.
 * `--count` pictures per kind (default 200; lengths cycle 2..6). `--readings FILE` writes every reading (each
 * digit's box and scores, the skipped pieces) one per line: two builds that read alike write the same file.
 * `--save DIR` writes the composed pictures and their manifest. `--dir` reads an external set (or a saved one)
 * instead: a folder with manifest.json, `[{ "file": "a.png", "kind": "spaced", "text": "123" }]` (text "" = no
 * digit; an optional `"mnist": [k, ...]` lists the test digits a picture was composed from, for the model ceiling).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { areaResample } from '../src/image/resample.js';
import type { ModelEngine } from '../src/ml/engine/types.js';
import type { SvmModel } from '../src/ml/model.js';
import { createModelEngine } from '../src/node/kernel-wasm.js';
import { loadModelFile } from '../src/node/model-file.js';
import { nativeInflate } from '../src/server/node/native-inflate.js';
import { predictBatch } from '../src/ml/predict.js';
import { readImage } from '../src/read/index.js';
import { loadMnist } from '../src/training/mnist-data.js';
import { calibrationTable, type Sureness } from './read-calibration.js';
import { compose, HANDWRITTEN_KINDS, layNumber, type DigitSource } from './read-compose.js';
import { renderTexts, type TextJob } from './read-printed.js';
import { paint, seeded, toPng } from './robustness-render.js';

interface Picture {
  readonly kind: string;
  readonly text: string;
  readonly file: Uint8Array;
  /** The MNIST test digits it was composed from, left to right (indices into the test set), when known. */
  readonly mnist?: readonly number[];
}

const FACES = ['Liberation Sans', 'Liberation Serif', 'Liberation Mono', 'Liberation Sans Narrow'] as const;
const STYLES = ['normal', 'bold', 'italic'] as const;
/** Words with no digit: signs, names, labels people photograph. */
const WORDS = [
  'Kern',
  'TAXI',
  'hello',
  'Menu',
  'EXIT',
  'open',
  'Street',
  'Total',
  'name',
  'Café',
  'PARK',
  'stop',
  'Hotel',
  'gate',
  'Room',
  'Price',
  'bus',
  'Date',
  'WAY',
  'fresh',
  'Apt',
  'NORTH',
  'tea',
  'Mark',
  'X',
  'km',
  'Ave',
  'help',
] as const;

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

/** A DigitSource that also says which test digit it drew (the model ceiling reads the digit as it was). */
type IndexedSource = (random: () => number) => ReturnType<DigitSource> & { readonly index: number };

function digitSource(images: Uint8Array, labels: Uint8Array, from: number, to: number): IndexedSource {
  return (random) => {
    const k = from + Math.floor(random() * (to - from));
    return { pixels: images.subarray(k * 784, (k + 1) * 784), label: labels[k] as number, index: k };
  };
}

const digitsOf = (random: () => number, length: number): string =>
  Array.from({ length }, () => Math.floor(random() * 10)).join('');

/**
 * Printed numbers with what people print beside them: currency signs, percent, plus and minus, brackets, a number
 * sign, separators, dates and fractions, units and labels. Each yields the number's digits (the reader leaves every
 * mark out of `text`).
 */
const SIGNED: readonly ((random: () => number) => string)[] = [
  (r) => `€${digitsOf(r, 2 + Math.floor(r() * 3))}`,
  (r) => `$${digitsOf(r, 1 + Math.floor(r() * 4))}`,
  (r) => `£${digitsOf(r, 2 + Math.floor(r() * 2))}`,
  (r) => `${digitsOf(r, 2 + Math.floor(r() * 3))} €`,
  (r) => `$${digitsOf(r, 1)},${digitsOf(r, 3)}`,
  (r) => `€${digitsOf(r, 1 + Math.floor(r() * 2))}.${digitsOf(r, 2)}`,
  (r) => `${digitsOf(r, 1 + Math.floor(r() * 2))}%`,
  (r) => `+${digitsOf(r, 2 + Math.floor(r() * 3))}`,
  (r) => `-${digitsOf(r, 1 + Math.floor(r() * 3))}`,
  (r) => `(${digitsOf(r, 3)}) ${digitsOf(r, 3)}`,
  (r) => `#${digitsOf(r, 1 + Math.floor(r() * 3))}`,
  (r) => `${digitsOf(r, 2)}:${digitsOf(r, 2)}`,
  (r) => `${digitsOf(r, 2 + Math.floor(r() * 2))} kg`,
  (r) => `No. ${digitsOf(r, 1 + Math.floor(r() * 3))}`,
  (r) => `Room ${digitsOf(r, 2 + Math.floor(r() * 2))}`,
  (r) => `${String(1 + Math.floor(r() * 28)).padStart(2, '0')}/${String(1 + Math.floor(r() * 12)).padStart(2, '0')}`,
  (r) => `${1 + Math.floor(r() * 9)}/${2 + Math.floor(r() * 15)}`,
  (r) => `${digitsOf(r, 2 + Math.floor(r() * 2))} g`,
  (r) => `${digitsOf(r, 2 + Math.floor(r() * 2))} ml`,
  (r) => `${digitsOf(r, 1 + Math.floor(r() * 2))} mm`,
];

/**
 * Single letters, one to a picture: those no common typeface draws like a digit (data/font-letters leaves out the same
 * ones: O, S, Z, l, I, b, g, q and their like). A lone O is read 0, and nothing in the picture says otherwise.
 */
const LETTERS = [...'ACDEFHJKLMNPQRTUVWXYacdefhkmnprtuvwxy'];

function textJobs(count: number, random: () => number, words: boolean): TextJob[] {
  return Array.from({ length: count }, (_, i) => {
    const length = 2 + (i % 7);
    const text = words ? pick(random, WORDS) : digitsOf(random, length);
    return {
      text,
      face: pick(random, FACES),
      style: pick(random, STYLES),
      size: Math.round(20 + random() * 60),
      dark: random() < 0.8,
    };
  });
}

async function composeAll(split: 'tune' | 'report', count: number, only: readonly string[]): Promise<Picture[]> {
  const { test } = await loadMnist();
  const [from, to] = split === 'tune' ? [0, 5000] : [5000, 10000];
  const source = digitSource(test.images, test.labels, from, to);
  const random = seeded(split === 'tune' ? 23 : 2323);
  const wanted = (kind: string): boolean => only.length === 0 || only.includes(kind);
  const out: Picture[] = [];
  const drawn: number[] = [];
  const recorded: DigitSource = (r) => {
    const digit = source(r);
    drawn.push(digit.index);
    return digit;
  };
  for (const kind of HANDWRITTEN_KINDS) {
    if (!wanted(kind)) continue;
    for (let i = 0; i < count; i++) {
      drawn.length = 0;
      const { text, file } = compose(kind, 2 + (i % 5), recorded, random);
      out.push({ kind, text, file, mnist: [...drawn] });
    }
  }
  for (const [kind, words] of [
    ['printed', false],
    ['letters', true],
  ] as const) {
    if (!wanted(kind)) continue;
    const jobs = textJobs(count, random, words);
    const files = await renderTexts(jobs);
    jobs.forEach((job, i) => out.push({ kind, text: words ? '' : job.text, file: files[i] as Uint8Array }));
  }
  if (wanted('signed')) {
    // Drawn last, from their own seed: the kinds above compose the same pictures as before this kind existed.
    const signed = seeded(split === 'tune' ? 24 : 2424);
    const jobs = textJobs(count, signed, false).map((job, i) => ({
      ...job,
      text: (SIGNED[i % SIGNED.length] as (random: () => number) => string)(signed),
    }));
    const files = await renderTexts(jobs);
    jobs.forEach((job, i) =>
      out.push({ kind: 'signed', text: job.text.replace(/[^0-9]/g, ''), file: files[i] as Uint8Array }),
    );
  }
  if (wanted('letter')) {
    // Its own seed too, drawn after every other kind.
    const single = seeded(split === 'tune' ? 25 : 2525);
    const jobs = textJobs(count, single, false).map((job) => ({ ...job, text: pick(single, LETTERS) }));
    const files = await renderTexts(jobs);
    jobs.forEach((_, i) => out.push({ kind: 'letter', text: '', file: files[i] as Uint8Array }));
  }
  return out;
}

async function loadDir(dir: string): Promise<Picture[]> {
  const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as {
    file: string;
    kind: string;
    text: string;
    mnist?: number[];
  }[];
  return Promise.all(
    manifest.map(async (m) => ({
      kind: m.kind,
      text: m.text,
      file: new Uint8Array(await readFile(path.join(dir, m.file))),
      ...(m.mnist === undefined ? {} : { mnist: m.mnist }),
    })),
  );
}

/** Writes the pictures and their manifest, a folder `--dir` reads back (to look at a failure, or time one build). */
async function save(dir: string, pictures: readonly Picture[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const manifest = await Promise.all(
    pictures.map(async (p, i) => {
      const file = `${p.kind}-${String(i).padStart(4, '0')}.${p.file[0] === 0xff ? 'jpg' : 'png'}`;
      await writeFile(path.join(dir, file), p.file);
      return { file, kind: p.kind, text: p.text, ...(p.mnist === undefined ? {} : { mnist: p.mnist }) };
    }),
  );
  await writeFile(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
}

/** Levenshtein distance (short strings). */
function edits(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(
        Math.min(
          (prev[j] as number) + 1,
          (row[j - 1] as number) + 1,
          (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
        ),
      );
    }
    prev = row;
  }
  return prev[b.length] as number;
}

function readText(
  model: SvmModel,
  engine: ModelEngine,
  file: Uint8Array,
): { text: string; ms: number; reading: string; confidence?: number } {
  const t = performance.now();
  let text: string;
  let reading: string;
  let confidence: number | undefined;
  try {
    // Decoded as the server's worker threads decode (PNG data inflated by node:zlib): the time is the server's.
    const read = readImage(file, model, engine, { inflate: nativeInflate });
    text = read.text;
    confidence = read.confidence;
    reading = JSON.stringify({ digits: read.digits.map((d) => [d.box, d.scores]), skipped: read.skipped });
  } catch (error) {
    const code = (error as { code?: string }).code;
    text = code === 'NO_DIGIT_FOUND' ? '' : `!${code ?? String(error)}`;
    reading = text;
  }
  return { text, ms: performance.now() - t, reading, ...(confidence === undefined ? {} : { confidence }) };
}

/**
 * What the model answers for the MNIST test digits a picture was composed from, each read alone as /api would:
 * a reader that classifies pieces with this model reads no number better than this, but by chance.
 */
function modelReads(model: SvmModel, engine: ModelEngine, images: Uint8Array, indices: readonly number[]): string {
  const digits = indices.map((k) => images.subarray(k * 784, (k + 1) * 784));
  return predictBatch(model, digits, engine)
    .map((p) => p.digit)
    .join('');
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
const pct = (n: number, d: number): string => (d === 0 ? '-' : ((100 * n) / d).toFixed(1));

/** Rounds over the six-digit pictures: the first warms up, the median is over the others' reads. */
const SIX_DIGIT_ROUNDS = 5;

/** The 6-digit 600x150 pictures timed (spaced handwriting scaled to exactly that size). */
function sixDigitPictures(source: DigitSource): Uint8Array[] {
  const random = seeded(6);
  const files: Uint8Array[] = [];
  for (let i = 0; i < 40; i++) {
    const ink = layNumber(
      Array.from({ length: 6 }, () => source(random).pixels),
      random,
    );
    const fit = areaResample(ink, { x: 0, y: 0, width: ink.width, height: ink.height }, 600, 150);
    files.push(toPng(paint(fit, { paper: [255, 255, 255], ink: [25, 25, 35] }), 600, 150));
  }
  return files;
}

/**
 * Median time of a read of the build (in a worker thread, see builtReader) and of the source here, over the pictures:
 * each picture read once per round by each, the two taking turns round by round (so that a slow moment of a shared
 * machine falls on both), 160 reads each rather than one.
 */
async function sixDigitTimes(
  files: Uint8Array[],
  built: BuiltReader,
  source: (file: Uint8Array) => number,
): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  for (let round = 0; round < SIX_DIGIT_ROUNDS; round++) {
    const fromBuild = await built.read(files);
    const fromSource = files.map(source);
    if (round > 0) {
      times[0].push(...fromBuild);
      times[1].push(...fromSource);
    }
  }
  return [median(times[0]), median(times[1])];
}

/** The build's reader in a worker thread: each call reads every file once and gives each read's milliseconds. */
interface BuiltReader {
  read(files: readonly Uint8Array[]): Promise<number[]>;
  close(): Promise<void>;
}

/**
 * The reader as the server runs it: the build in dist/ (tsc's output) in a worker thread started without tsx
 * (bench/read-built-worker.mjs). Run through tsx, as the rest of this bench is, the reader reads the same pictures
 * about an eighth slower (tsx keeps each function's name by setting it as every closure is made, and the reader makes
 * closures per piece; a module imported from dist/ here is run through tsx too), so issue 23's server time is timed
 * on the build (docs/BENCHMARKS.md, "Number reader", 2026-12-07).
 */
async function builtReader(modelPath: string | undefined): Promise<BuiltReader> {
  const dist = new URL('../dist/', import.meta.url);
  if (!existsSync(new URL('read/index.js', dist)))
    throw new Error('dist/ has no build: run `npm run build` first (npm run bench:read does)');
  const worker = new Worker(new URL('./read-built-worker.mjs', import.meta.url), {
    execArgv: [],
    workerData: { dist: dist.href, model: modelPath },
  });
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  await next();
  return {
    read: async (files) => {
      const answer = next();
      worker.postMessage(files);
      return (await answer) as number[];
    },
    close: async () => void (await worker.terminate()),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      digits: { type: 'string', default: 'report' },
      count: { type: 'string', default: '200' },
      only: { type: 'string', default: '' },
      dir: { type: 'string' },
      model: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      readings: { type: 'string' },
      save: { type: 'string' },
    },
  });
  const split = values.digits === 'tune' ? 'tune' : 'report';
  const only = values.only === '' ? [] : values.only.split(',');
  const { model } = await loadModelFile(values.model);
  const engine = await createModelEngine(model);
  const pictures =
    values.dir === undefined ? await composeAll(split, Number(values.count), only) : await loadDir(values.dir);
  if (values.save !== undefined) await save(values.save, pictures);
  const rows = new Map<
    string,
    { n: number; exact: number; digits: number; right: number; ms: number[]; known: number; ceiling: number }
  >();
  const { test } = await loadMnist();
  const byLength = new Map<number, { n: number; exact: number }>();
  const row = <K, V>(m: Map<K, V>, k: K, init: () => V): V => {
    const found = m.get(k);
    if (found !== undefined) return found;
    const made = init();
    m.set(k, made);
    return made;
  };
  const readings: string[] = [];
  const sureness: Sureness[] = [];
  for (const p of pictures) {
    const { text, ms, reading, confidence } = readText(model, engine, p.file);
    if (confidence !== undefined) sureness.push({ confidence, exact: text === p.text });
    readings.push(`${p.kind}\t${p.text}\t${text}\t${reading}`);
    const r = row(rows, p.kind, () => ({ n: 0, exact: 0, digits: 0, right: 0, ms: [], known: 0, ceiling: 0 }));
    r.n++;
    if (p.mnist !== undefined) {
      r.known++;
      if (modelReads(model, engine, test.images, p.mnist) === p.text) r.ceiling++;
    }
    r.ms.push(ms);
    if (text === p.text) r.exact++;
    else if (values.verbose) console.log(`${p.kind}: ${p.text || '(none)'} -> ${text || '(none)'}`);
    if (p.text !== '') {
      r.digits += p.text.length;
      r.right += Math.max(0, p.text.length - edits(text, p.text));
      const l = row(byLength, p.text.length, () => ({ n: 0, exact: 0 }));
      l.n++;
      if (text === p.text) l.exact++;
    }
  }
  if (values.readings !== undefined) await writeFile(values.readings, `${readings.join('\n')}\n`);
  const built = await builtReader(values.model);
  const [six, sixSource] = await sixDigitTimes(
    sixDigitPictures(digitSource(test.images, test.labels, 5000, 10000)),
    built,
    (file) => readText(model, engine, file).ms,
  );
  await built.close();
  const source = values.dir ?? `composed from test digits ${split === 'tune' ? '0-4999' : '5000-9999'}`;
  console.log(
    `\nbench:read - ${source}, ${engine.backend} engine, ${cpus()[0]?.model.trim() ?? ''}, ${new Date().toISOString()}\n`,
  );
  console.log('| kind | pictures | exact | digit accuracy | model ceiling | median ms |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [kind, r] of rows) {
    const ceiling = r.known === r.n ? `${pct(r.ceiling, r.known)}%` : '-';
    console.log(
      `| ${kind} | ${r.n} | ${pct(r.exact, r.n)}% | ${r.digits === 0 ? '-' : `${pct(r.right, r.digits)}%`} | ${ceiling} | ${median(r.ms).toFixed(1)} |`,
    );
  }
  console.log(
    '\nModel ceiling: the share of pictures whose every digit the model reads right as the MNIST picture it was' +
      ' composed from (a single upload of that 28x28); known for pictures composed here and for sets whose manifest' +
      " lists each picture's `mnist` test indices.",
  );
  console.log('\n| digits | pictures | exact |');
  console.log('|---:|---:|---:|');
  for (const [length, l] of [...byLength].sort((a, b) => a[0] - b[0]))
    console.log(`| ${length} | ${l.n} | ${pct(l.exact, l.n)}% |`);
  console.log(`\nHow sure the readings are (every answered picture; letters answered with digits count as wrong):\n`);
  for (const line of calibrationTable(sureness)) console.log(line);
  console.log(`\n6-digit 600x150 picture: median ${six.toFixed(1)} ms`);
  console.log(`(the build in dist/, as the server runs it; the source through tsx: ${sixSource.toFixed(1)} ms)`);
}

await main();
