import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { TRAIN_FLAGS, trainCommand, trainingOptionsFromFlags } from '../../src/cli/commands/train.js';
import {
  DEFAULT_C,
  DEFAULT_CACHE_MB,
  DEFAULT_PEN_VARIANTS,
  DEFAULT_SECOND_STAGE,
  DEFAULT_VIRTUAL_C,
  DEFAULT_VIRTUAL_SHIFTS,
  defaultTemperature,
  resolveTrainingPlan,
} from '../../src/training/defaults.js';
import { DEFAULT_PEN_CACHE_DIR } from '../../src/training/pen-cache.js';
import type { TrainingPlan } from '../../src/training/plan.js';

/** The plan `npm run train -- ...args` trains, through the CLI's own flag table and option builder. */
function cliPlan(...args: string[]): TrainingPlan {
  return resolveTrainingPlan(trainingOptionsFromFlags(parseArgs(args, TRAIN_FLAGS).flags, args));
}

describe('the shipped training configuration', () => {
  it('is what resolveTrainingPlan gives with no options: pen variants, printed digits, a second stage', () => {
    const plan = resolveTrainingPlan();
    expect(plan).toEqual({
      source: {},
      trainSize: 60000,
      validationSize: 0,
      C: DEFAULT_C,
      gamma: { kind: 'scale', multiplier: 1 },
      coef0: 0,
      degree: 4,
      tolerance: 1e-3,
      shrinking: true,
      seed: 1,
      threads: os.availableParallelism(),
      cacheBytes: DEFAULT_CACHE_MB * 1024 * 1024,
      evaluateTest: true,
      penVariants: DEFAULT_PEN_VARIANTS,
      fontDigits: true,
      virtualShifts: DEFAULT_VIRTUAL_SHIFTS,
      virtualC: DEFAULT_VIRTUAL_C,
      secondStage: DEFAULT_SECOND_STAGE,
      temperature: defaultTemperature(true),
      penCacheDir: DEFAULT_PEN_CACHE_DIR,
      command: 'npm run train',
    });
    expect([plan.penVariants, plan.virtualShifts, plan.virtualC, plan.C]).toEqual([60000, 4, 3, 10]);
  });

  it('lets every option override its default, and `secondStage: false` ship the virtual-SV fit alone', () => {
    const plan = resolveTrainingPlan({ fontDigits: false, secondStage: false, trainSize: 500, seed: 7 });
    expect(plan.secondStage).toBeUndefined();
    expect(plan.temperature).toEqual(defaultTemperature(false));
    expect(plan.temperature?.temperature).not.toBe(defaultTemperature(true).temperature);
    expect([plan.trainSize, plan.seed, plan.fontDigits]).toEqual([500, 7, false]);
    const routing = { gap: 1, temperature: 0.5, fittedOn: 'a test' };
    expect(resolveTrainingPlan({ secondStage: routing }).secondStage).toEqual(routing);
  });

  it('is what `npm run train` trains: the CLI with no flags resolves to the same plan', () => {
    expect(cliPlan()).toEqual(resolveTrainingPlan());
  });

  it('maps each CLI flag onto one option, the old --virtual-sv onto --virtual-shifts', () => {
    const plan = cliPlan('--no-fonts', '--no-second-stage', '--pen-variants', '0', '--cache-mb', '64');
    expect(plan).toEqual(
      resolveTrainingPlan({
        fontDigits: false,
        secondStage: false,
        penVariants: 0,
        cacheBytes: 64 * 1024 * 1024,
        command: 'npm run train -- --no-fonts --no-second-stage --pen-variants 0 --cache-mb 64',
      }),
    );
    const { command: _a, ...shifts } = cliPlan('--virtual-shifts', '8');
    const { command: _b, ...old } = cliPlan('--virtual-sv', '8');
    expect(old).toEqual(shifts);
    expect(shifts.virtualShifts).toBe(8);
    const off = cliPlan('--no-test', '--no-shrinking', '--no-pen-cache');
    expect([off.evaluateTest, off.shrinking, off.penCacheDir]).toEqual([false, false, null]);
  });

  it('says in --help that the second stage is on by default', () => {
    expect(trainCommand.help).toMatch(
      /--virtual-shifts <0\|4\|8> +virtual support vectors: .*shipped as the second stage \(default 4; 0 = one stage/,
    );
    expect(trainCommand.help).not.toMatch(/no second stage\)/);
    expect(trainCommand.help).toMatch(/--second-stage +.*default on/);
  });
});
