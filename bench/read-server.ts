/**
 * Server time to read a 6-digit number: a 600x150 PNG of six MNIST test digits (dark on white, ~84 px tall, the
 * size of a number photographed or written on the page's canvas) sent to POST /v1/read on the Node server (worker
 * pool, shipped model) one request at a time; prints the median and p90 of the answers' `ms` (decode + read in
 * the worker, what issue 23 bounds at 15 ms) and of the round trip.
 *
 *   npx tsx bench/read-server.ts [--requests N] [--first K]   (default 200 requests, digits from test #K, K = 0)
 */
import { parseArgs } from 'node:util';
import { encodeGrayPng } from '../src/image/index.js';
import { startServer } from '../src/server/node/serve.js';
import { loadMnist } from '../src/training/mnist-data.js';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '200' }, first: { type: 'string', default: '0' } },
});
const requests = Number(values.requests);
const first = Number(values.first);
const { test } = await loadMnist();

// Six digits at 3x (84 px cells), 14 px apart, centred on 600x150 white paper.
const [width, height, scale, gap] = [600, 150, 3, 14];
const cell = 28 * scale;
const left = Math.floor((width - (6 * cell + 5 * gap)) / 2);
const top = Math.floor((height - cell) / 2);
const pixels = new Uint8Array(width * height).fill(255);
for (let k = 0; k < 6; k++)
  for (let y = 0; y < cell; y++)
    for (let x = 0; x < cell; x++) {
      const ink = test.images[(first + k) * 784 + Math.floor(y / scale) * 28 + Math.floor(x / scale)]!;
      pixels[(top + y) * width + left + k * (cell + gap) + x] = 255 - ink;
    }
const png = new Uint8Array(encodeGrayPng(pixels, width, height));
const expected = Array.from(test.labels.subarray(first, first + 6)).join('');

const server = await startServer({ port: 0, host: '127.0.0.1', env: {}, log: () => undefined });
await server.pool.whenReady();
const serverMs: number[] = [];
const roundTrip: number[] = [];
let right = 0;
try {
  for (let i = 0; i < requests + 10; i++) {
    const started = performance.now();
    const res = await fetch(`${server.url}/v1/read`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: png,
    });
    const body = (await res.json()) as { readings?: { text: string; ms: number }[]; error?: unknown };
    const elapsed = performance.now() - started;
    if (!body.readings) throw new Error(`refused: ${JSON.stringify(body)}`);
    if (i < 10) continue; // warm-up: JIT and the worker's first allocations
    serverMs.push(body.readings[0]!.ms);
    roundTrip.push(elapsed);
    if (body.readings[0]!.text === expected) right++;
  }
} finally {
  await server.close();
}
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;
console.log(
  `6-digit ${width}x${height} PNG (${png.length} bytes, MNIST test #${first}-#${first + 5}, "${expected}"), ` +
    `${requests} requests one at a time, ${server.pool.threads} worker threads`,
);
console.log(
  `server ms (the answer's ms): median ${quantile(serverMs, 0.5).toFixed(2)}, p90 ${quantile(serverMs, 0.9).toFixed(2)}`,
);
console.log(`round trip ms: median ${quantile(roundTrip, 0.5).toFixed(2)}, p90 ${quantile(roundTrip, 0.9).toFixed(2)}`);
console.log(`read right: ${right} of ${requests}`);
