import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import type { Browser } from 'playwright-core';
import { launchChromium, watchProblems } from '../helpers/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGrayPng, imageToDigitInput } from '../../src/image/index.js';
import { encodeBinaryModel, predict, type Prediction, type SvmModel } from '../../src/ml/index.js';
import { DEFAULT_MODEL_PATH, loadModelFile } from '../../src/node/model-file.js';
import jpeg from 'jpeg-js';
import { mnistTest } from '../helpers/mnist-subset.js';
import { numberPicture, type NumberPicture } from '../helpers/numbers.js';
import { decodeImage } from '../../src/image/decode.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/image/limits.js';
import { readImage } from '../../src/read/index.js';
import { trainTinyModel } from '../helpers/tiny-model.js';
import { noNodeBuiltins } from './no-node-builtins.js';

/**
 * `mnist-digits/ml` and `mnist-digits/image` in a real browser: bundled by esbuild for `platform: 'browser'` (a
 * Node built-in anywhere in the graph fails the build), served from 127.0.0.1, run in Debian's Chromium. The
 * page fetches the gzipped model and ungzips it with DecompressionStream, as a web app would. Uses the shipped
 * model and images_test/images_test_2.* when present; before they exist, a small model trained here and an
 * MNIST test digit drawn as a black-on-white PNG. Chromium missing is a failure, never a skip.
 */

const REPO = path.resolve('.');

/** How the package's pure half is bundled for browsers; the tests reuse it for the entry that must fail. */
function bundleOptions(entry: string): BuildOptions {
  return {
    stdin: { contents: entry, resolveDir: REPO, sourcefile: 'browser-entry.ts', loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [noNodeBuiltins(REPO)],
  };
}

/** The page's code: every dependency comes from the two pure entry points. */
const ENTRY = `
import { decodeBinaryModel, predict } from './src/ml/index.ts';
import { imageToDigitInput, rgbaToLuminance } from './src/image/index.ts';
import { readDigits } from './src/read/index.ts';

async function bytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(url + ': ' + res.status);
  return new Uint8Array(await res.arrayBuffer());
}

(globalThis as any).runDigits = async () => {
  const res = await fetch('/model.bin.gz');
  const file = await new Response(res.body!.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer();
  const model = decodeBinaryModel(new Uint8Array(file));
  const raw = predict(model, await bytes('/raw.bin'));
  const input = imageToDigitInput(await bytes('/sample'));
  const image = predict(model, input.pixels);
  return { raw, image, pixels: Array.from(input.pixels), format: input.source.format };
};

// docs/LIBRARY.md, "a large photo in a browser": the browser decodes and shrinks it, the reader reads its pixels.
(globalThis as any).runNumber = async () => {
  const res = await fetch('/model.bin.gz');
  const file = await new Response(res.body!.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer();
  const model = decodeBinaryModel(new Uint8Array(file));
  const bitmap = await createImageBitmap(await (await fetch('/number.jpg')).blob());
  const scale = Math.min(1, 1024 / Math.max(bitmap.width, bitmap.height));
  const width = Math.round(bitmap.width * scale);
  const height = Math.round(bitmap.height * scale);
  const context = new OffscreenCanvas(width, height).getContext('2d')!;
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, width, height);
  const { data } = context.getImageData(0, 0, width, height);
  const reading = readDigits(rgbaToLuminance(new Uint8Array(data.buffer), width, height), model);
  return { text: reading.text, width, height, lefts: reading.digits.map((d) => d.box.x / scale) };
};
`;

interface Fixture {
  readonly model: SvmModel;
  readonly modelGz: Uint8Array;
  readonly raw: { readonly pixels: Uint8Array; readonly label: number };
  readonly sample: { readonly bytes: Uint8Array; readonly digit: number; readonly shipped: boolean };
}

/** An MNIST test digit as a photo-like PNG: black ink on white, 4x larger, which imageToDigitInput must undo. */
function mnistAsPng(pixels: Uint8Array): Uint8Array {
  const scale = 4;
  const side = 28 * scale;
  const out = new Uint8Array(side * side);
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++)
      out[y * side + x] = 255 - (pixels[Math.floor(y / scale) * 28 + Math.floor(x / scale)] as number);
  return encodeGrayPng(out, side, side);
}

async function loadFixture(): Promise<Fixture> {
  const samplesDir = path.join(REPO, 'images_test');
  const sampleName = existsSync(samplesDir)
    ? readdirSync(samplesDir)
        .filter((f) => /^images_test_2\.(png|jpe?g)$/i.test(f))
        .sort()
        .reverse()[0]
    : undefined;
  const test = mnistTest(200);
  const rawAt = (k: number) => ({ pixels: test.images.slice(k * 784, (k + 1) * 784), label: test.labels[k] as number });
  if (existsSync(DEFAULT_MODEL_PATH) && sampleName !== undefined) {
    const { model } = await loadModelFile(DEFAULT_MODEL_PATH);
    const bytes = new Uint8Array(await readFile(DEFAULT_MODEL_PATH));
    const modelGz = bytes[0] === 0x1f && bytes[1] === 0x8b ? bytes : gzipSync(bytes);
    return {
      model,
      modelGz,
      raw: rawAt(0),
      sample: { bytes: new Uint8Array(await readFile(path.join(samplesDir, sampleName))), digit: 2, shipped: true },
    };
  }
  const model = trainTinyModel(500);
  const modelGz = gzipSync(encodeBinaryModel(model));
  // A digit the small model reads right both raw and through the image pipeline, so the browser must match it.
  for (let k = 0; k < test.count; k++) {
    const raw = rawAt(k);
    const png = mnistAsPng(raw.pixels);
    if (
      predict(model, raw.pixels).digit === raw.label &&
      predict(model, imageToDigitInput(png).pixels).digit === raw.label
    ) {
      return { model, modelGz, raw, sample: { bytes: png, digit: raw.label, shipped: false } };
    }
  }
  throw new Error('no MNIST test digit that the small model reads correctly');
}

