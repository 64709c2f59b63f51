/**
 * Large phone photos through the page: the page shrinks a JPEG larger than the reader's working size (1024 px) in
 * the browser before sending it (src/server/page/client/app.ts, fitForReading). This measures what that changes:
 * for each of `--count` photos of a number (2-6 MNIST test digits 5000-9999 laid as bench:read's spaced numbers,
 * enlarged onto a 4000x3000 frame at 45-75% of its width, tilted up to 3 degrees, on paper with a light gradient
 * and sensor noise, JPEG quality 85-92: 12 megapixels, as phone cameras save), the server's time to read the file
 * as an API client sends it and as the page sends it (Chromium drives the real page; its request is captured), both
 * read in this process as a worker reads them (readImage, WebAssembly engine, node:zlib), and whether each reading
 * is exact, and how much of the time decoding alone takes (timed apart, just before). Prints a Markdown table.
 *
 *   npm run bench:page-photos -- [--count N]      (default 20; about 8 s a photo on a 2-core AMD EPYC)
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { decodeImage } from '../src/image/decode.js';
import { readJpegHeader } from '../src/image/jpeg-header.js';
import { resolveImageLimits } from '../src/image/limits.js';
import { createModelEngine } from '../src/node/kernel-wasm.js';
import { loadModelFile } from '../src/node/model-file.js';
import { readImage } from '../src/read/index.js';
import { nativeInflate } from '../src/server/node/native-inflate.js';
import { startServer } from '../src/server/node/serve.js';
import { loadMnist } from '../src/training/mnist-data.js';
import { launchChromium } from '../test/helpers/chromium.js';
import { layNumber } from './read-compose.js';
import { paint, place, seeded, toJpeg } from './robustness-render.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '20' } } });
const count = Number(values.count);
const WIDTH = 4000;
const HEIGHT = 3000;

const { model } = await loadModelFile(undefined);
const engine = await createModelEngine(model);
const { test } = await loadMnist();
const random = seeded(4000);
const between = (lo: number, hi: number): number => lo + (hi - lo) * random();

/** One 12-megapixel photo of a number and the number. */
function photo(length: number): { file: Uint8Array; text: string } {
  const picked = Array.from({ length }, () => 5000 + Math.floor(random() * 5000));
  const ink = layNumber(
    picked.map((k) => test.images.subarray(k * 784, (k + 1) * 784)),
    random,
  );
  const scale = Math.min((between(0.45, 0.75) * WIDTH) / ink.width, (0.5 * HEIGHT) / ink.height);
  const placed = place(
    ink,
    WIDTH,
    HEIGHT,
    scale,
    WIDTH * between(0.4, 0.6),
    HEIGHT * between(0.4, 0.6),
    between(-3, 3),
  );
  const rgba = paint(placed, {
    paper: [235, 230, 215],
    ink: [30, 30, 40],
    gradient: between(0, 0.35),
    noise: between(0.01, 0.03),
    random,
  });
  return {
    file: toJpeg(rgba, WIDTH, HEIGHT, Math.round(between(85, 92))),
    text: picked.map((k) => test.labels[k]).join(''),
  };
}

function timedRead(file: Uint8Array): { text: string; ms: number; decodeMs: number } {
  // Decoding alone first (what the reader then does with the pixels is the rest of `ms`).
  let started = performance.now();
  decodeImage(file, resolveImageLimits({}), { inflate: nativeInflate });
  const decodeMs = performance.now() - started;
  started = performance.now();
  let text: string;
  try {
    text = readImage(file, model, engine, { inflate: nativeInflate }).text;
  } catch (error) {
    text = `!${(error as { code?: string }).code ?? String(error)}`;
  }
  return { text, ms: performance.now() - started, decodeMs };
}

const server = await startServer({ port: 0, host: '127.0.0.1', threads: 1, env: {}, log: () => undefined });
await server.pool.whenReady();
const browser = await launchChromium();
const page = await browser.newPage();
await page.goto(`${server.url}/`);
let sent: Buffer = Buffer.alloc(0);
let sentAt = 0;
await page.route('**/v1/read*', (route) => {
  sentAt = performance.now();
  const body = route.request().postDataBuffer() ?? Buffer.alloc(0);
  sent = body.subarray(body.indexOf(Buffer.from([0xff, 0xd8, 0xff])), body.lastIndexOf(Buffer.from('\r\n--')));
  return route.fulfill({ status: 422, json: { error: { code: 'NO_DIGIT_FOUND', message: 'measured elsewhere' } } });
});

const rows: {
  original: { text: string; ms: number; decodeMs: number };
  shrunk: { text: string; ms: number; decodeMs: number };
  text: string;
  bytes: [number, number];
  side: number;
  browserMs: number;
}[] = [];
for (let i = 0; i < count; i++) {
  const { file, text } = photo(2 + (i % 5));
  const chosen = performance.now();
  sent = Buffer.alloc(0);
  await page.getByLabel('Choose images').setInputFiles({
    name: `photo-${i}.jpg`,
    mimeType: 'image/jpeg',
    buffer: Buffer.from(file),
  });
  await page.locator('#status').filter({ hasText: '0 of 1 image read' }).waitFor({ timeout: 60_000 });
  const header = readJpegHeader(new Uint8Array(sent));
  rows.push({
    original: timedRead(file),
    shrunk: timedRead(new Uint8Array(sent)),
    text,
    bytes: [file.length, sent.length],
    side: Math.max(header.width, header.height),
    browserMs: sentAt - chosen,
  });
}
await browser.close();
await server.close();

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
const exact = (pick: (r: (typeof rows)[number]) => { text: string }) =>
  rows.filter((r) => pick(r).text === r.text).length;
const agree = rows.filter((r) => r.original.text === r.shrunk.text).length;
console.log(
  `\nbench:page-photos - ${count} photos of 2-6 digit numbers, ${WIDTH}x${HEIGHT} JPEG; ${cpus()[0]?.model.trim()}, ` +
    `Node ${process.version}, ${new Date().toISOString()}\n`,
);
console.log(
  '| sent as | longer side (px) | median bytes | exact | server read, median ms | max ms | of it decoding, median ms |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|');
console.log(
  `| the file (an API client) | ${WIDTH} | ${median(rows.map((r) => r.bytes[0]))} | ${exact((r) => r.original)}/${count} | ` +
    `${median(rows.map((r) => r.original.ms)).toFixed(0)} | ${Math.max(...rows.map((r) => r.original.ms)).toFixed(0)} | ` +
    `${median(rows.map((r) => r.original.decodeMs)).toFixed(0)} |`,
);
console.log(
  `| the page (shrunk by Chromium) | ${median(rows.map((r) => r.side))} | ${median(rows.map((r) => r.bytes[1]))} | ` +
    `${exact((r) => r.shrunk)}/${count} | ${median(rows.map((r) => r.shrunk.ms)).toFixed(0)} | ` +
    `${Math.max(...rows.map((r) => r.shrunk.ms)).toFixed(0)} | ${median(rows.map((r) => r.shrunk.decodeMs)).toFixed(0)} |`,
);
console.log(
  `\nThe two readings agree on ${agree} of ${count}; the page took a median ${median(rows.map((r) => r.browserMs)).toFixed(0)} ms ` +
    'from the file chosen to the request sent (headless Chromium, this machine).',
);
for (const r of rows)
  if (r.original.text !== r.shrunk.text) console.log(`  ${r.text}: file ${r.original.text}, page ${r.shrunk.text}`);
