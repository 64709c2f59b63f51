/**
 * The README's headline figures, written to bench/figures.json so that no figure in prose is typed by hand.
 * test/docs/readme-figures.test.ts checks every row of the README's table against this file and the model file.
 *
 *   npm run bench:report                                   (figures read from the repo; measured ones kept)
 *   npm run bench:report -- --evaluate                     (also scores the model on the 10,000 MNIST test images)
 *   npm run bench:report -- --predict FILE --printed FILE --wrk FILE --read FILE
 *       (take the measured figures from saved outputs of `npm run bench:predict`, `npx tsx bench/printed-digits.ts`,
 *        `npm run bench:wrk` and `npm run bench:read -- --digits report`; the date is the file's modification time
 *        (bench:read's own timestamp for it), the machine the one running the report)
 *
 * Figures computed from the repo (support vectors, accuracy, model size, training run, package size) are recomputed on
 * every run. Figures only a benchmark can measure (prediction time, throughput, printed digits) are kept from the
 * previous figures.json, with the command, date and machine they came from, until a new output is given.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { isGzip } from '../src/ml/model-container.js';

/** One row of the README's headline table. */
export interface Figure {
  /** The row's first cell, which the test matches on. */
  label: string;
  /** The value as the README prints it. */
  display: string;
  /** The raw value(s) behind `display`, for checks. */
  value: number | Record<string, number>;
  /** The command that produces the figure. */
  command: string;
  /** Day of the measurement (YYYY-MM-DD). */
  date: string;
  /** Where it was measured, or the file it is read from. */
  machine: string;
}

export interface FiguresFile {
  generatedBy: string;
  generatedAt: string;
  figures: Record<string, Figure>;
}

const REPO = path.resolve(import.meta.dirname, '..');
const FIGURES_PATH = path.join(REPO, 'bench', 'figures.json');
const MODEL_PATH = path.join(REPO, 'model', 'model.bin');
const CARD_PATH = path.join(REPO, 'model', 'MODEL_CARD.md');

const count = (n: number): string => n.toLocaleString('en-US');
const percent = (fraction: number): string => `${(100 * fraction).toFixed(2)}%`;
const day = (date: Date): string => date.toISOString().slice(0, 10);

/** This machine, in the words the README uses: CPU model, cores, memory, Node. */
export function machineHere(): string {
  const cpu = (cpus()[0]?.model ?? 'unknown CPU').replace(/\(R\)|\(TM\)/g, '').trim();
  const gib = Math.round(totalmem() / 2 ** 30);
  return `${availableParallelism()}-core ${cpu}, ${gib} GiB, Node ${process.versions.node}`;
}

interface ModelFacts {
  firstStage: number;
  secondStage: number;
  accuracy: number;
  bytes: number;
  /** gzip -9 of the file: what it costs to download with HTTP compression, or in a package tarball. */
  gzipBytes: number;
}

/**
 * The figures the model file itself holds, read from the binary file's header JSON as it is (its length at byte 12,
 * the JSON from byte 16; src/ml/model-binary.ts): the report does not depend on the model reader.
 */
export function modelFacts(file: string = MODEL_PATH): ModelFacts {
  const bytes = readFileSync(file);
  const raw = isGzip(bytes) ? gunzipSync(bytes) : bytes;
  const json = JSON.parse(raw.subarray(16, 16 + raw.readUInt32LE(12)).toString('utf8')) as {
    supportVectors: { count: number };
    secondStage?: { slots: { count: number } };
    evaluation?: { accuracy: number };
  };
  if (json.evaluation === undefined) throw new Error(`${file}: the model records no test evaluation`);
  return {
    firstStage: json.supportVectors.count,
    secondStage: json.secondStage?.slots.count ?? 0,
    accuracy: json.evaluation.accuracy,
    bytes: bytes.length,
    gzipBytes: isGzip(bytes) ? bytes.length : gzipSync(bytes, { level: 9 }).length,
  };
}

interface CardFacts {
  accuracy: string;
  seconds: number;
  peakMb: number;
  machine: string;
  trainedAt: string;
}

/** The training run's own figures, from the model card `npm run train` wrote next to the model. */
export function cardFacts(file: string = CARD_PATH): CardFacts {
  const card = readFileSync(file, 'utf8');
  const cell = (name: string): string => {
    const match = new RegExp(`^\\| ${name}[^|]*\\| (.+?) \\|$`, 'm').exec(card);
    if (match?.[1] === undefined) throw new Error(`${file}: no "${name}" row`);
    return match[1];
  };
  return {
    accuracy: cell('Test accuracy').replaceAll('*', ''),
    seconds: Number.parseFloat(cell('Training wall time')),
    peakMb: Number.parseFloat(cell('Peak memory')),
    machine: cell('Machine')
      .replace(/^2 x /, '2-vCPU ')
      .replace(/\(R\)|, linux x64/g, ''),
    trainedAt: cell('Trained at'),
  };
}

