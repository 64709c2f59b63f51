import { writeFile } from 'node:fs/promises';
import { evaluateModel, formatConfusion, perDigitAccuracy } from '../../ml/evaluate.js';
import { withModelRecords } from '../../ml/model.js';
import { renderModelCard } from '../model-card.js';
import { createModelEngine } from '../../node/kernel-wasm.js';
import { loadMnist } from '../../training/mnist-data.js';
import { DEFAULT_MODEL_PATH, loadModelFile } from '../../node/model-file.js';
import { describeFlags, parseArgs, type FlagSpecs } from '../args.js';
import { UsageError, type Command } from '../command.js';

const FLAGS = {
  model: { kind: 'value', valueName: 'PATH', description: 'model file (default: the shipped model/model.bin)' },
  'data-dir': {
    kind: 'value',
    valueName: 'DIR',
    description: 'directory with the MNIST files (else MNIST_DIR, else mnist-data)',
  },
  json: { kind: 'boolean', description: 'print the result as JSON' },
  card: { kind: 'value', valueName: 'PATH', description: 'also rewrite the model card at PATH with this evaluation' },
  help: { kind: 'boolean', description: 'show this help' },
} satisfies FlagSpecs;

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'measure a model on the 10,000 MNIST test images: accuracy and confusion matrix',
  help: `Usage: mnist-digits evaluate [options]\n\n${describeFlags(FLAGS)}`,
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, FLAGS);
    if (flags['help']) {
      io.stdout(`${evaluateCommand.help}\n`);
      return 0;
    }
    if (positionals.length > 0)
      throw new UsageError(`evaluate takes no positional arguments, got '${positionals.join(' ')}'`);
    const modelPath = flags['model'] ?? DEFAULT_MODEL_PATH;
    const { model } = await loadModelFile(modelPath);
    const mnist = await loadMnist(flags['data-dir'] === undefined ? {} : { dataDir: flags['data-dir'] });
    const engine = await createModelEngine(model);
    const started = performance.now();
    const result = evaluateModel(model, mnist.test.images, mnist.test.labels, 'MNIST test set (10,000 images)', engine);
    const msPerImage = (performance.now() - started) / mnist.test.count;
    const second = model.secondStage;
    const perDigit = perDigitAccuracy(result.confusion);
    const card = flags['card'];
    if (card !== undefined) {
      await writeFile(card, renderModelCard(withModelRecords(model, { evaluation: result })));
      io.stderr(`model card written to ${card}\n`);
    }
    if (flags['json']) {
      io.stdout(`${JSON.stringify({ model: modelPath, ...result, perDigitAccuracy: perDigit, msPerImage })}\n`);
      return 0;
    }
    io.stdout(
      [
        `model: ${modelPath} (${model.supportVectorCount} support vectors)`,
        ...(second
          ? [
              `second stage: ${second.slots.length} support vectors (shifts of the first stage's), for images whose two best scores are under ${second.gap} apart: it read ${result.secondStageReads} of the ${mnist.test.count} test images`,
            ]
          : []),
        `accuracy: ${(result.accuracy * 100).toFixed(2)}% on ${result.count} test images (${msPerImage.toFixed(2)} ms per image, one thread, ${engine.backend} engine, batches of 64)`,
        `per digit: ${perDigit.map((a, d) => `${d}: ${(a * 100).toFixed(2)}%`).join(', ')}`,
        '',
        'confusion matrix (rows: true digit, columns: predicted):',
        formatConfusion(result.confusion),
        '',
      ].join('\n'),
    );
    return 0;
  },
};
