/**
 * Numbers as people print them beside units, labels and punctuation (issue 23's "a demanding user"): "5 mm",
 * "12/05", "10:30", "$1,299.99", "N° 5", "Apt 12", ... each drawn by Chromium in DejaVu Sans and Serif and
 * Liberation Sans and Serif, regular and bold, at 48 px (bench/read-printed.ts), and read by readImage as an upload
 * is. Prints, per string, how many of its 8 pictures read exactly (the string's digits in order, nothing else),
 * every misreading, and the total. Unlike `npm run bench:read`'s `signed` kind (random numbers in fixed forms), the
 * strings are fixed: a change to the reader shows here as named strings gained or lost.
 *
 *   npm run bench:read-labels              (tsx bench/read-labels.ts; --model PATH)
 */
import { parseArgs } from 'node:util';
import { createModelEngine } from '../src/node/kernel-wasm.js';
import { loadModelFile } from '../src/node/model-file.js';
import { nativeInflate } from '../src/server/node/native-inflate.js';
import { readImage } from '../src/read/index.js';
import { renderTexts, type TextJob } from './read-printed.js';

const STRINGS = [
  '12 cm',
  '5 mm',
  '3 pcs',
  '12/05',
  '10:30',
  '-5',
  '3.14',
  '$1,299.99',
  '1 500 kg',
  '42 km/h',
  'N° 5',
  '555-1234',
  'Tel. 5551234',
  '€ 12,50',
  '100 g',
  '7 kg',
  '250 ml',
  '2024',
  'Apt 12',
  'No. 7',
];
const FACES = ['DejaVu Sans', 'DejaVu Serif', 'Liberation Sans', 'Liberation Serif'];
const STYLES = ['normal', 'bold'];

const { values } = parseArgs({ options: { model: { type: 'string', default: 'model/model.bin' } } });
const { model } = await loadModelFile(values.model);
const engine = await createModelEngine(model);
const jobs: TextJob[] = STRINGS.flatMap((text) =>
  FACES.flatMap((face) => STYLES.map((style) => ({ text, face, style, size: 48, dark: false }))),
);
const files = await renderTexts(jobs);

console.log('| string | digits | read exactly | misread as |');
console.log('| --- | --- | ---: | --- |');
let exact = 0;
for (const text of STRINGS) {
  const want = text.replace(/[^0-9]/g, '');
  const misread: string[] = [];
  let right = 0;
  jobs.forEach((job, i) => {
    if (job.text !== text) return;
    let got: string;
    try {
      got = readImage(files[i] as Uint8Array, model, engine, { inflate: nativeInflate }).text;
    } catch (error) {
      got = (error as { code?: string }).code ?? 'error';
    }
    if (got === want) right++;
    else misread.push(`${got} (${job.face}${job.style === 'bold' ? ' bold' : ''})`);
  });
  exact += right;
  console.log(`| ${text} | ${want} | ${right} / ${FACES.length * STYLES.length} | ${misread.join(', ')} |`);
}
console.log(
  `\n${exact} of ${jobs.length} pictures read exactly (${STRINGS.length} strings x ${FACES.length} faces x 2 styles, 48 px)`,
);
