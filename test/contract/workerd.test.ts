import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageToDigitInput } from '../../src/image/index.js';
import { predict } from '../../src/ml/predict.js';
import { loadModelFile } from '../../src/node/model-file.js';
import { buildEdgeWorker, EDGE_MODULES } from '../../scripts/edge/build.js';
import { kernelWasmBytes } from '../../src/ml/engine/wasm/kernel-module.js';
import { startWorkerd, type RunningWorkerd } from '../../scripts/edge/workerd.js';
import { manyScanJpeg } from '../helpers/hostile-images.js';
import { expectError, formWith } from '../server/helpers.js';
import { CONTRACT_ENV, describeHttpContract } from './contract.js';
import { describeModelBytes, type ModelBytesOutcome } from './model-bytes.js';

// The edge bundle as `npm run start:edge` builds and serves it (same build function), in workerd on a loopback port.
let dir: string;
let worker: RunningWorkerd;
const logged: string[] = [];
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'edge-worker-'));
  await buildEdgeWorker({ dir });
  worker = await startWorkerd({ dir, bindings: CONTRACT_ENV, log: (text) => logged.push(text) });
  // The first request starts loading the bundled model; /readyz turns 200 once it is decoded.
  for (let i = 0; ; i++) {
    const res = await fetch(`${worker.url}/readyz`);
    const body = (await res.json()) as { status: string };
    if (res.status === 200) break;
    if (body.status === 'failed' || i > 600)
      throw new Error(`the worker did not load its model: ${JSON.stringify(body)}\n${logged.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});
afterAll(async () => {
  await worker?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describeHttpContract('workerd', () => worker.url);

// The edge reader of model bytes, run inside workerd by a probe worker (model-bytes-probe.ts) built the way the
// edge bundle is (esbuild, browser platform, workerd conditions).
let probeDir: string;
let probe: RunningWorkerd;
beforeAll(async () => {
  probeDir = await mkdtemp(path.join(tmpdir(), 'model-bytes-probe-'));
  await build({
    entryPoints: [path.resolve('test/contract/model-bytes-probe.ts')],
    outfile: path.join(probeDir, EDGE_MODULES.main),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    logLevel: 'warning',
  });
  // The config names all three modules; the probe reads neither of the other two.
  await writeFile(path.join(probeDir, EDGE_MODULES.model), new Uint8Array(0));
  await writeFile(path.join(probeDir, EDGE_MODULES.wasm), kernelWasmBytes(false));
  probe = await startWorkerd({ dir: probeDir, log: (text) => logged.push(text) });
});
afterAll(async () => {
  await probe?.close();
  if (probeDir) await rm(probeDir, { recursive: true, force: true });
});

describeModelBytes('workerd', async (bytes) => {
  const res = await fetch(probe.url, { method: 'POST', body: bytes as Uint8Array<ArrayBuffer> });
  return (await res.json()) as ModelBytesOutcome;
});

describe('the edge worker in workerd', () => {
  it('scores with the WebAssembly engine imported as a module, as the JavaScript reference does in Node', async () => {
    const { model } = await loadModelFile();
    const bytes = new Uint8Array(readFileSync(path.resolve('images_test/images_test_9.jpg')));
    const reference = predict(model, imageToDigitInput(bytes).pixels);
    const res = await fetch(`${worker.url}/v1/predict`, {
      method: 'POST',
      body: formWith([{ name: 'nine.jpg', bytes, type: 'image/jpeg' }]),
    });
    const body = (await res.json()) as { predictions: { digit: number; scores: number[] }[] };
    expect(body.predictions[0]!.digit).toBe(reference.digit);
    body.predictions[0]!.scores.forEach((score, d) => expect(score).toBeCloseTo(reference.scores[d]!, 9));
    // edgeEngine() says so on stderr when it falls back to the JavaScript engine.
    expect(logged.join('')).not.toContain('WebAssembly engine unavailable');
  });

  it('refuses a 12-megapixel picture (413 IMAGE_TOO_LARGE) before decoding it, to stay within a 128 MB isolate', async () => {
    // A 4000x3000 progressive JPEG that passes every structural check: on the Node server it decodes (~2 s).
    const photo = manyScanJpeg({ width: 4000, height: 3000, scans: 16 });
    const res = await fetch(`${worker.url}/v1/predict`, {
      method: 'POST',
      body: formWith([{ name: 'photo.jpg', bytes: photo, type: 'image/jpeg' }]),
    });
    expect((await expectError(res, 413, 'IMAGE_TOO_LARGE')).message).toMatch(
      /4000x3000 pixels; .* 1000000 pixels in total/,
    );
  });

  it('logs nothing unexpected while serving the contract (no 500s, no uncaught errors)', () => {
    expect(logged.join('')).not.toMatch(/error|uncaught/i);
  });
});
