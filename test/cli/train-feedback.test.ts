import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/feedback/open-store.js';
import { loadModelFile, saveModelFile } from '../../src/node/model-file.js';
import { cli } from '../helpers/cli.js';
import { mnistTest, mnistTrain } from '../helpers/mnist-subset.js';
import { trainTinyModel } from '../helpers/tiny-model.js';

const dir = mkdtempSync(join(tmpdir(), 'mnist-train-fb-'));
const from = join(dir, 'tiny.json.gz');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await saveModelFile(trainTinyModel(300), from);
});

/** A SQLite store holding `count` accepted corrections: digits of `set`, labelled by `label`. */
async function storeWith(
  name: string,
  set: { images: Uint8Array; labels: Uint8Array },
  count: number,
  label: (truth: number) => number,
): Promise<string> {
  const file = join(dir, `${name}.sqlite`);
  const store = await openStore({ kind: 'sqlite', file });
  for (let k = 0; k < count; k++) {
    const id = await store.add({
      normalized: set.images.slice(k * 784, (k + 1) * 784),
      upload: null,
      filename: null,
      predicted: '',
      corrected: String(label(set.labels[k] as number)),
      modelSha256: null,
    });
    await store.accept(id);
  }
  // One pending correction, which must not be learnt.
  await store.add({
    normalized: new Uint8Array(784).fill(255),
    upload: null,
    filename: null,
    predicted: '',
    corrected: '1',
    modelSha256: null,
  });
  await store.close();
  return file;
}

describe('mnist-digits train --feedback', () => {
  it('adds the accepted corrections, checks the model on MNIST test and held-out ones, writes it and its card', async () => {
    const db = await storeWith('good', mnistTest(200), 100, (d) => d);
    const out = join(dir, 'grown.json.gz');
    const card = join(dir, 'CARD.md');
    const run = await cli('train', '--feedback', db, '--from', from, '--out', out, '--card', card);
    expect(run.stderr).toContain('100 accepted digits from 100 corrections: 80 to learn, 20 held out');
    expect(run.stderr).toMatch(/guard passed: MNIST test \d+\.\d\d% \(\d+\/10000\) -> .* held-out corrections/);
    expect(run.code).toBe(0);
    const { model } = await loadModelFile(out);
    const base = await loadModelFile(from);
    expect(model.supportVectorCount).toBe(base.model.supportVectorCount + 80);
    expect(model.training.feedback).toMatchObject({
      digits: 80,
      corrections: 100,
      heldOut: 20,
      baseModelSha256: base.sha256,
    });
    expect(model.evaluation?.count).toBe(10000);
    expect(readFileSync(card, 'utf8')).toContain(
      '- Corrections: 80 accepted digits (from 100 corrections; 20 more held out',
    );
  });

  it('refuses to write a model that forgets MNIST: non-zero exit, both accuracies in the message', async () => {
    // Training digits labelled one digit off: the warm start learns them and reads MNIST worse.
    const db = await storeWith('poisoned', mnistTrain(600), 300, (d) => (d + 1) % 10);
    const out = join(dir, 'refused.json.gz');
    const run = await cli('train', '--feedback', db, '--from', from, '--out', out, '--card', join(dir, 'R.md'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /refused: MNIST test accuracy dropped by \d+\.\d\d points, more than the 0\.05 allowed; MNIST test .* -> .*; held-out corrections/,
    );
    expect(run.stderr).toContain(`the model was not written to ${out}`);
    expect(existsSync(out)).toBe(false);
  });

  it('says so when there is nothing to learn, and asks for the store', async () => {
    const empty = await storeWith('empty', mnistTest(1), 0, (d) => d);
    const run = await cli('train', '--feedback', empty, '--from', from, '--out', join(dir, 'x.json.gz'));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('nothing to learn');
    expect((await cli('train', '--feedback', '', '--from', from)).code).toBe(2);
  });
});