let fixture: Fixture;
let number: NumberPicture;
let numberJpeg: Uint8Array;
let bundle: string;
let server: Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  fixture = await loadFixture();
  // A 3,920 x 1,760 photo of a number (MNIST test digits 0, 1, 2, 3 at 560 px high), as a phone would save it.
  number = numberPicture([3, 2, 1, 18], { scale: 20, gap: 160, margin: 600 });
  const { rgba } = decodeImage(number.png, DEFAULT_IMAGE_LIMITS);
  numberJpeg = new Uint8Array(jpeg.encode({ data: rgba, width: number.width, height: number.height }, 90).data);
  const result = await build(bundleOptions(ENTRY));
  bundle = result.outputFiles?.[0]?.text ?? '';
  const routes: Record<string, { type: string; body: string | Uint8Array }> = {
    '/': {
      type: 'text/html; charset=utf-8',
      body: '<!doctype html><html><head><link rel="icon" href="data:,"><script type="module" src="/bundle.js"></script></head><body></body></html>',
    },
    '/bundle.js': { type: 'text/javascript; charset=utf-8', body: bundle },
    '/model.bin.gz': { type: 'application/octet-stream', body: fixture.modelGz },
    '/raw.bin': { type: 'application/octet-stream', body: fixture.raw.pixels },
    '/sample': { type: 'application/octet-stream', body: fixture.sample.bytes },
    '/number.jpg': { type: 'image/jpeg', body: numberJpeg },
  };
  server = createServer((req, res) => {
    const route = routes[new URL(req.url ?? '/', 'http://localhost').pathname];
    if (route === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': route.type }).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

describe('the pure entry points bundled for a browser', () => {
  it('bundle for platform browser with no Node built-in anywhere in their graph', () => {
    expect(bundle.length).toBeGreaterThan(10_000);
    expect(bundle).not.toMatch(/\brequire\(["'](node:)?(fs|path|zlib|crypto|worker_threads)["']\)/);
  });

  it('make the bundle fail when something imports a Node built-in (the check above can fail)', async () => {
    await expect(
      build(
        bundleOptions("import { gunzipSync } from 'node:zlib';\nimport './src/ml/index.ts';\nconsole.log(gunzipSync);"),
      ),
    ).rejects.toThrow(/imports the Node built-in 'node:zlib'/);
    await expect(
      build(bundleOptions("import { readFileSync } from 'fs';\nconsole.log(readFileSync);")),
    ).rejects.toThrow(/imports the Node built-in 'fs'/);
  });

  it('predict in Chromium exactly as in Node, from raw pixels and from an encoded image, without console errors', async () => {
    const page = await browser.newPage();
    const problems = watchProblems(page);
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => 'runDigits' in globalThis);
    const result = await page.evaluate(async () => {
      const run = (
        globalThis as unknown as {
          runDigits: () => Promise<{ raw: Prediction; image: Prediction; pixels: number[]; format: string }>;
        }
      ).runDigits;
      return run();
    });
    await page.close();
    expect(problems).toEqual([]);

    // Raw 28x28 MNIST pixels: the label, and bit-for-bit Node's answer.
    const nodeRaw = predict(fixture.model, fixture.raw.pixels);
    expect(result.raw.digit).toBe(fixture.raw.label);
    expect(result.raw.digit).toBe(nodeRaw.digit);
    result.raw.scores.forEach((s, k) => expect(s).toBeCloseTo(nodeRaw.scores[k] as number, 9));

    // An encoded image through imageToDigitInput: the same 28x28 input and the same digit as in Node.
    const nodeInput = imageToDigitInput(fixture.sample.bytes);
    expect(result.pixels).toEqual(Array.from(nodeInput.pixels));
    expect(result.image.digit).toBe(fixture.sample.digit);
    expect(result.image.digit).toBe(predict(fixture.model, nodeInput.pixels).digit);
  });
  it('read a large photo of a number in Chromium from the pixels the browser shrank it to, as Node reads the file', async () => {
    if (!fixture.sample.shipped)
      throw new Error('reading numbers needs the shipped model (the reader is fitted to it)');
    const page = await browser.newPage();
    const problems = watchProblems(page);
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => 'runNumber' in globalThis);
    const result = await page.evaluate(async () =>
      (
        globalThis as unknown as {
          runNumber: () => Promise<{ text: string; width: number; height: number; lefts: number[] }>;
        }
      ).runNumber(),
    );
    await page.close();
    expect(problems).toEqual([]);
    expect([result.width, result.height]).toEqual([1024, Math.round((number.height * 1024) / number.width)]);
    expect(result.text).toBe(number.text);
    expect(result.text).toBe(readImage(numberJpeg, fixture.model).text);
    // Boxes scaled back land on the digits of the original: each left edge inside its 560-px cell.
    result.lefts.forEach((left, k) => {
      const cell = 600 + k * (560 + 160);
      expect(left).toBeGreaterThanOrEqual(cell - 10);
      expect(left).toBeLessThan(cell + 560);
    });
  });
});
