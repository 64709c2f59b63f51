/**
 * Writes images_test/: for each digit 0-9, the first MNIST test image of that digit as a 28x28 grey PNG
 * (images_test_<d>.png, white on black exactly as in MNIST) and a JPEG of it (images_test_<d>.jpg, quality 95); and
 * number_1987.png, four of those side by side (the README's example for `POST /v1/read` and `mnist-digits read`).
 * Run: `npx tsx scripts/make-sample-images.ts` (deterministic: same files every run).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { encodeGrayPng } from '../src/image/index.js';
import { loadMnist } from '../src/training/mnist-data.js';
import { PACKAGE_ROOT } from '../src/node/package-root.js';

/** The number picture's digits, and the paper around and between them (pixels). */
const NUMBER = [1, 9, 8, 7] as const;
const NUMBER_MARGIN = 4;

/** High enough that the JPEG reads like the PNG, low enough to look like a real JPEG upload. */
const JPEG_QUALITY = 95;

const outDir = path.join(PACKAGE_ROOT, 'images_test');
const { test } = await loadMnist();
await mkdir(outDir, { recursive: true });
const firstOf = (digit: number): Uint8Array => {
  const index = test.labels.indexOf(digit);
  if (index < 0) throw new Error(`no test image of digit ${digit}`);
  return test.images.subarray(index * 784, (index + 1) * 784);
};
for (let digit = 0; digit < 10; digit++) {
  const index = test.labels.indexOf(digit);
  const pixels = firstOf(digit);
  const rgba = new Uint8Array(784 * 4);
  pixels.forEach((v, i) => rgba.set([v, v, v, 255], i * 4));
  const base = path.join(outDir, `images_test_${digit}`);
  await writeFile(`${base}.png`, encodeGrayPng(pixels, 28, 28));
  await writeFile(`${base}.jpg`, jpeg.encode({ data: rgba, width: 28, height: 28 }, JPEG_QUALITY).data);
  console.log(`images_test_${digit}: MNIST test image #${index}`);
}

// Each 28x28 sample already has MNIST's 4-pixel border; the margin between them keeps the digits apart as written.
const width = NUMBER_MARGIN + NUMBER.length * (28 + NUMBER_MARGIN);
const height = 28 + 2 * NUMBER_MARGIN;
const number = new Uint8Array(width * height);
NUMBER.forEach((digit, k) => {
  const pixels = firstOf(digit);
  const left = NUMBER_MARGIN + k * (28 + NUMBER_MARGIN);
  for (let y = 0; y < 28; y++) number.set(pixels.subarray(y * 28, (y + 1) * 28), (NUMBER_MARGIN + y) * width + left);
});
await writeFile(path.join(outDir, 'number_1987.png'), encodeGrayPng(number, width, height));
console.log(`number_1987.png: images_test_${NUMBER.join(', _')} side by side, ${width}x${height}`);
