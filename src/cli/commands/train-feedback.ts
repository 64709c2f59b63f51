import os from 'node:os';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { openStore, resolveStoreLocation } from '../../feedback/open-store.js';
import { evaluateModel } from '../../ml/evaluate.js';
import { withModelRecords, type ModelEvaluation, type SvmModel } from '../../ml/model.js';
import { createModelEngine, type EngineChoice } from '../../node/kernel-wasm.js';
import { DEFAULT_MODEL_PATH, loadModelFile, saveModelFile } from '../../node/model-file.js';
import { DEFAULT_HELD_OUT_EVERY, guardVerdict, splitHeldOut } from '../../training/feedback-guard.js';
import { loadMnist } from '../../training/mnist-data.js';
import { solveOnThreads } from '../../training/warm-threads.js';
import { warmTrain, type LabelledDigits } from '../../training/warm-train.js';
import { describeFlags, numberIn, parseArgs, type FlagSpecs } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { renderModelCard } from '../model-card.js';

/**
 * Row cache of one warm-start problem: the largest (the shipped model's second stage for digit 9: 12,738 support
 * vectors plus the new rows) holds its whole kernel matrix in about 700 MB, so most problems never recompute a row.
 */
const DEFAULT_WARM_CACHE_MB = 800;

const engineChoice = (raw: string, flag: string): EngineChoice => {
  if (raw === 'auto' || raw === 'js' || raw === 'wasm-simd') return raw;
  throw new UsageError(`${flag} must be auto, js or wasm-simd, got '${raw}'`);
};

const FLAGS = {
  feedback: {
    kind: 'value',
    valueName: 'FILE|URL',
    description: 'the corrections store: a SQLite file or a postgres:// URL (its accepted corrections are added)',
  },
  from: {
    kind: 'value',
    valueName: 'PATH',
    description: 'the trained model to start from (default model/model.bin)',
  },
  out: { kind: 'value', valueName: 'PATH', description: 'where to write the model (default model/model.bin)' },
  card: {
    kind: 'value',
    valueName: 'PATH',
    description: 'where to write the model card (default MODEL_CARD.md beside the model)',
  },
  'held-out-every': {
    kind: 'value',
    valueName: 'N',
    description: `hold every N-th accepted digit out to check the new model on (default ${DEFAULT_HELD_OUT_EVERY}; 0 = none)`,
    parse: numberIn(0, 1000, true),
  },
  tolerance: {
    kind: 'value',
    valueName: 'EPS',
    description: 'KKT stopping tolerance (default: the model’s own)',
    parse: numberIn(1e-9, 1),
  },
  'cache-mb': {
    kind: 'value',
    valueName: 'MB',
    description: `kernel-row cache of each problem, one problem per thread at a time (default ${DEFAULT_WARM_CACHE_MB})`,
    parse: numberIn(1, 1 << 20, true),
  },
  threads: {
    kind: 'value',
    valueName: 'T',
    description: `threads solving the problems (default: cores = ${os.availableParallelism()})`,
    parse: numberIn(1, 64, true),
  },
  engine: {
    kind: 'value',
    valueName: 'auto|js|wasm-simd',
    description: 'kernel engine (default auto); the model is the same',
    parse: engineChoice,
  },
  'data-dir': {
    kind: 'value',
    valueName: 'DIR',
    description: 'directory with the MNIST files (else MNIST_DIR, else mnist-data)',
  },
  help: { kind: 'boolean', description: 'show this help' },
} satisfies FlagSpecs;

async function evaluate(model: SvmModel, digits: LabelledDigits, dataset: string): Promise<ModelEvaluation> {
  return evaluateModel(model, digits.pixels, digits.labels, dataset, await createModelEngine(model));
}

