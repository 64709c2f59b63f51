/**
 * Printed numbers and words for bench/read.ts, set by Chromium (Debian's, through playwright-core, as the
 * printed-digits bench does) in typefaces the model was NOT trained on (the training set's are in
 * scripts/render-font-digits.ts): DejaVu and Liberation.
 */
import { launchChromium } from '../test/helpers/chromium.js';
import type { Composed } from './read-compose.js';

/** Typefaces installed by Debian's fonts-dejavu and fonts-liberation, none of them in the training set. */
export const PRINTED_FACES = [
  'DejaVu Sans',
  'DejaVu Serif',
  'DejaVu Sans Mono',
  'Liberation Sans',
  'Liberation Serif',
  'Liberation Mono',
];
/** Words and marks with no digit (signs, labels, names): each must be answered "no digit". */
export const WORDS = [
  'Kern',
  'TAXI',
  'EXIT',
  'Hello',
  'Street',
  'Total',
  'Price',
  'Name',
  'SALE',
  'Open',
  'Menu',
  'Rue',
  'Haus',
  'Nord',
  'Café',
  'Bus',
  'Stop',
  'Park',
  'Kasse',
  'Euro',
  'Fax',
  'Tel',
  'Apt',
  'Mr',
  'Dr',
  'Hwy',
  'Exit',
  'Nr.',
  'Km',
  'No',
  'Via',
  'Ave',
  'Rd',
  'Ln',
  'West',
  'East',
  'Bar',
  'Kino',
  'Post',
  'Hotel',
  'Zone',
  'Ward',
];

/** One string to set: text, face, size in CSS px, polarity. */
interface Setting {
  readonly text: string;
  readonly face: string;
  readonly size: number;
  readonly dark: boolean;
}

/**
 * Sets each string on its own canvas (a margin of half the font size) and returns PNG files.
 * @param settings what to set
 * @returns the files, in order
 */
async function setText(settings: readonly Setting[]): Promise<Uint8Array[]> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const urls = await page.evaluate((list: readonly Setting[]) => {
      return list.map(({ text, face, size, dark }) => {
        const probe = document.createElement('canvas').getContext('2d')!;
        probe.font = `${size}px "${face}"`;
        const width = Math.ceil(probe.measureText(text).width + size);
        const height = Math.ceil(size * 1.6);
        const canvas = document.createElement('canvas');
        canvas.width = width;
        canvas.height = height;
        const ctx = canvas.getContext('2d')!;
        ctx.fillStyle = dark ? '#fff' : '#000';
        ctx.fillRect(0, 0, width, height);
        ctx.fillStyle = dark ? '#000' : '#fff';
        ctx.font = `${size}px "${face}"`;
        ctx.textBaseline = 'middle';
        ctx.fillText(text, size / 2, height / 2);
        return canvas.toDataURL('image/png');
      });
    }, settings);
    return urls.map((u) => new Uint8Array(Buffer.from(u.split(',')[1]!, 'base64')));
  } finally {
    await browser.close();
  }
}

/**
 * Printed numbers of 2-8 digits and words with no digit.
 * @param count pictures of each kind
 * @param random the seeded generator
 * @returns the pictures ('printed' with their text, 'letters' with text '')
 */
export async function composePrinted(count: number, random: () => number): Promise<Composed[]> {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const numbers: Setting[] = [];
  const words: Setting[] = [];
  for (let i = 0; i < count; i++) {
    const length = 2 + Math.floor(random() * 7);
    const text = Array.from({ length }, () => Math.floor(random() * 10)).join('');
    numbers.push({ text, face: pick(PRINTED_FACES), size: pick([20, 28, 40, 64, 96]), dark: random() < 0.8 });
    words.push({
      text: pick(WORDS),
      face: pick(PRINTED_FACES),
      size: pick([20, 28, 40, 64, 96]),
      dark: random() < 0.8,
    });
  }
  const files = await setText([...numbers, ...words]);
  return [
    ...numbers.map((s, i) => ({ kind: 'printed', text: s.text, file: files[i]! })),
    ...words.map((_, i) => ({ kind: 'letters', text: '', file: files[count + i]! })),
  ];
}