function modelFigures(model: ModelFacts, card: CardFacts, evaluatedHere: boolean): Record<string, Figure> {
  const trained = card.trainedAt.slice(0, 10);
  return {
    testAccuracy: {
      label: 'MNIST test accuracy (10,000 images)',
      display: percent(model.accuracy),
      value: model.accuracy,
      command: 'npm run evaluate',
      date: evaluatedHere ? day(new Date()) : trained,
      machine: evaluatedHere ? machineHere() : card.machine,
    },
    supportVectors: {
      label: 'Support vectors (first stage + second stage)',
      display: `${count(model.firstStage)} + ${count(model.secondStage)} as slots`,
      value: { firstStage: model.firstStage, secondStage: model.secondStage },
      command: 'npm run bench:report',
      date: trained,
      machine: 'read from model/model.bin',
    },
    modelFile: {
      label: 'Model file (model/model.bin)',
      display: `${(model.bytes / 1e6).toFixed(1)} MB (${(model.gzipBytes / 1e6).toFixed(1)} MB gzipped)`,
      value: model.bytes,
      command: 'npm run bench:report',
      date: trained,
      machine: 'read from model/model.bin',
    },
    training: {
      label: 'Training wall time (fitting both stages), peak memory',
      display: `${card.seconds.toFixed(1)} s, peak RSS ${count(card.peakMb)} MB`,
      value: { seconds: card.seconds, peakMb: card.peakMb },
      command: 'npm run train',
      date: trained,
      machine: card.machine,
    },
  };
}

/** Size of the tarball `npm pack` makes (dist/ must be built: the report does not build). */
function packageFigure(): Figure | undefined {
  if (!existsSync(path.join(REPO, 'dist', 'index.js'))) return undefined;
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8' });
  const [pack] = JSON.parse(out) as { size: number; unpackedSize: number; entryCount: number }[];
  if (pack === undefined) return undefined;
  return {
    label: 'npm package (`npm pack`)',
    display: `${(pack.size / 1e6).toFixed(1)} MB packed, ${count(pack.entryCount)} files`,
    value: { size: pack.size, unpackedSize: pack.unpackedSize, files: pack.entryCount },
    command: 'npm pack --dry-run',
    date: day(new Date()),
    machine: 'read from the tarball',
  };
}

/** The number in the first markdown table row whose first cell is `row`, column `column` (0 = first cell). */
function tableCell(output: string, row: string, column: number, file: string): string {
  const line = output.split('\n').find((l) => l.startsWith(`| ${row} |`));
  const value = line?.split('|')[column + 1]?.trim();
  if (value === undefined) throw new Error(`${file}: no "${row}" row`);
  return value;
}

const number = (text: string): number => Number.parseFloat(text.replaceAll(',', ''));

/** For outputs that do not name their machine: the date they were written, and this machine (run it where they ran). */
function measuredOn(file: string): { date: string; machine: string } {
  return { date: day(statSync(file).mtime), machine: machineHere() };
}

/** bench:predict's wasm-simd row: single-image median and the 2-thread throughput. */
function predictFigures(file: string): Record<string, Figure> {
  const output = readFileSync(file, 'utf8');
  const cpu = /^CPU: (.+); load average ([\d.]+) at start$/m.exec(output);
  const where = measuredOn(file);
  const machine = cpu?.[1] !== undefined ? `${cpu[1]} (load ${cpu[2]})` : where.machine;
  const median = number(tableCell(output, 'wasm-simd', 1, file));
  const wall = number(tableCell(output, 'wasm-simd', 7, file));
  return {
    predictMedian: {
      label: 'One image, deskew + predict (median, one thread)',
      display: `${median.toFixed(3)} ms`,
      value: median,
      command: 'npm run bench:predict',
      date: where.date,
      machine,
    },
    predictThroughput: {
      label: 'Images/s, 2 threads, batches of 32',
      display: count(wall),
      value: wall,
      command: 'npm run bench:predict',
      date: where.date,
      machine,
    },
  };
}

