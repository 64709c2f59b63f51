import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../../src/node/model-file.js';
import { cli } from '../helpers/cli.js';

describe('mnist-digits train / evaluate', () => {
  it('lists the commands and refuses an unknown one', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/train .*\n.*evaluate/s);
    const bad = await cli('fly');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown command 'fly'/);
  });

  it('refuses unknown flags and bad values, saying what is accepted', async () => {
    const unknown = await cli('train', '--epochs', '3');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--epochs'; accepted: --train-size/);
    const bad = await cli('train', '--C', 'big');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--C must be a number from 0.000001 to 1000000, got 'big'/);
    const size = await cli('train', '--train-size', '12.5');
    expect(size.stderr).toMatch(/--train-size must be an integer/);
    const both = await cli('train', '--fonts', '--no-fonts');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--fonts and --no-fonts contradict each other/);
    const shifts = await cli('train', '--virtual-shifts', '2');
    expect(shifts.stderr).toMatch(/--virtual-shifts must be 0, 4 or 8, got '2'/);
    const old = await cli('train', '--virtual-sv', '2');
    expect(old.stderr).toMatch(/--virtual-sv must be 0, 4 or 8, got '2'/);
    const alone = await cli('train', '--virtual-sv', '0', '--second-stage');
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--second-stage needs --virtual-shifts 4 or 8/);
    const twoNames = await cli('train', '--virtual-shifts', '4', '--virtual-sv', '8');
    expect(twoNames.code).toBe(2);
    expect(twoNames.stderr).toMatch(/--virtual-shifts and --virtual-sv \(its old name\) contradict each other/);
    const missing = await cli('train', '--out');
    expect(missing.stderr).toMatch(/'--out' needs a value/);
  });

  it('trains a small model with a held-out validation split, writes the model and its card, and evaluates it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'train-cli-'));
    const out = path.join(dir, 'model.json.gz');
    const run = await cli(
      'train',
      '--train-size',
      '400',
      '--validation',
      '200',
      '--threads',
      '2',
      '--out',
      out,
      '--no-test',
      '--seed',
      '3',
    );
    expect(run.stderr).toMatch(/digit \d done: \d+ iterations, \d+ support vectors/);
    expect(run.stderr).toMatch(/validation accuracy \d+\.\d\d%/);
    expect(run.code).toBe(0);
    const { model } = await loadModelFile(out);
    expect(model.training.trainSize).toBe(400);
    // The default pen variants are capped at one per training image.
    expect(run.stderr).toMatch(/pen variants: \d+ \(\d+ thicker, \d+ thinner, \d+ fine; \d+ left no ink\)/);
    expect(model.training.penVariants?.count).toBeGreaterThan(350);
    expect(model.training.penVariants?.count).toBeLessThanOrEqual(400);
    expect(model.training.seed).toBe(3);
    expect(model.calibration.fittedOn).toMatch(/validation split of 200/);
    const card = await readFile(path.join(dir, 'MODEL_CARD.md'), 'utf8');
    expect(card).toContain('npm run train -- --train-size 400 --validation 200');
    expect(card).toMatch(/Training images \| 400 MNIST \+ \d+ pen variants/);
    expect(card).toMatch(/\d+ with a fine pen along their skeleton \(0\.6-1\.3 px wide\)/);
    expect(model.training.penVariants?.fine).toBeGreaterThan(80);

    const evaluation = await cli('evaluate', '--model', out, '--json');
    expect(evaluation.code).toBe(0);
    const result = JSON.parse(evaluation.stdout) as { accuracy: number; count: number; confusion: number[][] };
    expect(result.count).toBe(10000);
    expect(result.accuracy).toBeGreaterThan(0.85);
    expect(result.confusion.flat().reduce((a, b) => a + b, 0)).toBe(10000);
  });

  it('trains on MNIST alone with --pen-variants 0 --no-fonts', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'train-cli-'));
    const out = path.join(dir, 'model.json.gz');
    const run = await cli(
      'train',
      '--train-size',
      '200',
      '--pen-variants',
      '0',
      '--no-fonts',
      '--threads',
      '1',
      '--out',
      out,
      '--no-test',
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/training 200 images \+ 0 pen variants/);
    const { model } = await loadModelFile(out);
    expect(model.training.penVariants).toBeUndefined();
    expect(await readFile(path.join(dir, 'MODEL_CARD.md'), 'utf8')).toMatch(/Training images \| 200 \|/);
  });

  it('adds the printed digits and retrains on virtual support vectors, recording each stage in the model and card', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'train-cli-'));
    const out = path.join(dir, 'model.json.gz');
    const args = [
      '--train-size',
      '300',
      '--validation',
      '300',
      '--pen-variants',
      '0',
      '--threads',
      '2',
      '--out',
      out,
      '--no-test',
    ];
    const run = await cli(
      'train',
      ...args,
      ...['--fonts', '--virtual-shifts', '4', '--virtual-sources', '200', '--no-second-stage'],
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/training 300 images \+ 0 pen variants \+ \d+ printed digits/);
    const vsv =
      /virtual support vectors: the (\d+) support vectors and 4 one-pixel shifts of 200 of them, (\d+) rows/.exec(
        run.stderr,
      );
    expect(vsv).not.toBeNull();
    const [firstSvs, rows] = [Number(vsv?.[1]), Number(vsv?.[2])];
    expect(rows).toBe(firstSvs + 800);
    const { model } = await loadModelFile(out);
    expect(model.training.fontDigits).toBeGreaterThanOrEqual(1000);
    expect(model.training.virtualSupportVectors).toEqual({ shifts: 4, sources: 200, rows, C: 3 });
    expect(model.training.C).toBe(10);
    const stages = model.training.stages ?? [];
    expect(stages.map((s) => s.rows)).toEqual([300 + (model.training.fontDigits ?? 0), rows]);
    expect(stages[0]?.supportVectors).toBe(firstSvs);
    expect(stages[1]?.supportVectors).toBe(model.supportVectorCount);
    for (const stage of stages) expect(stage.validationAccuracy).toBeGreaterThan(0.5);
    expect(model.training.dataChecksums).toHaveProperty(['font-digits/images-idx3-ubyte']);
    const card = await readFile(path.join(dir, 'MODEL_CARD.md'), 'utf8');
    expect(card).toMatch(
      /## Training stages\n\n\| stage \| training rows \| support vectors \| validation accuracy \| seconds \|/,
    );
    expect(card).toContain(
      `| support vectors + 4 one-pixel shifts of 200 of them | ${rows} | ${model.supportVectorCount} |`,
    );
    expect(card).toMatch(/Training images \| 300 MNIST \+ \d+ printed digits \|/);

    const plain = await cli('train', ...args, '--virtual-sv', '0', '--no-fonts');
    expect(plain.code).toBe(0);
    const { model: one } = await loadModelFile(out);
    expect(one.training.stages).toBeUndefined();
    expect(one.training.fontDigits).toBeUndefined();
    expect(one.training.trainSize).toBe(300);
  });

  it('keeps the first model and adds the virtual-SV model as its second stage, fitting the routing on validation', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'train-cli-'));
    const out = path.join(dir, 'model.json.gz');
    const run = await cli(
      'train',
      ...['--train-size', '300', '--validation', '300', '--pen-variants', '0', '--threads', '2', '--no-fonts'],
      ...['--out', out, '--no-test'],
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/\[routing\] gap 0\.00: validation [\d.]+%, 0\.00% read by the second stage/);
    const chosen = /\[routing\] gap ([\d.]+): second stage reads ([\d.]+)% of validation images/.exec(run.stderr);
    expect(chosen).not.toBeNull();
    const { model } = await loadModelFile(out);
    expect(model.format).toBe(2);
    const stages = model.training.stages ?? [];
    expect(model.supportVectorCount).toBe(stages[0]?.supportVectors);
    expect(model.secondStage?.slots.length).toBe(stages[1]?.supportVectors);
    expect(model.secondStage?.gap).toBe(Number(chosen?.[1]));
    expect(model.secondStage?.shifts).toHaveLength(5);
    expect(model.secondStage?.routing.fittedOn).toBe('validation split of 300 training images');
    const card = await readFile(path.join(dir, 'MODEL_CARD.md'), 'utf8');
    expect(card).toMatch(/- Two stages \(model format 2\): the first fit answers unless its two best decision values/);
    const evaluate = await cli('evaluate', '--model', out);
    expect(evaluate.code).toBe(0);
    expect(evaluate.stdout).toMatch(
      new RegExp(
        `second stage: ${model.secondStage?.slots.length} support vectors .* read (\\d+) of the 10000 test images`,
      ),
    );
  });

  it('says clearly when the model file is missing', async () => {
    const run = await cli('evaluate', '--model', '/nonexistent/model.json.gz');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error \[MODEL_NOT_FOUND\]: model file \/nonexistent\/model.json.gz does not exist/);
  });
});
