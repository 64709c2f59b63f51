/**
 * Soak test under hostile load: the real server (built CLI, its own process, so its memory is measured alone) on a
 * random loopback port, 32 connections for 60 s. Most connections send ordinary uploads; the others send the
 * hostile inputs the service must shrug off, each on its own connections so the mix is fixed:
 *
 *   normal     22 connections: /api with a 28x28 PNG (9 in 10) or a 600x400 photo JPEG (1 in 10)
 *   many-scan   2: a 45 KB progressive JPEG with 2,000 scans of a 4000x3000 frame   (expected 422)
 *   multiframe  1: a JPEG with 10 frame headers of 4000x3000                         (expected 400)
 *   flat-json   1: /v1/predict with a 3 MB JSON array of 1.5 M numbers              (expected 400)
 *   slow        2: a 12 MP progressive JPEG within every structural bound: ~2 s of decoding each
 *   hang-up     2: the slow JPEG again, from clients that hang up after 3 s          (the issue's attack)
 *   big-body    2: 9 MB multipart bodies of random bytes                              (expected 415 or 503 BUSY)
 *   headers-only 7: raw sockets that send headers declaring 10 MiB (one 4 MiB) and no body (issue 22)
 *                                                                    (expected 408 after BODY_IDLE_TIMEOUT_MS, or 429)
 *   redos       1: multipart headers with 16k or 91k spaces in an unquoted file name  (expected 400 / 413)
 *   many-params 1: a part header of 10 MB of '; p=v' parameters                       (expected 413)
 *   cmyk        2: a 245-byte 4000x3000 CMYK progressive JPEG: ~3 s and ~500 MB of decoding each
 *   read        2: /v1/read with a 5-digit number                                       (expected 200)
 *   read-hostile 2: /v1/read with a page of text, noise, a maze of strokes, a 48-digit number (expected 422)
 *
 * Each simulated client has its own keep-alive socket. Reports each class's answers by status, every 5xx and those other than the documented 503s (with Retry-After),
 * the normal requests' throughput and p50/p99, /healthz's latencies (probed every 100 ms from a separate
 * process), and the server's RSS: when ready, at its peak (sampled every 100 ms from /proc), and after the
 * attack has stopped and the server sat idle for --settle seconds.
 *
 *   npm run bench:soak                      (60 s, 47 connections, then 60 s idle)
 *   npx tsx bench/soak.ts --seconds 10      (a shorter run)
 *   options: --seconds <n>, --settle <n> (idle seconds before the after-attack RSS), --model <path> (default:
 *            the shipped model), --threads <n>,
 *            --only normal,slow (a comma list of roles: e.g. the normal traffic alone, as a baseline),
 *            --server-flags '--cpu-prof --cpu-prof-dir=/tmp/prof' (Node flags for the server process),
 *            --server-stdout FILE (the server's standard output, e.g. with --server-flags=--trace-gc)
 *
 * Traffic goes only to 127.0.0.1, and every loop stops when the time is up.
 */
import { spawn } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { openSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { cmykJpeg, manyScanJpeg, multiFrameJpeg } from '../test/helpers/hostile-images.js';
import { mulberry32 } from '../src/ml/rng.js';
import { hostileReadPictures } from '../test/helpers/hostile-read-pictures.js';
import { numberPicture } from '../test/helpers/numbers.js';
import { multipartBody, photoDigitJpeg, smallDigitPng } from './server-images.js';

// The allocator settings npm start gives the server (plain JavaScript, so that npm start runs before any build).
const serverEnvModule: string = '../scripts/server-env.mjs';
const { allocatorEnv, serverNodeFlags } = (await import(serverEnvModule)) as {
  allocatorEnv: () => Record<string, string>;
  serverNodeFlags: () => string[];
};

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    settle: { type: 'string', default: '60' },
    model: { type: 'string' },
    threads: { type: 'string' },
    only: { type: 'string' },
    'server-flags': { type: 'string' },
    'server-stdout': { type: 'string' },
  },
});
const seconds = Number(flags.seconds);
if (!Number.isFinite(seconds) || seconds <= 0) {
  process.stderr.write(`--seconds must be a positive number, got '${flags.seconds}'\n`);
  process.exit(1);
}