/** `mnist-digits train --feedback ...`: the accepted corrections added to a trained model by a warm start. */
export const trainFeedbackCommand: Command = {
  name: 'train --feedback',
  summary: 'add the accepted corrections to a trained model by warm-starting SMO, guarded by MNIST test accuracy',
  help:
    'Usage: mnist-digits train --feedback <sqlite file or postgres url> [--from model/model.bin] [options]\n\n' +
    'Adds the accepted corrections (and their one-pixel moves in the second stage) to the model, starting SMO from\n' +
    'its own coefficients, and writes it only if MNIST test accuracy drops by at most 0.05 points.\n\n' +
    describeFlags(FLAGS),
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, FLAGS);
    if (flags['help']) {
      io.stdout(`${this.help}\n`);
      return 0;
    }
    if (positionals.length > 0)
      throw new UsageError(`train --feedback takes no positional arguments, got '${positionals.join(' ')}'`);
    const target = flags['feedback'];
    if (target === undefined || target === '') throw new UsageError('--feedback needs a SQLite file or a postgres URL');
    const from = flags['from'] ?? DEFAULT_MODEL_PATH;
    const out = flags['out'] ?? DEFAULT_MODEL_PATH;
    const card = flags['card'] ?? path.join(path.dirname(out), 'MODEL_CARD.md');
    const log = (line: string): void => io.stderr(`${line}\n`);

    const store = await openStore(resolveStoreLocation(target, process.env));
    const accepted = await store.export().finally(() => store.close());
    const base = await loadModelFile(from);
    const { train, heldOut } = splitHeldOut(accepted, flags['held-out-every'] ?? DEFAULT_HELD_OUT_EVERY);
    log(
      `${accepted.count} accepted digits from ${accepted.corrections} corrections: ${train.count} to learn, ${heldOut.count} held out`,
    );
    if (train.count === 0) {
      io.stderr(
        'nothing to learn: the store has no accepted corrections to train on (mnist-digits feedback accept ID)\n',
      );
      return 1;
    }
    const threads = flags['threads'] ?? os.availableParallelism();
    const solve = solveOnThreads(threads, (flags['cache-mb'] ?? DEFAULT_WARM_CACHE_MB) * 1024 * 1024, flags['engine']);
    const cpuBefore = process.cpuUsage();
    const result = await warmTrain(base.model, train, {
      solve,
      ...(flags['tolerance'] === undefined ? {} : { tolerance: flags['tolerance'] }),
      record: {
        corrections: accepted.corrections,
        heldOut: heldOut.count,
        baseModelSha256: base.sha256,
        command: `mnist-digits train ${args.join(' ')}`,
      },
      log,
    });
    const cpu = process.cpuUsage(cpuBefore);
    log(
      `warm start: ${result.added} digits added (${result.skipped} already support vectors) in ${result.seconds.toFixed(1)} s ` +
        `on ${threads} threads (${((cpu.user + cpu.system) / 1e6).toFixed(1)} s of CPU)`,
    );

    const mnist = await loadMnist(flags['data-dir'] === undefined ? {} : { dataDir: flags['data-dir'] });
    const testName = `MNIST test set (${mnist.test.count.toLocaleString('en-US')} images)`;
    const test: LabelledDigits = { count: mnist.test.count, pixels: mnist.test.images, labels: mnist.test.labels };
    const mnistBefore = await evaluate(base.model, test, testName);
    const mnistAfter = await evaluate(result.model, test, testName);
    const held =
      heldOut.count === 0
        ? null
        : {
            before: await evaluate(base.model, heldOut, 'held-out corrections'),
            after: await evaluate(result.model, heldOut, 'held-out corrections'),
          };
    const verdict = guardVerdict({ before: mnistBefore, after: mnistAfter }, held);
    log(verdict.message);
    if (!verdict.accept) {
      io.stderr(`the model was not written to ${out}\n`);
      return 1;
    }
    const model = withModelRecords(result.model, { evaluation: mnistAfter });
    await saveModelFile(model, out);
    log(`model written to ${out}`);
    await writeFile(card, renderModelCard(model));
    log(`model card written to ${card}`);
    return 0;
  },
};
