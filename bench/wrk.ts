/**
 * `POST /api` measured the way the old Flask app was (wrk in its own process, a multipart 28x28 PNG): the
 * throughput figure of the engine issue, next to the old app's 504-512 req/s (gunicorn, 2 workers, same machine).
 *
 *   npm run bench:wrk                      (builds, then: 3 runs x 20 s at 16 connections, 10 s at 1 connection)
 *   npm run bench:wrk -- --seconds 10 --runs 2 --connections 16 --no-image-env
 *   npm run bench:wrk -- --reload-every 5  (SIGHUP every 5 s during the 16-connection runs: a hot reload of the
 *                                           model file each time; the table's last columns count failures)
 *   npm run bench:wrk -- --env start --page --seconds 15 --runs 2
 *                                          (issue 25's memory figure: the server as `npm start` runs it, each
 *                                           16-connection round on /api followed by one on the page, GET /)
 *
 * The server is `node dist/cli/main.js serve` with the Docker image's runtime settings (NODE_OPTIONS and the glibc
 * allocator variables from the Dockerfile's ENV) unless `--env start` (the allocator settings `npm start` adds,
 * and node flags, scripts/server-env.mjs: nothing else) or `--env none` / `--no-image-env` (none at all). Reports, per run: requests/s, p50 and
 * p99 latency, non-2xx answers; the server's CPU per request split into main thread / prediction workers / other
 * threads (from /proc/<pid>/task/<tid>/stat, Linux only); its RSS when ready, after the 16-connection runs, and the
 * machine's load average. wrk must be installed (`apt-get install wrk`); traffic goes only to 127.0.0.1.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { multipartBody, smallDigitPng } from './server-images.js';

// The allocator settings npm start gives the server (plain JavaScript, so that npm start runs before any build).
const serverEnvModule: string = '../scripts/server-env.mjs';
const { allocatorEnv, serverNodeFlags } = (await import(serverEnvModule)) as {
  allocatorEnv: () => Record<string, string>;
  serverNodeFlags: () => string[];
};

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    runs: { type: 'string', default: '3' },
    connections: { type: 'string', default: '16' },
    port: { type: 'string', default: '5077' },
    'no-image-env': { type: 'boolean', default: false },
    env: { type: 'string', default: 'image' },
    page: { type: 'boolean', default: false },
    'reload-every': { type: 'string' },
  },
});
const reloadEvery = flags['reload-every'] === undefined ? undefined : Number(flags['reload-every']);
if (reloadEvery !== undefined && !(reloadEvery > 0)) {
  console.error(`--reload-every must be a positive number of seconds, got '${flags['reload-every']}'`);
  process.exit(2);
}
const seconds = Number(flags.seconds);
const runs = Number(flags.runs);
const connections = Number(flags.connections);
const port = Number(flags.port);

if (spawnSync('wrk', ['--version']).error) {
  console.error('bench:wrk needs wrk on the PATH (Debian: apt-get install wrk)');
  process.exit(2);
}

/** The runtime ENV of the shipped image, read from the Dockerfile so the two cannot drift. */
function imageEnv(): Record<string, string> {
  const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  for (const m of runtime.matchAll(/\b(NODE_OPTIONS|MALLOC_[A-Z_]+)=(\S+)/g)) env[m[1] as string] = m[2] as string;
  return env;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-wrk-'));
const { body, contentType } = multipartBody('digit.png', 'image/png', smallDigitPng());
writeFileSync(path.join(dir, 'body.bin'), body);
const script = path.join(dir, 'post.lua');
writeFileSync(
  script,
  `wrk.method = "POST"\nlocal f = io.open("${path.join(dir, 'body.bin')}", "rb")\nwrk.body = f:read("*all")\nf:close()\nwrk.headers["Content-Type"] = "${contentType}"\n`,
);

const envKind = flags['no-image-env'] ? 'none' : flags.env;
if (envKind !== 'image' && envKind !== 'start' && envKind !== 'none') {
  console.error(`--env must be image, start or none, got '${envKind}'`);
  process.exit(2);
}
const extraEnv: Record<string, string> = envKind === 'image' ? imageEnv() : envKind === 'start' ? allocatorEnv() : {};
const nodeFlags = envKind === 'start' ? serverNodeFlags() : [];
const server: ChildProcess = spawn(
  process.execPath,
  [...nodeFlags, 'dist/cli/main.js', 'serve', '--port', String(port), '--host', '127.0.0.1'],
  {
    // With reloads, the info lines say each one happened.
    env: { ...process.env, ...extraEnv, LOG_LEVEL: reloadEvery === undefined ? 'error' : 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  },
);
let reloads = 0;
let failedReloads = 0;
server.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
  reloads += chunk.split('SIGHUP: model reloaded').length - 1;
  failedReloads += chunk.split('SIGHUP: reload failed').length - 1;
  for (const line of chunk.split('\n')) if (/error|fail/i.test(line)) process.stderr.write(`[server] ${line}\n`);
});
const pid = server.pid!;
const url = `http://127.0.0.1:${port}`;

