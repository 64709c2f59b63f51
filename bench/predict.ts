/**
 * Prediction benchmark of the kernel engine, one row per backend (JavaScript reference, WebAssembly SIMD), on the
 * shipped model and the 10,000 MNIST test images:
 * - single image, one thread: deskew + predict, median, mean and p99 over `--single` images, each timed alone (a
 *   two-stage model: the mean includes the images its second stage reads, whose own mean is a column too);
 * - the dot products alone: useful multiply-adds per image (non-zero pixels x support vectors) and the rate reached;
 * - throughput on all cores: worker threads sharing one copy of the model, batches of `--batch` images, as wall-clock
 *   images/s and as images per CPU-second times the thread count (robust to other jobs on the machine);
 * - all 10,000 predictions compared between backends, score for score, bit for bit, and the accuracy.
 *
 *   npm run bench:predict                 (tsx bench/predict.ts)
 *   options: --threads <n> (default: all cores), --batch <n> (32), --single <n> (2000), --model <path>,
 *   --backends <js,wasm-simd> (default: every backend that runs here; the first is the reference for bit-identity)
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { deskew } from '../src/ml/deskew.js';
import type { EngineBackend, ModelEngine } from '../src/ml/engine/types.js';
import { placeModel, wasmSimdAvailable } from '../src/ml/engine/wasm-engine.js';
import type { SvmModel } from '../src/ml/model.js';
import { evaluateModel } from '../src/ml/evaluate.js';
import { predict } from '../src/ml/predict.js';
import { createModelEngine } from '../src/node/kernel-wasm.js';
import { loadMnist } from '../src/training/mnist-data.js';
import { DEFAULT_MODEL_PATH, loadModelFile } from '../src/node/model-file.js';
import { spawnWorker } from '../src/node/spawn-worker.js';
import type { PredictBenchMessage, PredictBenchTask } from './predict-worker.js';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: String(availableParallelism()) },
    batch: { type: 'string', default: '32' },
    single: { type: 'string', default: '2000' },
    model: { type: 'string', default: DEFAULT_MODEL_PATH },
    backends: { type: 'string' },
  },
});
const threads = Number(values.threads);
const batch = Number(values.batch);
const singleCount = Number(values.single);

function cpuModel(): string {
  try {
    const line = execFileSync('lscpu', { encoding: 'utf8' })
      .split('\n')
      .find((l) => l.startsWith('Model name'));
    if (line) return line.replace(/^Model name:\s*/, '').trim();
  } catch {
    // lscpu is missing on some systems; os.cpus() says the same on Linux.
  }
  return cpus()[0]?.model.trim() ?? 'unknown CPU';
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

interface Row {
  backend: EngineBackend;
  medianMs: number;
  meanMs: number;
  secondStageMs: number;
  p99Ms: number;
  dotsMs: number;
  macPerSecond: number;
  imagesPerSecond: number;
  imagesPerCpuSecond: number;
  scores: Float64Array;
}

/** Each image timed alone, deskew included (predict does it), after a warm-up. */
function singleImage(
  model: SvmModel,
  engine: ModelEngine,
  images: Uint8Array,
  count: number,
): { median: number; mean: number; p99: number; secondStage: number } {
  const image = (k: number) => images.subarray(k * 784, (k + 1) * 784);
  for (let k = 0; k < 200; k++) predict(model, image(k), engine);
  const times: number[] = [];
  const secondStage: number[] = [];
  for (let k = 0; k < count; k++) {
    const t = performance.now();
    const { stage } = predict(model, image(k), engine);
    const ms = performance.now() - t;
    times.push(ms);
    if (stage === 2) secondStage.push(ms);
  }
  const mean = (v: number[]) => (v.length === 0 ? NaN : v.reduce((a, b) => a + b, 0) / v.length);
  const all = mean(times);
  times.sort((a, b) => a - b);
  return { median: quantile(times, 0.5), mean: all, p99: quantile(times, 0.99), secondStage: mean(secondStage) };
}