/** printed-digits' "all" row. */
function printedFigure(file: string): Figure {
  const output = readFileSync(file, 'utf8');
  const accuracy = tableCell(output, 'all', 1, file).split(' ')[0] ?? '';
  return {
    label: 'Printed digits, typefaces not trained on (1,920 pictures)',
    display: accuracy,
    value: number(accuracy) / 100,
    command: 'npx tsx bench/printed-digits.ts',
    ...measuredOn(file),
  };
}

/** bench:wrk's 16-connection runs: the range of requests/s, as "a-b". */
function wrkFigure(file: string): Figure {
  const output = readFileSync(file, 'utf8');
  // bench:wrk's rows name the route first since it also measures the page; older outputs start at the connections.
  const rates = [...output.matchAll(/^\|(?: POST \/api \|)? 16 \| [^|]+\| ([\d,.]+) \|/gm)].map((m) =>
    number(m[1] ?? ''),
  );
  if (rates.length === 0) throw new Error(`${file}: no 16-connection run`);
  const low = Math.round(Math.min(...rates));
  const high = Math.round(Math.max(...rates));
  const machine = /^machine: (.+), load ([\d.]+)/m.exec(output);
  const where = measuredOn(file);
  return {
    label: 'Server, `POST /api` with a 28x28 PNG, 16 connections',
    display: low === high ? `${count(low)} req/s` : `${count(low)}-${count(high)} req/s`,
    value: { low, high },
    command: 'npm run bench:wrk',
    date: where.date,
    machine: machine?.[1] !== undefined ? `${machine[1]} (load ${machine[2]})` : where.machine,
  };
}

/**
 * bench:read on its report split (numbers composed from MNIST test digits 5000-9999 and printed in unseen
 * typefaces): exact readings over every kind with digits, words and single letters answered "no digit", and the
 * 6-digit picture's median time. An external set (`--dir`) or the tuning split is refused: the README quotes the
 * split no threshold was chosen on.
 */
function readFigures(file: string): Record<string, Figure> {
  const output = readFileSync(file, 'utf8');
  const header = /^bench:read - composed from test digits 5000-9999, .+ engine, .+, (\d{4}-\d{2}-\d{2})T/m.exec(output);
  if (header === null) throw new Error(`${file}: not the output of bench:read on its report split (--digits report)`);
  const rows = [...output.matchAll(/^\| ([a-z]+) \| (\d+) \| ([\d.]+)% \|/gm)].map((m) => ({
    kind: m[1] ?? '',
    pictures: Number(m[2]),
    exact: Number(m[3]) / 100,
  }));
  // Numbers with signs, units or a label are a row of their own: the headline stays the same kinds as before.
  const numbers = rows.filter((r) => r.kind !== 'letters' && r.kind !== 'letter' && r.kind !== 'signed');
  const signed = rows.find((r) => r.kind === 'signed');
  const letters = rows.find((r) => r.kind === 'letters');
  const letter = rows.find((r) => r.kind === 'letter');
  if (numbers.length === 0) throw new Error(`${file}: no kind of number`);
  const pictures = numbers.reduce((sum, r) => sum + r.pictures, 0);
  const exact = numbers.reduce((sum, r) => sum + Math.round(r.exact * r.pictures), 0) / pictures;
  const touching = rows.find((r) => r.kind === 'touching');
  const six = /^6-digit 600x150 picture: median ([\d.]+) ms$/m.exec(output);
  if (six === null) throw new Error(`${file}: no 6-digit picture time`);
  const sure =
    /^readings at confidence >= 0\.9: (\d+) of (\d+), ([\d.]+)% exact; expected calibration error ([\d.]+)$/m.exec(
      output,
    );
  if (sure === null) throw new Error(`${file}: no line on how sure the readings are`);
  const machine = machineHere();
  const date = header[1] as string;
  return {
    readNumbers: {
      label: `Numbers read exactly, every digit in order (${count(pictures)} pictures)`,
      display: `${(100 * exact).toFixed(1)}%${touching ? `, touching pairs ${(100 * touching.exact).toFixed(1)}%` : ''}`,
      value: touching ? { exact, touching: touching.exact } : { exact },
      command: 'npm run bench:read',
      date,
      machine,
    },
    readSure: {
      label: 'Readings at confidence >= 0.9: exactly right (their share)',
      display: `${sure[3]}% (${((100 * Number(sure[1])) / Number(sure[2])).toFixed(0)}% of readings)`,
      value: { exact: Number(sure[3]) / 100, share: Number(sure[1]) / Number(sure[2]), ece: Number(sure[4]) },
      command: 'npm run bench:read',
      date,
      machine,
    },
    ...(signed
      ? {
          readSigned: {
            label: `Printed numbers with a sign, unit or label: digits read exactly (${count(signed.pictures)} pictures)`,
            display: `${(100 * signed.exact).toFixed(1)}%`,
            value: signed.exact,
            command: 'npm run bench:read',
            date,
            machine,
          },
        }
      : {}),
    ...(letters
      ? {
          readWords: {
            label: `Printed words with no digit, answered "no digit" (${count(letters.pictures)} pictures)`,
            display: `${(100 * letters.exact).toFixed(1)}%`,
            value: letters.exact,
            command: 'npm run bench:read',
            date,
            machine,
          },
        }
      : {}),
    ...(letter
      ? {
          readLetters: {
            label: `Printed single letters, answered "no digit" (${count(letter.pictures)} pictures)`,
            display: `${(100 * letter.exact).toFixed(1)}%`,
            value: letter.exact,
            command: 'npm run bench:read',
            date,
            machine,
          },
        }
      : {}),
    readSixDigits: {
      label: 'A 6-digit 600x150 picture read (median)',
      display: `${Number(six[1]).toFixed(1)} ms`,
      value: Number(six[1]),
      command: 'npm run bench:read',
      date,
      machine,
    },
  };
}