const settleSeconds = Number(flags.settle);
if (!Number.isFinite(settleSeconds) || settleSeconds < 0) {
  process.stderr.write(`--settle must be a number of seconds, got '${flags.settle}'\n`);
  process.exit(1);
}

interface Request {
  /** Sent on a raw socket: headers declaring `declare` bytes of body, then nothing. */
  readonly headersOnly?: { readonly declare: number };
  readonly path: string;
  readonly body: Uint8Array<ArrayBuffer>;
  readonly contentType: string;
  /** Client hangs up after this many ms. */
  readonly hangUpMs?: number;
}

interface Role {
  readonly name: string;
  readonly connections: number;
  readonly next: (random: () => number) => Request;
}

const api = (filename: string, type: string, bytes: Uint8Array): Request => {
  const { body, contentType } = multipartBody(filename, type, bytes);
  return { path: '/api', body: Uint8Array.from(body), contentType };
};
const png = api('digit.png', 'image/png', smallDigitPng());
const photo = api('photo.jpg', 'image/jpeg', photoDigitJpeg());
const manyScan = api('scans.jpg', 'image/jpeg', manyScanJpeg({ width: 4000, height: 3000, scans: 2000 }));
const multiFrame = api('frames.jpg', 'image/jpeg', multiFrameJpeg({ width: 4000, height: 3000, frames: 10 }));
const slow = api('slow.jpg', 'image/jpeg', manyScanJpeg({ width: 4000, height: 3000, scans: 16 }));
const flatJson: Request = {
  path: '/v1/predict',
  body: new TextEncoder().encode(`[${'1,'.repeat(1_500_000)}1]`),
  contentType: 'application/json',
};
const noise = new Uint8Array(9 * 1024 * 1024);
for (let i = 0, random = mulberry32(7); i < noise.length; i++) noise[i] = Math.floor(random() * 256);
const bigBody = api('noise.bin', 'application/octet-stream', noise);
const cmyk = api('cmyk.jpg', 'image/jpeg', cmykJpeg({ width: 4000, height: 3000 }));
/** A multipart body whose one part has this Content-Disposition parameter text after name="file". */
const disposition = (params: string): Request => ({
  path: '/api',
  body: new TextEncoder().encode(
    `--b\r\nContent-Disposition: form-data; name="file"${params}\r\nContent-Type: image/png\r\n\r\nPNG\r\n--b--\r\n`,
  ),
  contentType: 'multipart/form-data; boundary=b',
});
/** /v1/read with a raw PNG body: an ordinary 5-digit number, and pictures built to make the reader work hard. */
const read = (bytes: Uint8Array): Request => ({
  path: '/v1/read',
  body: Uint8Array.from(bytes),
  contentType: 'image/png',
});
const readNumber = read(numberPicture([5, 7, 8, 6, 1], { scale: 1, gap: 6 }).png);
const readHostile = Object.values(hostileReadPictures()).map(read);
const redos = [
  disposition(`; filename=x${' '.repeat(16_000)}y.png`),
  disposition(`; filename=x${' '.repeat(91_000)}y.png`),
];
const manyParams = disposition('; p=v'.repeat(2_000_000));
const headersOnly = (declare: number): Request => ({
  headersOnly: { declare },
  path: '/api',
  body: new Uint8Array(0),
  contentType: 'multipart/form-data; boundary=b',
});

