import { readFile } from 'node:fs/promises';
import { ImageError, imageToDigitInput } from '../../image/index.js';
import { nativeInflate } from '../../server/node/native-inflate.js';
import { predict } from '../../ml/predict.js';
import type { SvmModel } from '../../ml/model.js';
import { DEFAULT_MODEL_PATH, loadModelFile } from '../../node/model-file.js';
import { describeFlags, parseArgs, type FlagSpecs } from '../args.js';
import { UsageError, type Command } from '../command.js';

const FLAGS = {
  model: { kind: 'value', valueName: 'PATH', description: 'model file (default: the shipped model/model.bin)' },
  json: {
    kind: 'boolean',
    description: 'print one JSON document: [{ file, digit, confidence } | { file, error: { code, message } }]',
  },
  help: { kind: 'boolean', description: 'show this help' },
} satisfies FlagSpecs;

/** The answer for one file: a digit, or why there is none. */
export type FileResult =
  | { readonly file: string; readonly digit: number; readonly confidence: number }
  | { readonly file: string; readonly error: { readonly code: string; readonly message: string } };

/** What the command needs from the outside world; injected so tests run without a trained model. */
export interface PredictDependencies {
  readonly loadModel: (file: string) => Promise<SvmModel>;
  readonly readBytes: (file: string) => Promise<Uint8Array>;
  readonly classify: (model: SvmModel, pixels: Uint8Array) => { digit: number; confidence: number };
}

const DEFAULT_DEPENDENCIES: PredictDependencies = {
  loadModel: async (file) => (await loadModelFile(file)).model,
  readBytes: async (file) => new Uint8Array(await readFile(file)),
  classify: (model, pixels) => predict(model, pixels),
};

/**
 * Classifies each file; a file that cannot be read or decoded gets an error result, the others still run.
 * @param files image paths
 * @param model the model
 * @param deps I/O and classifier
 * @returns one result per file, in order
 */
export async function predictFiles(
  files: readonly string[],
  model: SvmModel,
  deps: PredictDependencies = DEFAULT_DEPENDENCIES,
): Promise<FileResult[]> {
  const results: FileResult[] = [];
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = await deps.readBytes(file);
    } catch (error) {
      results.push({
        file,
        error: { code: 'FILE_UNREADABLE', message: `cannot read ${file}: ${(error as Error).message}` },
      });
      continue;
    }
    try {
      const { pixels } = imageToDigitInput(bytes, undefined, { inflate: nativeInflate });
      const { digit, confidence } = deps.classify(model, pixels);
      results.push({ file, digit, confidence });
    } catch (error) {
      if (!(error instanceof ImageError)) throw error;
      results.push({ file, error: { code: error.code, message: error.message } });
    }
  }
  return results;
}

/**
 * Builds the `predict` command with the given dependencies (the real ones by default).
 * @param deps I/O and classifier
 * @returns the command
 */
export function createPredictCommand(deps: PredictDependencies = DEFAULT_DEPENDENCIES): Command {
  const command: Command = {
    name: 'predict',
    summary: 'classify PNG/JPEG images of digits: one line per file (name, digit, confidence)',
    help:
      'Usage: mnist-digits predict [options] <files...>\n\n' +
      'Decodes each PNG or JPEG, normalizes the digit into MNIST form and classifies it. Exits 1 when any file\n' +
      'cannot be read, decoded or has no digit (the other files are still classified).\n\n' +
      describeFlags(FLAGS),
    async run(args, io) {
      const { flags, positionals } = parseArgs(args, FLAGS);
      if (flags['help']) {
        io.stdout(`${command.help}\n`);
        return 0;
      }
      if (positionals.length === 0) throw new UsageError('predict needs at least one image file');
      const model = await deps.loadModel(flags['model'] ?? DEFAULT_MODEL_PATH);
      const results = await predictFiles(positionals, model, deps);
      if (flags['json']) {
        io.stdout(`${JSON.stringify(results)}\n`);
      } else {
        for (const r of results) {
          // The path as given, like the errors and --json: two files of one name in different folders stay apart.
          if ('error' in r) io.stderr(`${r.file}: error [${r.error.code}]: ${r.error.message}\n`);
          else io.stdout(`${r.file}\t${r.digit}\t${r.confidence.toFixed(3)}\n`);
        }
      }
      return results.some((r) => 'error' in r) ? 1 : 0;
    },
  };
  return command;
}

/** `mnist-digits predict <files...>`: classify image files with the shipped (or given) model. */
export const predictCommand: Command = createPredictCommand();
