import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGrayPng } from '../../src/image/index.js';
import type { FileReading } from '../../src/cli/commands/read.js';
import { cli } from '../helpers/cli.js';
import { numberPicture, type NumberPicture } from '../helpers/numbers.js';

/**
 * `mnist-digits read` end to end with the shipped model: a picture of a number written with MNIST test digits
 * (writers the model never saw), and files it must refuse with a clear message.
 */

let dir: string;
let number: NumberPicture;
let files: { number: string; blank: string; gif: string; missing: string };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'read-cli-'));
  // MNIST test #0, #1, #2, #3 are 7, 2, 1, 0.
  number = numberPicture([0, 1, 2, 3], { gap: 16 });
  files = {
    number: path.join(dir, 'number.png'),
    blank: path.join(dir, 'blank.png'),
    gif: path.join(dir, 'anim.png'),
    missing: path.join(dir, 'missing.png'),
  };
  await writeFile(files.number, number.png);
  await writeFile(files.blank, encodeGrayPng(new Uint8Array(60 * 40).fill(255), 60, 40));
  await writeFile(files.gif, new TextEncoder().encode('GIF89a\x01\x00\x01\x00'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('mnist-digits read', () => {
  it('prints one line per file: the path, the number and its confidence', async () => {
    expect(number.text).toBe('7210');
    const run = await cli('read', files.number);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const [file, text, confidence] = run.stdout.trimEnd().split('\t');
    expect([file, text]).toEqual([files.number, '7210']);
    expect(Number(confidence)).toBeGreaterThan(0.5);
    expect(Number(confidence)).toBeLessThanOrEqual(1);
  });

  it('--json gives each digit with its confidence, runner-up and box, left to right', async () => {
    const run = await cli('read', '--json', files.number);
    expect(run.code).toBe(0);
    const [reading] = JSON.parse(run.stdout) as FileReading[];
    if (reading === undefined || 'error' in reading) throw new Error(`no reading: ${run.stdout}`);
    expect(reading.digits.map((d) => d.digit).join('')).toBe('7210');
    const xs = reading.digits.map((d) => d.box.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    for (const d of reading.digits) {
      expect(d.box.x + d.box.width).toBeLessThanOrEqual(number.width);
      expect(d.box.y + d.box.height).toBeLessThanOrEqual(number.height);
      expect(d.runnerUp.digit).not.toBe(d.digit);
      expect(d.runnerUp.confidence).toBeLessThanOrEqual(d.confidence);
    }
  });

  it('names each unreadable file with its reason, still reads the others, and exits 1', async () => {
    const run = await cli('read', files.gif, files.number, files.missing, files.blank);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(`${files.number}\t7210\t${run.stdout.split('\t')[2]}`);
    expect(run.stderr).toContain(`${files.gif}: error [UNSUPPORTED_FORMAT]: GIF images are not supported`);
    expect(run.stderr).toContain(`${files.missing}: error [FILE_UNREADABLE]: cannot read ${files.missing}`);
    expect(run.stderr).toContain(`${files.blank}: error [NO_DIGIT_FOUND]`);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('without a file is a usage error (exit 2)', async () => {
    const run = await cli('read');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('read needs at least one image file');
  });
});
