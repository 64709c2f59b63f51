/**
 * Printed digits: accuracy of the shipped model on the digits 0-9 set in the typefaces installed on this machine
 * (Debian's fonts-dejavu and fonts-liberation), at several sizes, in both polarities, through the same
 * imageToDigitInput pipeline as uploads. Chromium (Debian's, driven by the playwright-core dev dependency the
 * browser tests already use) rasterizes the text on a canvas and encodes it as PNG: no new dependency.
 * Run: `npx tsx bench/printed-digits.ts [--model PATH] [--out FILE]`.
 * Each picture is a canvas 1.6x the glyph's cap height, the digit centred: like a photo of a house number or a
 * receipt cropped around one digit.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ImageError, imageToDigitInput } from '../src/image/index.js';
import { predict } from '../src/ml/predict.js';
import { loadModelFile } from '../src/node/model-file.js';
import { launchChromium } from '../test/helpers/chromium.js';
import { drawDigitGlyphs } from '../scripts/digit-canvas.js';

/** Typeface families (fontconfig names) with the weights and styles rendered for each. */
const FACES = [
  'DejaVu Sans',
  'DejaVu Sans Condensed',
  'DejaVu Serif',
  'DejaVu Sans Mono',
  'Liberation Sans',
  'Liberation Sans Narrow',
  'Liberation Serif',
  'Liberation Mono',
] as const;
const STYLES = ['normal', 'bold', 'italic'] as const;
/** Font sizes in CSS px: digits from about 9 px tall (a small label) to about 70 px (a photographed house number). */
const SIZES = [12, 20, 32, 96] as const;
const POLARITIES = ['dark on light', 'light on dark'] as const;

interface Sample {
  readonly face: string;
  readonly style: string;
  readonly size: number;
  readonly polarity: string;
  readonly digit: number;
  readonly png: Uint8Array;
}

async function render(): Promise<Sample[]> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const jobs = FACES.flatMap((face) =>
      STYLES.flatMap((style) =>
        SIZES.flatMap((size) =>
          POLARITIES.flatMap((polarity) =>
            Array.from({ length: 10 }, (_, digit) => ({ face, style, size, polarity, digit })),
          ),
        ),
      ),
    );
    const urls = await page.evaluate(
      drawDigitGlyphs,
      jobs.map((job) => ({ ...job, dark: job.polarity === 'dark on light' })),
    );
    return jobs.map((job, i) => ({
      ...job,
      png: new Uint8Array(Buffer.from((urls[i] as string).split(',')[1] as string, 'base64')),
    }));
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { model: { type: 'string' }, out: { type: 'string' } } });
  const { model, path, sha256 } = await loadModelFile(values.model);
  const samples = await render();
  const groups = new Map<string, { correct: number; total: number; refused: number; wrong: string[] }>();
  const add = (key: string, ok: boolean, refused: boolean, what: string): void => {
    const g = groups.get(key) ?? { correct: 0, total: 0, refused: 0, wrong: [] };
    g.total++;
    if (ok) g.correct++;
    if (refused) g.refused++;
    if (!ok && g.wrong.length < 12) g.wrong.push(what);
    groups.set(key, g);
  };
  for (const s of samples) {
    let answer: number | undefined;
    try {
      answer = predict(model, imageToDigitInput(s.png).pixels).digit;
    } catch (error) {
      if (!(error instanceof ImageError)) throw error;
    }
    const ok = answer === s.digit;
    const what = `${s.digit}->${answer ?? 'refused'}`;
    for (const key of ['all', `face: ${s.face}`, `style: ${s.style}`, `size: ${s.size}px`, `polarity: ${s.polarity}`])
      add(
        key,
        ok,
        answer === undefined,
        key === 'all' ? `${s.face} ${s.style} ${s.size}px ${s.polarity} ${what}` : what,
      );
  }
  const lines = [
    `Printed digits: ${FACES.length} typefaces x ${STYLES.length} styles x ${SIZES.length} sizes x ${POLARITIES.length} polarities x 10 digits = ${samples.length} pictures; model ${path} (sha256 ${sha256.slice(0, 12)}).`,
    '',
    '| group | accuracy | no digit found | some misreads (digit->answer) |',
    '|---|---:|---:|---|',
  ];
  const order = ['all', 'face', 'style', 'size', 'polarity'];
  const sorted = [...groups].sort(([a], [b]) => order.indexOf(a.split(':')[0]!) - order.indexOf(b.split(':')[0]!));
  for (const [key, g] of sorted)
    lines.push(
      `| ${key} | ${((100 * g.correct) / g.total).toFixed(2)}% (${g.correct}/${g.total}) | ${g.refused} | ${g.wrong.slice(0, key === 'all' ? 0 : 8).join(', ')} |`,
    );
  const table = `${lines.join('\n')}\n`;
  console.log(table);
  if (values.out) await writeFile(values.out, table);
}

await main();
