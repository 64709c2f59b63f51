/**
 * The reader's two networks read the model's first-stage decision values among their inputs, so they are fitted for
 * one model: a model retrained without refitting them would feed them values they never saw. Each weights file
 * names the model file it was fitted against (written by scripts/fit-digit-or-not.ts and fit-one-digit.ts); it must
 * be the one the package ships.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const shipped = createHash('sha256')
  .update(readFileSync(path.join(REPO, 'model', 'model.bin')))
  .digest('hex');

describe("the reader's network weights", () => {
  for (const file of ['src/read/digit-or-not-weights.ts', 'src/read/one-digit-weights.ts']) {
    it(`${file} was fitted for the shipped model file`, () => {
      const header = readFileSync(path.join(REPO, file), 'utf8').slice(0, 2000);
      const named = /for the model with SHA-256\s+\*\s+([0-9a-f]{64})/.exec(header)?.[1];
      expect(named).toBe(shipped);
    });
  }
});
