/**
 * HTTP benchmark of the app as it is served, on a random loopback port, driven by autocannon in this process.
 * Targets: the old /api with a 28x28 PNG, /api with a 600x400 photo-like JPEG, and /healthz as the framework
 * baseline; each at 1 connection (10 s) and 32 connections (60 s) unless `--connections` says otherwise.
 *
 *   npm run bench:server                          (tsx bench/server.ts: the Node server and its worker pool)
 *   npm run bench:server -- --target edge         (the edge worker in workerd, as `npm run start:edge` serves it)
 *   npx tsx bench/server.ts --quick               (2 s and 5 s: a smoke run)
 *   options: --connections 1,16 (the two runs' connections), --model <path> (default: the shipped model, else a
 *   tiny nearest-mean model; Node only), --threads <n> (Node only)
 *
 * Both targets also report their cold start: process start to listening, the first request, the first prediction.
 * The edge target reports CPU per request, from workerd's own CPU time (/proc/<pid>/stat, all its threads, HTTP
 * parsing included: an upper bound on what Workers bills as CPU time) over the 1-connection runs.
 *
 * Traffic goes only to 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { buildEdgeWorker } from '../scripts/edge/build.js';
import { startWorkerd } from '../scripts/edge/workerd.js';
import { DEFAULT_MODEL_PATH } from '../src/node/model-file.js';
import { startServer, type StartOptions } from '../src/server/node/serve.js';
import { multipartBody, photoDigitJpeg, smallDigitPng } from './server-images.js';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
// autocannon ships no types; it is a devDependency used only here.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
};
const target = flag('--target') ?? 'node';
if (target !== 'node' && target !== 'edge') throw new Error(`--target must be node or edge, got '${target}'`);
const connections = (flag('--connections') ?? '1,32').split(',').map(Number);
if (connections.length !== 2 || !connections.every((n) => Number.isInteger(n) && n > 0))
  throw new Error('--connections takes two positive integers, e.g. 1,16');

/** A running server under test. */
interface Served {
  readonly url: string;
  readonly description: string;
  /** Cold-start lines, measured by the starter. */
  readonly coldStart: string[];
  /** CPU seconds the server process has used so far, where it can be told apart from this process. */
  readonly cpuSeconds?: () => number;
  /** Resident memory of the server process, MB, where it is a process of its own. */
  readonly residentMb?: () => number;
  close(): Promise<void>;
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
/** utime + stime of a process, in seconds (proc(5): fields 14 and 15 of /proc/<pid>/stat). */
function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident memory of a process in MB (proc(5): VmRSS of /proc/<pid>/status). */
function residentMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

async function postOnce(url: string, body: Buffer, contentType: string): Promise<string> {
  const res = await fetch(`${url}/api`, {
    method: 'POST',
    body: new Uint8Array(body),
    headers: { 'content-type': contentType },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`first /api answered ${res.status}: ${text}`);
  return text;
}

async function startNode(png: { body: Buffer; contentType: string }): Promise<Served> {
  const path = flag('--model') ?? process.env['MODEL_PATH'] ?? DEFAULT_MODEL_PATH;
  let model: Pick<StartOptions, 'modelPath' | 'modelSource'> & { label: string };
  if (existsSync(path)) model = { modelPath: path, label: path };
  else {
    // Before a model is trained the bench still measures the HTTP path, with a tiny stand-in model.
    const { tinyModel } = await import('../test/server/fixtures.js');
    model = {
      modelSource: { kind: 'value', model: tinyModel(), sha256: null },
      label: 'tiny nearest-mean stand-in (no model file found)',
    };
  }
  const threadsFlag = flag('--threads');
  const started = await timed(() =>
    startServer({
      port: 0,
      host: '127.0.0.1',
      ...(threadsFlag ? { threads: Number(threadsFlag) } : {}),
      ...(model.modelPath ? { modelPath: model.modelPath } : {}),
      ...(model.modelSource ? { modelSource: model.modelSource } : {}),
      log: (line) => process.stderr.write(`${line}\n`),
    }),
  );
  const server = started.value;
  const ready = await timed(() => server.pool.whenReady());
  const first = await timed(() => postOnce(server.url, png.body, png.contentType));
  return {
    url: server.url,
    description: `Node ${process.version}, ${server.pool.threads} prediction threads, model: ${model.label}`,
    coldStart: [
      `listening ${started.ms.toFixed(0)} ms after startServer()`,
      `model loaded in the workers ${ready.ms.toFixed(0)} ms later`,
      `first /api (28x28 PNG) after that: ${first.ms.toFixed(0)} ms`,
    ],
    close: () => server.close(),
  };
}

async function startEdge(png: { body: Buffer; contentType: string }): Promise<Served> {
  const built = await buildEdgeWorker();
  const started = await timed(() => startWorkerd({ dir: built.dir, log: (text) => process.stderr.write(text) }));
  const worker = started.value;
  const cpuAtListen = processCpuSeconds(worker.pid);
  const rssAtListen = residentMb(worker.pid);
  // The first request of a fresh isolate: the worker script is compiled and run, then the model decoded.
  const first = await timed(() => postOnce(worker.url, png.body, png.contentType));
  const cpuFirst = processCpuSeconds(worker.pid) - cpuAtListen;
  const rssLoaded = residentMb(worker.pid);
  const second = await timed(() => postOnce(worker.url, png.body, png.contentType));
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  return {
    url: worker.url,
    description:
      `workerd ${(createRequire(import.meta.url)('workerd') as { version: string }).version}, in-process predictor, ` +
      `bundle: worker.js ${kib(built.bytes.main)} + model ${kib(built.bytes.model)} + kernel.wasm ${built.bytes.wasm} B = ` +
      `${kib(built.bytes.main + built.bytes.model + built.bytes.wasm)}, ${kib(built.gzipBytes)} gzipped`,
    coldStart: [
      `workerd listening ${started.ms.toFixed(0)} ms after spawn`,
      `first request (28x28 PNG to /api: script start, model decoded, one prediction): ${first.ms.toFixed(0)} ms wall, ${(cpuFirst * 1000).toFixed(0)} ms CPU of workerd`,
      `second request: ${second.ms.toFixed(0)} ms`,
      `workerd resident memory ${rssAtListen.toFixed(0)} MB listening, ${rssLoaded.toFixed(0)} MB with the model loaded`,
    ],
    residentMb: () => residentMb(worker.pid),
    cpuSeconds: () => processCpuSeconds(worker.pid),
    close: () => worker.close(),
  };
}

async function main(): Promise<void> {
  const png = multipartBody('digit.png', 'image/png', smallDigitPng());
  const photo = multipartBody('photo.jpg', 'image/jpeg', photoDigitJpeg());
  const served = target === 'edge' ? await startEdge(png) : await startNode(png);
  const loadAtStart = loadavg()
    .map((n) => n.toFixed(2))
    .join(', ');
  try {
    const targets = [
      {
        name: '/api, 28x28 PNG',
        path: '/api',
        method: 'POST',
        body: png.body,
        headers: { 'content-type': png.contentType },
      },
      {
        name: `/api, 600x400 JPEG (${photo.body.length} B)`,
        path: '/api',
        method: 'POST',
        body: photo.body,
        headers: { 'content-type': photo.contentType },
      },
      { name: '/healthz', path: '/healthz', method: 'GET' },
    ];
    // Check every target answers 200 before timing it, so "0 errors" means real answers.
    for (const t of targets) {
      const res = await fetch(`${served.url}${t.path}`, {
        method: t.method,
        ...(t.body ? { body: new Uint8Array(t.body) } : {}),
        headers: t.headers ?? {},
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${t.name} answered ${res.status}: ${text}`);
      process.stderr.write(`${t.name}: ${text}\n`);
    }
    const runs = [
      { connections: connections[0]!, duration: quick ? 2 : 10 },
      { connections: connections[1]!, duration: quick ? 5 : 60 },
    ];
    const rows: string[] = [];
    for (const t of targets) {
      for (const run of runs) {
        process.stderr.write(`running ${t.name} with ${run.connections} connection(s) for ${run.duration} s...\n`);
        const cpuBefore = served.cpuSeconds?.();
        const result = await autocannon({
          url: `${served.url}${t.path}`,
          method: t.method,
          ...(t.body ? { body: t.body } : {}),
          headers: t.headers ?? {},
          connections: run.connections,
          duration: run.duration,
          // As long as the server itself waits for a request (requestTimeout); a photo queued behind 31 others
          // is slow, not failed, and the p99 column shows how slow.
          timeout: 30,
        });
        // Requests still running when autocannon stops (a queue of photos) would be counted in the next run: a
        // request answered after them marks the server idle again.
        await (await fetch(`${served.url}/healthz`)).text();
        const cpu =
          cpuBefore === undefined
            ? undefined
            : ((served.cpuSeconds!() - cpuBefore) * 1000) / Math.max(1, result.requests.total);
        const errors = result.errors + result.timeouts + result.non2xx;
        rows.push(
          `| ${t.name} | ${run.connections} | ${run.duration} | ${result.requests.average.toFixed(0)} | ${result.latency.p50} | ${result.latency.p99} | ${errors} | ${cpu === undefined ? 'n/a' : cpu.toFixed(2)} |`,
        );
      }
    }
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    process.stdout.write(
      [
        `Server benchmark, target ${target} (${availableParallelism()} cores, ${cpu}; ${served.description})`,
        `load average at start: ${loadAtStart}; at end: ${loadavg()
          .map((n) => n.toFixed(2))
          .join(', ')}`,
        `cold start: ${served.coldStart.join('; ')}`,
        ...(served.residentMb ? [`resident memory after the runs: ${served.residentMb().toFixed(0)} MB`] : []),
        '',
        '| target | connections | seconds | requests/s | p50 ms | p99 ms | errors | server CPU ms/request |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        ...rows,
        '',
      ].join('\n'),
    );
  } finally {
    await served.close();
  }
}

await main();