const ALL_ROLES: readonly Role[] = [
  { name: 'normal', connections: 22, next: (random) => (random() < 0.9 ? png : photo) },
  { name: 'many-scan', connections: 2, next: () => manyScan },
  { name: 'multiframe', connections: 1, next: () => multiFrame },
  { name: 'flat-json', connections: 1, next: () => flatJson },
  { name: 'slow', connections: 2, next: () => slow },
  { name: 'hang-up', connections: 2, next: () => ({ ...slow, hangUpMs: 3_000 }) },
  { name: 'big-body', connections: 2, next: () => bigBody },
  {
    name: 'headers-only',
    connections: 7,
    next: (random) => headersOnly(random() < 1 / 7 ? 4 * 1024 * 1024 : 10 * 1024 * 1024),
  },
  { name: 'redos', connections: 1, next: (random) => redos[random() < 0.5 ? 0 : 1]! },
  { name: 'many-params', connections: 1, next: () => manyParams },
  { name: 'cmyk', connections: 2, next: () => cmyk },
  { name: 'read', connections: 2, next: () => readNumber },
  { name: 'read-hostile', connections: 2, next: (random) => readHostile[Math.floor(random() * readHostile.length)]! },
];
const only = flags.only?.split(',').map((name) => name.trim());
const unknown = only?.filter((name) => !ALL_ROLES.some((role) => role.name === name)) ?? [];
if (unknown.length > 0) {
  process.stderr.write(
    `--only: unknown role(s) ${unknown.join(', ')}; roles: ${ALL_ROLES.map((r) => r.name).join(', ')}\n`,
  );
  process.exit(1);
}
const ROLES = only ? ALL_ROLES.filter((role) => only.includes(role.name)) : ALL_ROLES;

interface Tally {
  statuses: Map<string, number>;
  latencies: number[];
  undocumented5xx: number;
  all5xx: number;
}

/**
 * Sends headers declaring a body, then nothing, and waits for the server to answer or close (until `until`).
 * @returns The answer's status, or what happened to the socket.
 */
function headersOnlyRequest(url: string, request: Request, until: number): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let head = '';
    const stop = setTimeout(() => done('still open at the end'), Math.max(0, until - Date.now()));
    const done = (status: string) => {
      clearTimeout(stop);
      socket.destroy();
      resolve(status);
    };
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      head += chunk;
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (status) done(status[1]!);
    });
    socket.on('error', (err) => done(`error: ${err.message}`));
    socket.on('close', () => done('closed'));
    socket.write(
      `POST ${request.path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: ${request.contentType}\r\n` +
        `Content-Length: ${request.headersOnly!.declare}\r\n\r\n`,
    );
  });
}

/** What the /healthz probe saw: every latency in ms (Infinity for a failed probe), and when (s since it began). */
interface HealthProbe {
  readonly latencies: number[];
  readonly slow: { readonly at: number; readonly ms: number }[];
}

/**
 * Probes /healthz every 100 ms from a child process (so this process's own load does not slow the probe) and
 * resolves with every latency seen, in ms, when stopped.
 */