const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
/** CPU ms per thread id, from utime + stime in clock ticks (10 ms). */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(tid, (Number(fields[11]) + Number(fields[12])) * 10);
  }
  return out;
}

function wrk(conns: number, secs: number, target: 'api' | 'page' = 'api') {
  const args = target === 'api' ? ['-s', script, `${url}/api`] : [`${url}/`];
  const run = spawnSync('wrk', ['-t1', `-c${conns}`, `-d${secs}s`, '--latency', ...args], { encoding: 'utf8' });
  const text = run.stdout;
  const ms = (label: string) => {
    const m = new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)`).exec(text);
    if (!m) return NaN;
    return Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[m[2] as string]!;
  };
  return {
    requests: Number(/(\d+) requests in/.exec(text)?.[1] ?? 0),
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? 0),
    p50: ms('50%'),
    p99: ms('99%'),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0),
    socketErrors: (/Socket errors: (.*)/.exec(text)?.[1] ?? 'none').trim(),
  };
}

async function ready(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not become ready in 10 s');
}

try {
  await ready();
  const readyRss = rssMb();
  console.log(
    `machine: ${os.cpus()[0]?.model ?? 'unknown'} x ${os.availableParallelism()}, node ${process.version}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `server env: ${
      Object.entries(extraEnv)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || '(none)'
    }; node flags: ${nodeFlags.join(' ') || '(none)'}; NODE_OPTIONS: ${process.env['NODE_OPTIONS'] ?? '(none)'}; RSS when ready ${readyRss.toFixed(0)} MB`,
  );
  wrk(connections, 3); // warm-up: JIT, worker heaps
  console.log(
    '| route | connections | seconds | requests/s | p50 ms | p99 ms | non-2xx | CPU ms/request: main / workers / other |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  const row = (conns: number, secs: number, withReloads = false, target: 'api' | 'page' = 'api') => {
    const before = threadCpu();
    // wrk blocks this process (spawnSync), so the reloads come from a shell running beside it.
    const hup =
      withReloads && reloadEvery !== undefined
        ? spawn('sh', ['-c', `while sleep ${reloadEvery}; do kill -HUP ${pid}; done`], { stdio: 'ignore' })
        : undefined;
    const r = wrk(conns, secs, target);
    hup?.kill();
    const after = threadCpu();
    let main = 0;
    let workers = 0;
    let other = 0;
    for (const [tid, cpu] of after) {
      const used = cpu - (before.get(tid) ?? 0);
      if (tid === String(pid)) main += used;
      else if (used > 0.1 * secs * 1000)
        workers += used; // the prediction threads are the only other busy ones
      else other += used;
    }
    const per = (x: number) => (x / Math.max(1, r.requests)).toFixed(3);
    console.log(
      `| ${target === 'api' ? 'POST /api' : 'GET /'} | ${conns} | ${secs} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.non2xx} | ${per(main)} / ${per(workers)} / ${per(other)} |` +
        (reloadEvery === undefined ? '' : ` ${r.socketErrors} |`),
    );
  };
  if (reloadEvery !== undefined) console.log(`(last column: wrk's socket errors; SIGHUP every ${reloadEvery} s)`);
  for (let k = 0; k < runs; k++) {
    row(connections, seconds, true);
    if (flags.page) row(connections, seconds, false, 'page');
  }
  const loadedRss = rssMb();
  row(1, Math.min(seconds, 10));
  // The server's log lines were held while wrk blocked this process: let them arrive.
  await new Promise((resolve) => setTimeout(resolve, 500));
  if (reloadEvery !== undefined) console.log(`hot reloads done: ${reloads}, failed: ${failedReloads}`);
  console.log(
    `server RSS after the ${connections}-connection runs${flags.page ? ' (API and page)' : ''}: ${loadedRss.toFixed(0)} MB; load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
