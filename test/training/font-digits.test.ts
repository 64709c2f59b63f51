import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FONT_DIGIT_FILES, FONT_DIGITS_DIR, loadFontDigits } from '../../src/training/font-digits.js';

describe('the committed printed-digit training set', () => {
  it('loads with its checksums verified: every digit equally often, 28x28 digits with ink', async () => {
    const { data, checksums } = await loadFontDigits();
    expect(data.count).toBeGreaterThanOrEqual(1000);
    const perDigit = Array.from({ length: 10 }, (_, d) => data.labels.filter((l) => l === d).length);
    expect(new Set(perDigit).size).toBe(1);
    for (let k = 0; k < data.count; k++) {
      let ink = 0;
      for (let p = 0; p < 784; p++) if ((data.images[k * 784 + p] as number) > 128) ink++;
      expect(ink).toBeGreaterThan(10);
    }
    expect(Object.keys(checksums).sort()).toEqual([
      `font-digits/${FONT_DIGIT_FILES.images}`,
      `font-digits/${FONT_DIGIT_FILES.labels}`,
    ]);
  });

  it('says where it looked and what to do when the set is missing (an npm install has none)', async () => {
    await expect(loadFontDigits(path.join(os.tmpdir(), 'no-such-font-digits'))).rejects.toMatchObject({
      code: 'MNIST_NOT_FOUND',
      message: expect.stringMatching(
        /printed-digit set not found in .*no-such-font-digits: train in a clone .* or pass --no-fonts/,
      ),
    });
  });

  it('refuses a file that is not the one the render script wrote', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'font-digits-'));
    try {
      await copyFile(path.join(FONT_DIGITS_DIR, 'checksums'), path.join(dir, 'checksums'));
      await copyFile(
        path.join(FONT_DIGITS_DIR, `${FONT_DIGIT_FILES.images}.gz`),
        path.join(dir, `${FONT_DIGIT_FILES.images}.gz`),
      );
      const labels = gunzipSync(await readFile(path.join(FONT_DIGITS_DIR, `${FONT_DIGIT_FILES.labels}.gz`)));
      labels[8] = (labels[8]! + 1) % 10; // the first label, after the 8-byte IDX header
      await writeFile(path.join(dir, `${FONT_DIGIT_FILES.labels}.gz`), gzipSync(labels));
      await expect(loadFontDigits(dir)).rejects.toMatchObject({
        code: 'MNIST_CHECKSUM',
        message: expect.stringMatching(/labels-idx1-ubyte\.gz .* has SHA-256/),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
