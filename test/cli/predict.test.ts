import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPredictCommand, predictCommand, type PredictDependencies } from '../../src/cli/commands/predict.js';
import type { SvmModel } from '../../src/ml/model.js';
import { encodeGrayPng } from '../../src/image/index.js';
import { readFile } from 'node:fs/promises';

/** A fake model: the classifier reports the number of ink pixels mod 10, so the digit depends on the picture. */
const fakeModel = { format: 1 } as unknown as SvmModel;
const deps: PredictDependencies = {
  loadModel: async () => fakeModel,
  readBytes: async (file) => new Uint8Array(await readFile(file)),
  classify: (_model, pixels) => ({ digit: pixels.filter((v) => v > 0).length % 10, confidence: 0.5 }),
};

function capture(): {
  io: { stdout: (t: string) => void; stderr: (t: string) => void };
  out: () => string;
  err: () => string;
} {
  let out = '';
  let err = '';
  return { io: { stdout: (t) => (out += t), stderr: (t) => (err += t) }, out: () => out, err: () => err };
}

async function fixtures(): Promise<{ dir: string; digit: string; gif: string; blank: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'predict-'));
  const pixels = new Uint8Array(784);
  for (let y = 6; y < 22; y++) for (let x = 12; x < 16; x++) pixels[y * 28 + x] = 255;
  const digit = path.join(dir, 'one.png');
  await writeFile(digit, encodeGrayPng(pixels, 28, 28));
  const gif = path.join(dir, 'anim.png'); // a GIF with a .png name: the format comes from the bytes
  await writeFile(gif, new TextEncoder().encode('GIF89a\x01\x00\x01\x00'));
  const blank = path.join(dir, 'blank.png');
  await writeFile(blank, encodeGrayPng(new Uint8Array(784).fill(255), 28, 28));
  return { dir, digit, gif, blank };
}

/** The path as a literal inside a RegExp. */
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('predict command', () => {
  it('prints one line per file: name, digit, confidence', async () => {
    const { digit } = await fixtures();
    const c = capture();
    expect(await createPredictCommand(deps).run([digit], c.io)).toBe(0);
    expect(c.out()).toMatch(new RegExp(`^${escapeRegExp(digit)}\t\\d\t0\\.500\n$`));
  });

  it('keeps going past bad files, names each problem, and exits 1', async () => {
    const { dir, digit, gif, blank } = await fixtures();
    const c = capture();
    const missing = path.join(dir, 'missing.jpg');
    expect(await createPredictCommand(deps).run([gif, digit, missing, blank], c.io)).toBe(1);
    expect(c.out()).toMatch(new RegExp(`^${escapeRegExp(digit)}\t`));
    expect(c.err()).toMatch(
      /anim\.png: error \[UNSUPPORTED_FORMAT\]: GIF images are not supported; supported formats: PNG, JPEG/,
    );
    expect(c.err()).toMatch(/missing\.jpg: error \[FILE_UNREADABLE\]/);
    expect(c.err()).toMatch(/blank\.png: error \[NO_DIGIT_FOUND\]/);
  });

  it('--json prints one machine-readable document with results and errors in order', async () => {
    const { digit, gif } = await fixtures();
    const c = capture();
    expect(await createPredictCommand(deps).run(['--json', digit, gif], c.io)).toBe(1);
    const parsed = JSON.parse(c.out()) as { file: string; digit?: number; error?: { code: string } }[];
    expect(parsed).toHaveLength(2);
    expect(parsed[0]).toMatchObject({ file: digit, confidence: 0.5 });
    expect(typeof parsed[0]!.digit).toBe('number');
    expect(parsed[1]).toMatchObject({ file: gif, error: { code: 'UNSUPPORTED_FORMAT' } });
  });

  it('passes --model to the loader', async () => {
    const { digit } = await fixtures();
    const seen: string[] = [];
    const c = capture();
    await createPredictCommand({ ...deps, loadModel: async (file) => (seen.push(file), fakeModel) }).run(
      ['--model', '/x/m.json', digit],
      c.io,
    );
    expect(seen).toEqual(['/x/m.json']);
  });

  it('--help describes usage and flags; no files is a usage error', async () => {
    const c = capture();
    expect(await predictCommand.run(['--help'], c.io)).toBe(0);
    expect(c.out()).toMatch(/predict \[options\] <files\.\.\.>/);
    expect(c.out()).toMatch(/--json/);
    expect(c.out()).toMatch(/--model <PATH>/);
    await expect(predictCommand.run([], c.io)).rejects.toThrow(/at least one image/);
  });
});
