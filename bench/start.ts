/**
 * Start-to-ready time of the built server: spawns `node dist/cli/main.js serve --port 0 --host 127.0.0.1` N times,
 * one after the other, and measures from just before the spawn until `GET /readyz` first answers 200 (issue 25's
 * target: at most 1.0 s). Also reports when the server printed its listening line. Each run is stopped with SIGTERM
 * before the next starts, so runs never overlap.
 *
 *   npm run bench:start                       (builds, then 10 runs)
 *   npx tsx bench/start.ts --runs 5           (dist/ as it is)
 *   options: --runs <n>, --model <path> (default: the shipped model), --threads <n>,
 *            --server-flags='--cpu-prof --cpu-prof-dir=/tmp/prof' (Node flags for the server process; written with =,
 *            as the value starts with a dash)
 *
 * /readyz is polled every 5 ms over node:http (not fetch: its first call loads undici, ~200 ms of this process's
 * time on a 2-core machine, which would delay the poll). Traffic goes only to 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';

const POLL_MS = 5;
/** A run that is not ready by then has failed (the target is 1 s; a cold disk can take a few). */
const RUN_TIMEOUT_MS = 30_000;

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    model: { type: 'string' },
    threads: { type: 'string' },
    'server-flags': { type: 'string' },
  },
});
const runs = Number(flags.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write(`--runs must be a positive integer, got '${flags.runs}'\n`);
  process.exit(1);
}

interface Run {
  readonly listeningMs: number;
  readonly readyMs: number;
}

/** Resolves with the status of GET url, or null when nothing answers (not listening yet, reset). */
function status(url: string): Promise<number | null> {
  return new Promise((resolve) => {
    const req = get(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? null);
    });
    req.on('error', () => resolve(null));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function once(): Promise<Run> {
  const serverFlags = flags['server-flags']?.split(' ').filter((f) => f !== '') ?? [];
  const args = [...serverFlags, 'dist/cli/main.js', 'serve', '--port', '0', '--host', '127.0.0.1'];
  if (flags.model !== undefined) args.push('--model', flags.model);
  if (flags.threads !== undefined) args.push('--threads', flags.threads);
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env } });
  let stderr = '';
  try {
    const listening = await new Promise<{ url: string; at: number }>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`not listening after ${RUN_TIMEOUT_MS} ms:\n${stderr}`)),
        RUN_TIMEOUT_MS,
      );
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        stderr += chunk;
        const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
        if (url !== undefined) {
          clearTimeout(timer);
          resolve({ url, at: performance.now() });
        }
      });
      child.once('exit', (code) => reject(new Error(`the server exited with code ${code}:\n${stderr}`)));
    });
    for (;;) {
      if ((await status(`${listening.url}/readyz`)) === 200)
        return { listeningMs: listening.at - started, readyMs: performance.now() - started };
      if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}:\n${stderr}`);
      if (performance.now() - started > RUN_TIMEOUT_MS) throw new Error(`not ready after ${RUN_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    await stop(child);
  }
}

function summary(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return `median ${median.toFixed(0)} ms, min ${sorted[0]!.toFixed(0)}, max ${sorted.at(-1)!.toFixed(0)}`;
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
process.stdout.write(
  `machine: ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}\n` +
    `load average before: ${load()}\n` +
    `command: node ${flags['server-flags'] ?? ''} dist/cli/main.js serve --port 0 --host 127.0.0.1` +
    `${flags.model === undefined ? '' : ` --model ${flags.model}`}${flags.threads === undefined ? '' : ` --threads ${flags.threads}`}, ${runs} runs\n`,
);
const results: Run[] = [];
for (let k = 0; k < runs; k++) {
  const run = await once();
  results.push(run);
  process.stdout.write(
    `run ${k + 1}: listening ${run.listeningMs.toFixed(0)} ms, ready ${run.readyMs.toFixed(0)} ms\n`,
  );
}
process.stdout.write(
  `start to listening: ${summary(results.map((r) => r.listeningMs))}\n` +
    `start to ready (/readyz 200): ${summary(results.map((r) => r.readyMs))}\n` +
    `load average after: ${load()}\n`,
);
