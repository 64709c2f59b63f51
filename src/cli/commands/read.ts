import { readFile } from 'node:fs/promises';
import type { SvmModel } from '../../ml/model.js';
import { createModelEngine } from '../../node/kernel-wasm.js';
import { DEFAULT_MODEL_PATH, loadModelFile } from '../../node/model-file.js';
import { readImage } from '../../read/index.js';
import { nativeInflate } from '../../server/node/native-inflate.js';
import type { Box, Reading } from '../../read/types.js';
import { describeFlags, parseArgs, type FlagSpecs } from '../args.js';
import { UsageError, type Command } from '../command.js';

const FLAGS = {
  model: { kind: 'value', valueName: 'PATH', description: 'model file (default: the shipped model/model.bin)' },
  json: {
    kind: 'boolean',
    description:
      'print one JSON document: [{ file, text, confidence, digits, skipped } | { file, error: { code, message } }]',
  },
  help: { kind: 'boolean', description: 'show this help' },
} satisfies FlagSpecs;

/** One digit of a file's reading, as the command prints it (the 28x28 picture and the scores left out). */
export interface FileDigit {
  readonly digit: number;
  readonly confidence: number;
  readonly runnerUp: { readonly digit: number; readonly confidence: number };
  readonly box: Box;
}

/** The answer for one file: its reading, or why there is none. */
export type FileReading =
  | {
      readonly file: string;
      readonly text: string;
      readonly confidence: number;
      readonly digits: readonly FileDigit[];
      readonly skipped: Reading['skipped'];
    }
  | { readonly file: string; readonly error: { readonly code: string; readonly message: string } };

/** What the command needs from the outside world; injected so tests can run without the shipped model. */
export interface ReadDependencies {
  readonly loadModel: (file: string) => Promise<SvmModel>;
  readonly readBytes: (file: string) => Promise<Uint8Array>;
  /** Makes the reader for a model (the WebAssembly SIMD engine where it runs). */
  readonly reader: (model: SvmModel) => Promise<(bytes: Uint8Array) => Reading>;
}

const DEFAULT_DEPENDENCIES: ReadDependencies = {
  loadModel: async (file) => (await loadModelFile(file)).model,
  readBytes: async (file) => new Uint8Array(await readFile(file)),
  reader: async (model) => {
    const engine = await createModelEngine(model);
    // PNG data inflated by node:zlib, as the server's workers do (a 3-megapixel PNG decodes about a quarter faster).
    return (bytes) => readImage(bytes, model, engine, { inflate: nativeInflate });
  },
};

/** A thrown value's `code`, for the typed errors of src/image and src/read; undefined for anything else. */
function codeOf(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/**
 * Reads each file; a file that cannot be read, decoded or holds no digit gets an error result, the others run.
 * @param files - Image paths.
 * @param read - Reads one picture's bytes.
 * @param readBytes - Reads a file.
 * @returns One result per file, in order.
 */
export async function readFiles(
  files: readonly string[],
  read: (bytes: Uint8Array) => Reading,
  readBytes: ReadDependencies['readBytes'],
): Promise<FileReading[]> {
  const results: FileReading[] = [];
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = await readBytes(file);
    } catch (error) {
      const message = `cannot read ${file}: ${(error as Error).message}`;
      results.push({ file, error: { code: 'FILE_UNREADABLE', message } });
      continue;
    }
    try {
      const reading = read(bytes);
      results.push({
        file,
        text: reading.text,
        confidence: reading.confidence,
        digits: reading.digits.map((d) => ({
          digit: d.digit,
          confidence: d.confidence,
          runnerUp: d.runnerUp,
          box: d.box,
        })),
        skipped: reading.skipped,
      });
    } catch (error) {
      const code = codeOf(error);
      if (code === undefined) throw error;
      results.push({ file, error: { code, message: (error as Error).message } });
    }
  }
  return results;
}

/**
 * Builds the `read` command with the given dependencies (the real ones by default).
 * @param deps - I/O and the reader.
 * @returns The command.
 */
export function createReadCommand(deps: ReadDependencies = DEFAULT_DEPENDENCIES): Command {
  const command: Command = {
    name: 'read',
    summary: 'read whole numbers in PNG/JPEG images: one line per file (name, number, confidence)',
    help:
      'Usage: mnist-digits read [options] <files...>\n\n' +
      'Finds every digit in each PNG or JPEG and reads them left to right (a meter reading, a year, a price).\n' +
      'Prints one line per file: the path, the number and the probability that the whole reading is right.\n' +
      'Exits 1 when any file cannot be read, decoded or holds no digit (the other files are still read).\n\n' +
      describeFlags(FLAGS),
    async run(args, io) {
      const { flags, positionals } = parseArgs(args, FLAGS);
      if (flags['help']) {
        io.stdout(`${command.help}\n`);
        return 0;
      }
      if (positionals.length === 0) throw new UsageError('read needs at least one image file');
      const model = await deps.loadModel(flags['model'] ?? DEFAULT_MODEL_PATH);
      const results = await readFiles(positionals, await deps.reader(model), deps.readBytes);
      if (flags['json']) {
        io.stdout(`${JSON.stringify(results)}\n`);
      } else {
        for (const r of results) {
          if ('error' in r) io.stderr(`${r.file}: error [${r.error.code}]: ${r.error.message}\n`);
          else io.stdout(`${r.file}\t${r.text}\t${r.confidence.toFixed(3)}\n`);
        }
      }
      return results.some((r) => 'error' in r) ? 1 : 0;
    },
  };
  return command;
}

/** `mnist-digits read <files...>`: read the numbers in image files with the shipped (or given) model. */
export const readCommand: Command = createReadCommand();