/** Median time of the dot products alone for one deskewed image. */
function dotsOnly(engine: ModelEngine, deskewed: Uint8Array, count: number): number {
  const out = new Int32Array(engine.model.supportVectorCount);
  const times: number[] = [];
  for (let k = 0; k < count; k++) {
    const t = performance.now();
    engine.dots(deskewed.subarray(k * 784, (k + 1) * 784), 1, out);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return quantile(times, 0.5);
}

/** All images on `threads` workers sharing the placed model; returns images/s and every score. */
async function throughput(
  model: SvmModel,
  backend: EngineBackend,
  images: Uint8Array,
  count: number,
): Promise<{ perSecond: number; perCpuSecond: number; scores: Float64Array }> {
  const shared = new Uint8Array(new SharedArrayBuffer(count * 784));
  shared.set(images.subarray(0, count * 784));
  const per = Math.ceil(count / threads);
  const workers = Array.from({ length: threads }, (_, t) => {
    const task: PredictBenchTask = {
      model,
      backend,
      images: shared,
      first: t * per,
      end: Math.min(count, (t + 1) * per),
      batch,
    };
    return spawnWorker('predict-worker', import.meta.url, { workerData: task });
  });
  const next = (w: (typeof workers)[number]) =>
    new Promise<PredictBenchMessage>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
  try {
    await Promise.all(workers.map(next));
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const done = workers.map(next);
    for (const w of workers) w.postMessage('go');
    const results = await Promise.all(done);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const scores = new Float64Array(count * 10);
    for (const r of results) if (r.type === 'done') scores.set(r.scores, r.first * 10);
    return { perSecond: count / seconds, perCpuSecond: count / ((cpu.user + cpu.system) / 1e6), scores };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

async function main(): Promise<void> {
  const load = loadavg()[0] as number;
  const { model: loaded } = await loadModelFile(values.model);
  const model = placeModel(loaded);
  const { test } = await loadMnist();
  const count = test.count;
  const deskewed = new Uint8Array(count * 784);
  let nonZero = 0;
  for (let k = 0; k < count; k++) {
    const x = deskew(test.images.subarray(k * 784, (k + 1) * 784), deskewed.subarray(k * 784, (k + 1) * 784));
    for (const v of x) if (v !== 0) nonZero++;
  }
  const svs = model.supportVectorCount;
  const macPerImage = (nonZero / count) * svs;
  const available: EngineBackend[] = wasmSimdAvailable() ? ['js', 'wasm-simd'] : ['js'];
  const backends = values.backends === undefined ? available : (values.backends.split(',') as EngineBackend[]);
  const unknown = backends.filter((b) => !available.includes(b));
  if (unknown.length > 0)
    throw new Error(`--backends: ${unknown.join(', ')} not available here (${available.join(', ')})`);
  const rows: Row[] = [];
  for (const backend of backends) {
    const engine = await createModelEngine(model, backend);
    const single = singleImage(model, engine, test.images, backend === 'js' ? Math.min(500, singleCount) : singleCount);
    const dotsMs = dotsOnly(engine, deskewed, backend === 'js' ? 300 : 1000);
    const run = await throughput(model, backend, test.images, count);
    rows.push({
      backend,
      medianMs: single.median,
      meanMs: single.mean,
      secondStageMs: single.secondStage,
      p99Ms: single.p99,
      dotsMs,
      macPerSecond: macPerImage / (dotsMs / 1000),
      imagesPerSecond: run.perSecond,
      imagesPerCpuSecond: run.perCpuSecond,
      scores: run.scores,
    });
    process.stderr.write(`${backend}: done\n`);
  }
  const reference = rows[0] as Row;
  let correct = 0;
  for (let k = 0; k < count; k++) {
    const s = reference.scores.subarray(k * 10, k * 10 + 10);
    let best = 0;
    for (let c = 1; c < 10; c++) if ((s[c] as number) > (s[best] as number)) best = c;
    if (model.classes[best] === test.labels[k]) correct++;
  }
  console.log(
    `CPU: ${cpuModel()}, ${availableParallelism()} cores; Node ${process.version}; load average ${load.toFixed(2)} at start`,
  );
  console.log(`model: ${svs} support vectors; ${(nonZero / count).toFixed(1)} non-zero pixels per deskewed test image`);
  if (model.secondStage) {
    const engine = await createModelEngine(model, 'auto');
    const routed = evaluateModel(model, test.images, test.labels, 'test', engine).secondStageReads;
    console.log(
      `two stages: the second (${model.secondStage.slots.length} support vectors as moves of these) reads an image when the first's two best scores are under ${model.secondStage.gap} apart: ${routed} of the ${count} test images`,
    );
  }
  console.log(
    `multiply-adds per image: ${(macPerImage / 1e6).toFixed(2)} M useful (sparse), ${((784 * svs) / 1e6).toFixed(2)} M dense`,
  );
  console.log('');
  const int = (v: number) => Math.round(v).toLocaleString('en-US');
  console.log(
    `| backend | single image median (ms) | mean (ms) | p99 (ms) | second-stage images, mean (ms) | dots only (ms) | multiply-adds/s (dots) | ${threads} threads, batch ${batch}: images/s | per CPU-second x ${threads} |`,
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.backend} | ${r.medianMs.toFixed(3)} | ${r.meanMs.toFixed(3)} | ${r.p99Ms.toFixed(3)} | ${r.secondStageMs.toFixed(3)} | ${r.dotsMs.toFixed(3)} | ${(r.macPerSecond / 1e9).toFixed(1)} G | ` +
        `${int(r.imagesPerSecond)} | ${int(r.imagesPerCpuSecond * threads)} |`,
    );
  }
  console.log('');
  console.log(
    `images/s: wall clock of the ${threads}-thread run; per CPU-second x ${threads}: what ${threads} cores of our own would reach (the run's`,
  );
  console.log('images over the CPU time this process got), the figure to read when other jobs share the machine.');
  console.log('');
  for (const r of rows.slice(1)) {
    let differ = 0;
    for (let k = 0; k < count; k++) {
      for (let c = 0; c < 10; c++) {
        if (!Object.is(r.scores[k * 10 + c], reference.scores[k * 10 + c])) {
          differ++;
          break;
        }
      }
    }
    console.log(`${r.backend} vs ${reference.backend}: ${count - differ} of ${count} score vectors bit-identical`);
    if (differ > 0) process.exitCode = 1;
  }
  console.log(`accuracy on the ${count.toLocaleString('en-US')} test images: ${((100 * correct) / count).toFixed(2)}%`);
}

await main();
