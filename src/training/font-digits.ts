import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { toDataset, type Dataset } from '../ml/dataset.js';
import { readIdxImages, readIdxLabels } from '../ml/idx.js';
import { DataError, readExpectedChecksums, sha256 } from './mnist-data.js';
import { PACKAGE_ROOT } from '../node/package-root.js';

/** The printed-digit training set's two files (gzipped in data/font-digits/), rendered by scripts/render-font-digits.ts. */
export const FONT_DIGIT_FILES = {
  images: 'images-idx3-ubyte',
  labels: 'labels-idx1-ubyte',
} as const;

/** Where the committed printed-digit set lives. */
export const FONT_DIGITS_DIR = path.join(PACKAGE_ROOT, 'data', 'font-digits');

/** The printed-digit training set: 28x28 digits as the upload pipeline normalized them (not deskewed), and checksums. */
export interface FontDigits {
  readonly data: Dataset;
  /** SHA-256 of each raw file, by name. */
  readonly checksums: Readonly<Record<string, string>>;
}

/**
 * Reads and verifies (SHA-256 against data/font-digits/checksums) the committed printed-digit set.
 * @throws DataError `MNIST_NOT_FOUND` without the set (an npm install has none), `MNIST_CHECKSUM` when a file differs
 *   from what the render script wrote
 */
export async function loadFontDigits(dir = FONT_DIGITS_DIR): Promise<FontDigits> {
  if (!existsSync(path.join(dir, 'checksums'))) {
    // The set ships with the repository, not the npm package (which carries no data files).
    throw new DataError(
      'MNIST_NOT_FOUND',
      `printed-digit set not found in ${dir}: train in a clone of the repository, or pass --no-fonts`,
    );
  }
  const expected = await readExpectedChecksums(path.join(dir, 'checksums'));
  const checksums: Record<string, string> = {};
  const read = async (name: string): Promise<Uint8Array> => {
    const bytes = new Uint8Array(gunzipSync(await readFile(path.join(dir, `${name}.gz`))));
    const actual = sha256(bytes);
    if (expected[name] !== actual) {
      throw new DataError(
        'MNIST_CHECKSUM',
        `${name}.gz in ${dir} has SHA-256 ${actual}, expected ${expected[name] ?? '(none listed)'}: re-run scripts/render-font-digits.ts`,
      );
    }
    checksums[`font-digits/${name}`] = actual;
    return bytes;
  };
  const images = readIdxImages(await read(FONT_DIGIT_FILES.images), FONT_DIGIT_FILES.images);
  const labels = readIdxLabels(await read(FONT_DIGIT_FILES.labels), FONT_DIGIT_FILES.labels);
  return { data: toDataset(images.pixels, labels.labels), checksums };
}