function previous(): Record<string, Figure> {
  if (!existsSync(FIGURES_PATH)) return {};
  return (JSON.parse(readFileSync(FIGURES_PATH, 'utf8')) as FiguresFile).figures;
}

async function evaluateHere(): Promise<number> {
  const { loadModelFile } = await import('../src/node/model-file.js');
  const { createModelEngine } = await import('../src/node/kernel-wasm.js');
  const { evaluateModel } = await import('../src/ml/evaluate.js');
  const { loadMnist } = await import('../src/training/mnist-data.js');
  const { model } = await loadModelFile(MODEL_PATH);
  const { test } = await loadMnist();
  const engine = await createModelEngine(model, 'auto');
  return evaluateModel(model, test.images, test.labels, 'test', engine).accuracy;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      evaluate: { type: 'boolean', default: false },
      predict: { type: 'string' },
      printed: { type: 'string' },
      wrk: { type: 'string' },
      read: { type: 'string' },
    },
  });
  const model = modelFacts();
  const card = cardFacts();
  if (card.accuracy !== percent(model.accuracy))
    throw new Error(`the model card says ${card.accuracy}, the model file ${percent(model.accuracy)}`);
  if (values.evaluate) {
    const measured = await evaluateHere();
    if (Math.abs(measured - model.accuracy) > 1e-9)
      throw new Error(`evaluated ${percent(measured)}, the model file records ${percent(model.accuracy)}`);
  }
  const kept = previous();
  const keep = (key: string): Record<string, Figure> => (kept[key] ? { [key]: kept[key] } : {});
  const pack = packageFigure();
  const figures: Record<string, Figure> = {
    ...modelFigures(model, card, values.evaluate),
    ...(values.predict ? predictFigures(values.predict) : { ...keep('predictMedian'), ...keep('predictThroughput') }),
    ...(values.wrk ? { server: wrkFigure(values.wrk) } : keep('server')),
    ...(values.printed ? { printedDigits: printedFigure(values.printed) } : keep('printedDigits')),
    ...(values.read
      ? readFigures(values.read)
      : {
          ...keep('readNumbers'),
          ...keep('readSure'),
          ...keep('readSigned'),
          ...keep('readWords'),
          ...keep('readLetters'),
          ...keep('readSixDigits'),
        }),
    ...(pack ? { package: pack } : keep('package')),
  };
  // A figure that did not change keeps the date and machine it was first measured on.
  for (const [key, figure] of Object.entries(figures)) {
    const before = kept[key];
    if (before?.display === figure.display && before.command === figure.command)
      figures[key] = { ...figure, date: before.date, machine: before.machine };
  }
  const file: FiguresFile = { generatedBy: 'npm run bench:report', generatedAt: new Date().toISOString(), figures };
  writeFileSync(FIGURES_PATH, `${JSON.stringify(file, null, 2)}\n`);
  console.log('| figure | value | command | measured |');
  console.log('| --- | ---: | --- | --- |');
  for (const f of Object.values(figures))
    console.log(`| ${f.label} | ${f.display} | \`${f.command}\` | ${f.date}, ${f.machine} |`);
  console.log(`\nwrote ${path.relative(process.cwd(), FIGURES_PATH)}`);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) await main();
