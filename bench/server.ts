/**
 * HTTP benchmark of the real server (worker pool included) on a random loopback port, driven by autocannon in
 * this process. Targets: the old /api with a 28x28 PNG, /api with a 600x400 photo-like JPEG, and /healthz as the
 * framework baseline; each at 1 connection (10 s) and 32 connections (60 s).
 *
 *   npm run bench:server            (tsx bench/server.ts)
 *   npx tsx bench/server.ts --quick (2 s and 5 s: a smoke run)
 *   options: --model <path> (default: the shipped model, else a tiny nearest-mean model), --threads <n>
 *
 * Traffic goes only to 127.0.0.1.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus } from 'node:os';
import { DEFAULT_MODEL_PATH } from '../src/node/model-file.js';
import { startServer, type StartOptions } from '../src/server/node/serve.js';
import { multipartBody, photoDigitJpeg, smallDigitPng } from './server-images.js';

interface AutocannonResult {
  requests: { average: number };
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

async function modelOption(): Promise<Pick<StartOptions, 'modelPath' | 'modelSource'> & { label: string }> {
  const path = flag('--model') ?? process.env['MODEL_PATH'] ?? DEFAULT_MODEL_PATH;
  if (existsSync(path)) return { modelPath: path, label: path };
  // Before a model is trained the bench still measures the HTTP path, with a tiny stand-in model.
  const { tinyModel } = await import('../test/server/fixtures.js');
  return { modelSource: { kind: 'value', model: tinyModel(), sha256: null }, label: 'tiny nearest-mean stand-in (no model file found)' };
}

async function main(): Promise<void> {
  const model = await modelOption();
  const threadsFlag = flag('--threads');
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    ...(threadsFlag ? { threads: Number(threadsFlag) } : {}),
    ...(model.modelPath ? { modelPath: model.modelPath } : {}),
    ...(model.modelSource ? { modelSource: model.modelSource } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  try {
    await server.pool.whenReady();
    const png = multipartBody('digit.png', 'image/png', smallDigitPng());
    const photo = multipartBody('photo.jpg', 'image/jpeg', photoDigitJpeg());
    const targets = [
      { name: '/api, 28x28 PNG', path: '/api', method: 'POST', body: png.body, headers: { 'content-type': png.contentType } },
      { name: `/api, 600x400 JPEG (${photo.body.length} B)`, path: '/api', method: 'POST', body: photo.body, headers: { 'content-type': photo.contentType } },
      { name: '/healthz', path: '/healthz', method: 'GET' },
    ];
    // Check every target answers 200 before timing it, so "0 errors" means real answers.
    for (const t of targets) {
      const res = await fetch(`${server.url}${t.path}`, { method: t.method, ...(t.body ? { body: new Uint8Array(t.body) } : {}), headers: t.headers ?? {} });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${t.name} answered ${res.status}: ${text}`);
      process.stderr.write(`${t.name}: ${text}\n`);
    }
    const runs = [
      { connections: 1, duration: quick ? 2 : 10 },
      { connections: 32, duration: quick ? 5 : 60 },
    ];
    const rows: string[] = [];
    for (const t of targets) {
      for (const run of runs) {
        process.stderr.write(`running ${t.name} with ${run.connections} connection(s) for ${run.duration} s...\n`);
        const result = await autocannon({
          url: `${server.url}${t.path}`,
          method: t.method,
          ...(t.body ? { body: t.body } : {}),
          headers: t.headers ?? {},
          connections: run.connections,
          duration: run.duration,
          // As long as the server itself waits for a request (requestTimeout); a photo queued behind 31 others
          // is slow, not failed, and the p99 column shows how slow.
          timeout: 30,
        });
        const errors = result.errors + result.timeouts + result.non2xx;
        rows.push(
          `| ${t.name} | ${run.connections} | ${run.duration} | ${result.requests.average.toFixed(0)} | ${result.latency.p50} | ${result.latency.p99} | ${errors} |`,
        );
      }
    }
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    process.stdout.write(
      [
        `Server benchmark (${availableParallelism()} cores, ${cpu}; Node ${process.version}; ${server.pool.threads} prediction threads; model: ${model.label})`,
        '',
        '| target | connections | seconds | requests/s | p50 ms | p99 ms | errors |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
        ...rows,
        '',
      ].join('\n'),
    );
  } finally {
    await server.close();
  }
}

await main();