function probeHealth(url: string): { ready: Promise<void>; stop: () => Promise<HealthProbe> } {
  const script = `
    const seen = []; let begun = 0; let stopping = false;
    process.stdin.on('data', () => { stopping = true; });
    (async () => {
      // Untimed: a process's first fetch loads undici and opens the connection (~200 ms here), which is not the server.
      await (await fetch(process.argv[1] + '/healthz')).text();
      process.stdout.write('R');
      begun = performance.now();
      while (!stopping) {
        const t = performance.now();
        try { await (await fetch(process.argv[1] + '/healthz')).text(); seen.push([t - begun, performance.now() - t]); }
        catch { seen.push([t - begun, -1]); }
        await new Promise((r) => setTimeout(r, 100));
      }
      process.stdout.write(JSON.stringify(seen));
    })();`;
  const child = spawn(process.execPath, ['-e', script, url], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let warm: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (warm = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    if (out.startsWith('R')) warm();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    ready,
    stop: async () => {
      child.stdin.end('stop');
      await exited;
      const seen = (JSON.parse(out.slice(1)) as [number, number][]).map(([at, ms]) => ({
        at: at / 1000,
        ms: ms < 0 ? Infinity : ms,
      }));
      return { latencies: seen.map((s) => s.ms), slow: seen.filter((s) => s.ms > 100) };
    },
  };
}

async function startServerProcess(): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  // As `npm start` runs it (scripts/start.mjs): its node flags, then any given here.
  const nodeFlags = [...serverNodeFlags(), ...(flags['server-flags']?.split(' ').filter((f) => f !== '') ?? [])];
  const args = [...nodeFlags, 'dist/cli/main.js', 'serve', '--port', '0', '--host', '127.0.0.1'];
  if (flags.model) args.push('--model', flags.model);
  if (flags.threads) args.push('--threads', flags.threads);
  const stdout: number | 'ignore' = flags['server-stdout'] ? openSync(flags['server-stdout'], 'w') : 'ignore';
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', stdout, 'pipe'],
    // As `npm start` runs it (scripts/start.mjs): jemalloc where the system has it, else glibc's mmap threshold fixed.
    env: { ...process.env, LOG_LEVEL: 'info', ...allocatorEnv() },
  });
  let log = '';
  const stderr = child.stderr!; // piped above
  const url = await new Promise<string>((resolve, reject) => {
    stderr.setEncoding('utf8');
    stderr.on('data', (chunk: string) => {
      log += chunk;
      process.stderr.write(`[server] ${chunk}`);
      const listening = /listening on (\S+)/.exec(log);
      if (listening && log.includes('model ready')) resolve(listening[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with code ${code} before it was ready:\n${log}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url, pid: child.pid!, stop };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

interface Answer {
  readonly status: number;
  readonly retryAfter: boolean;
}

/** Sockets that already have an error listener (see post). */
const quietSockets = new WeakSet<object>();

/**
 * POSTs on this client's own keep-alive socket (an Agent with one socket per simulated client), as separate
 * clients would: one client's early 413 or reset never lands on another's request, as it can through fetch's
 * shared pool.
 */
function post(url: string, agent: Agent, request: Request, signal: AbortSignal): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}${request.path}`,
      {
        method: 'POST',
        agent,
        signal,
        headers: { 'content-type': request.contentType, 'content-length': request.body.byteLength },
      },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] !== undefined }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    // The server may answer early (413) and close while the body is still being written: the write then fails
    // with EPIPE after the answer arrived, which is not this request's error any more.
    req.on('socket', (socket) => {
      if (!quietSockets.has(socket)) socket.on('error', () => undefined);
      quietSockets.add(socket);
    });
    req.end(request.body);
  });
}

async function connection(url: string, role: Role, seed: number, until: number, tally: Tally): Promise<void> {
  const random = mulberry32(seed);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  while (Date.now() < until) {
    const request = role.next(random);
    if (request.headersOnly) {
      const status = await headersOnlyRequest(url, request, until);
      tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
      continue;
    }
    const started = performance.now();
    const abort = new AbortController();
    const hangUp = request.hangUpMs === undefined ? undefined : setTimeout(() => abort.abort(), request.hangUpMs);
    let status: string;
    try {
      const res = await post(url, agent, request, abort.signal);
      status = String(res.status);
      if (res.status >= 500) tally.all5xx++;
      if (res.status >= 500 && !(res.status === 503 && res.retryAfter)) tally.undocumented5xx++;
      if (role.name === 'normal' && res.status === 200) tally.latencies.push(performance.now() - started);
    } catch (err) {
      const code = (err as { code?: string }).code;
      status = abort.signal.aborted
        ? 'hung up'
        : `error: ${code ?? (err instanceof Error ? err.message : String(err))}`;
    } finally {
      clearTimeout(hangUp);
    }
    tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
  }
  agent.destroy();
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const server = await startServerProcess();
  let peakRss = rssMb(server.pid);
  const idleRss = peakRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssMb(server.pid));
  }, 100);
  const tallies = new Map<string, Tally>(
    ROLES.map((r) => [r.name, { statuses: new Map(), latencies: [], undocumented5xx: 0, all5xx: 0 }]),
  );
  const until = Date.now() + seconds * 1000;
  let seed = 1;
  try {
    process.stderr.write(
      `soak: ${ROLES.reduce((n, r) => n + r.connections, 0)} connections for ${seconds} s against ${server.url}\n`,
    );
    // Opens the server's event-loop delay window (it covers the time since the previous scrape).
    await (await fetch(`${server.url}/metrics`)).text();
    const health = probeHealth(server.url);
    await health.ready;
    await Promise.all(
      ROLES.flatMap((role) =>
        Array.from({ length: role.connections }, () =>
          connection(server.url, role, seed++, until, tallies.get(role.name)!),
        ),
      ),
    );
    const probe = await health.stop();
    const healthSeen = probe.latencies.sort((a, b) => a - b);
    const healthWorst = healthSeen.at(-1) ?? Infinity;
    const attackMetrics = await (await fetch(`${server.url}/metrics`)).text();
    const loopDelayMs = 1000 * Number(/^nodejs_eventloop_delay_max_seconds (\S+)$/m.exec(attackMetrics)?.[1] ?? NaN);
    const attackPeakRss = peakRss;
    // Idle, as a server is after an attack: does its memory come back?
    await new Promise((resolve) => setTimeout(resolve, settleSeconds * 1000));
    const settledRss = rssMb(server.pid);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const ready = await fetch(`${server.url}/readyz`);
    const after = await fetch(`${server.url}/api`, {
      method: 'POST',
      body: png.body,
      headers: { 'content-type': png.contentType },
    });
    clearInterval(sampler);
    const normal = tallies.get('normal') ?? { latencies: [] };
    const sorted = [...normal.latencies].sort((a, b) => a - b);
    const undocumented = [...tallies.values()].reduce((n, t) => n + t.undocumented5xx, 0);
    const all5xx = [...tallies.values()].reduce((n, t) => n + t.all5xx, 0);
    const pick = (name: string) =>
      metrics
        .split('\n')
        .filter((line) => line.startsWith(name))
        .join('; ') || `${name} (absent)`;
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    const lines = [
      `Soak benchmark (${availableParallelism()} cores, ${cpu}; Node ${process.version}; ${seconds} s + ${settleSeconds} s idle; npm run bench:soak)`,
      '',
      '| connections | role | answers by status |',
      '| ---: | --- | --- |',
      ...ROLES.map((role) => {
        const statuses = [...tallies.get(role.name)!.statuses]
          .sort()
          .map(([s, n]) => `${s}: ${n}`)
          .join(', ');
        return `| ${role.connections} | ${role.name} | ${statuses} |`;
      }),
      '',
      `5xx answers: ${all5xx}; other than documented 503s with Retry-After: ${undocumented}`,
      `/healthz (probed every 100 ms from another process, ${healthSeen.length} probes): p50 ${percentile(healthSeen, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(healthSeen, 99).toFixed(1)} ms, worst ${healthWorst.toFixed(1)} ms, ` +
        `${probe.slow.length} over 100 ms${probe.slow.length > 0 ? ` (${probe.slow.map((s) => `${s.ms.toFixed(0)} ms at ${s.at.toFixed(1)} s`).join(', ')})` : ''}; ` +
        `the server's longest event-loop delay during the attack: ${loopDelayMs.toFixed(1)} ms`,
      `normal requests answered 200: ${sorted.length} (${(sorted.length / seconds).toFixed(0)}/s), p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms`,
      `server RSS: ${idleRss.toFixed(0)} MB when ready, peak ${attackPeakRss.toFixed(0)} MB, ${settledRss.toFixed(0)} MB after ${settleSeconds} s idle`,
      `after the soak: /readyz ${ready.status}, /api ${after.status} ${await after.text()}`,
      `server metrics: ${pick('predict_worker_restarts_total')}; ${pick('predict_tasks_over_deadline_total')}`,
      `rejections: ${pick('http_rejected_total{')}`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
  } finally {
    clearInterval(sampler);
    await server.stop();
  }
}

await main();
