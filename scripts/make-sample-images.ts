/**
 * Writes images_test/: for each digit 0-9, the first MNIST test image of that digit as a 28x28 grey PNG
 * (images_test_<d>.png, white on black exactly as in MNIST) and a JPEG of it (images_test_<d>.jpg, quality 95).
 * Run: `npx tsx scripts/make-sample-images.ts` (deterministic: same files every run).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { encodeGrayPng } from '../src/image/index.js';
import { loadMnist } from '../src/training/mnist-data.js';
import { PACKAGE_ROOT } from '../src/node/package-root.js';

/** High enough that the JPEG reads like the PNG, low enough to look like a real JPEG upload. */
const JPEG_QUALITY = 95;

const outDir = path.join(PACKAGE_ROOT, 'images_test');
const { test } = await loadMnist();
await mkdir(outDir, { recursive: true });
for (let digit = 0; digit < 10; digit++) {
  const index = test.labels.indexOf(digit);
  if (index < 0) throw new Error(`no test image of digit ${digit}`);
  const pixels = test.images.subarray(index * 784, (index + 1) * 784);
  const rgba = new Uint8Array(784 * 4);
  pixels.forEach((v, i) => rgba.set([v, v, v, 255], i * 4));
  const base = path.join(outDir, `images_test_${digit}`);
  await writeFile(`${base}.png`, encodeGrayPng(pixels, 28, 28));
  await writeFile(`${base}.jpg`, jpeg.encode({ data: rgba, width: 28, height: 28 }, JPEG_QUALITY).data);
  console.log(`images_test_${digit}: MNIST test image #${index}`);
}
