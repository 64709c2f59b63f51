import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerLimits } from '../limits.js';
import { resolveServeConfig, type ServeConfig } from './config.js';
import { lazyFeedbackStore, socketClientKey } from './feedback-store.js';
import { createPredictPool, type PredictPool } from './predict-pool.js';
import type { ModelSource } from './pool-protocol.js';
import { runtimeGauges } from './runtime-gauges.js';

/** Options of `startServer`; anything unset comes from the environment, then the defaults. */
export interface StartOptions extends Partial<ServeConfig> {
  /** Load this model value into the workers instead of a file (tests). */
  readonly modelSource?: ModelSource;
  readonly limits?: Partial<ServerLimits>;
  /** Environment for configuration. Default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where log lines go (unexpected errors, and access lines with LOG_LEVEL=debug). Default: stderr. */
  readonly log?: (line: string) => void;
}

/** A listening server. */
export interface RunningServer {
  /** e.g. http://127.0.0.1:5000 (a wildcard host is shown as 127.0.0.1, where it can be reached). */
  readonly url: string;
  readonly port: number;
  readonly pool: PredictPool;
  /** The resolved settings (threads, deadline, log level, ...). */
  readonly config: ServeConfig;
  /** Stops accepting, lets in-flight requests finish (at most `graceMs`), then stops the worker threads. */
  close(graceMs?: number): Promise<void>;
}

/** In-flight requests get this long to finish on shutdown; Docker's default stop timeout is 10 s. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 8_000;
/** 1 s before the grace ends, queued images are refused: room to write their 503s on a busy machine. */
const SHED_BEFORE_CLOSE_MS = 1_000;

/**
 * Starts the HTTP server with a worker pool: the only place that opens a socket. It listens at once (so /healthz
 * answers) while the workers load the model (/readyz turns 200 when they have).
 * @param options - Port, host, model, threads, limits.
 * @returns The running server.
 * @example const server = await startServer({ port: 0, host: '127.0.0.1' });
 */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const config = resolveServeConfig(options, env);
  const pool = createPredictPool({
    source: options.modelSource ?? { kind: 'file', path: config.modelPath },
    threads: config.threads,
    taskDeadlineMs: config.taskDeadlineMs,
    maxQueue: config.maxQueue,
    decodeMemoryBytes: config.decodeMemoryMb * 1024 * 1024,
    maxBatch: config.maxBatch,
    logError: (message) => {
      if (config.logLevel !== 'silent') log(`error: ${message}`);
    },
  });
  // FEEDBACK=off opens no database at all.
  const feedbackStore = /^(off|0|false)$/i.test(env['FEEDBACK'] ?? '') ? undefined : lazyFeedbackStore(env, log);
  const runtime = runtimeGauges();
  // Imported only now, after the pool has started its workers and the model load: the routes, their schemas and the
  // page (~0.3 s of imports on a 2-core EPYC) load while the workers boot, instead of before they start. The Node
  // adapter too: it reads the global Request and Response at import, which loads Node's fetch (undici); imported
  // with this module, it held the model file's read back ~25 ms (bench:start, 2-core EPYC).
  const [{ createPredictorApp }, { createAdaptorServer }] = await Promise.all([
    import('../predictor-app.js'),
    import('@hono/node-server'),
  ]);
  const app = createPredictorApp(pool, {
    runtimeGauges: runtime.read,
    env,
    ...(feedbackStore ? { feedbackStore } : {}),
    clientKey: socketClientKey,
    reloadModel: async () => ({ sha256: (await pool.reload()).sha256 }),
    ...(options.limits ? { limits: options.limits } : {}),
    // Only unexpected failures reach here (documented 4xx/503 answers are not errors of ours).
    logError: (err) => {
      if (config.logLevel !== 'silent')
        log(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    },
    ...(config.logLevel === 'debug'
      ? { logAccess: (entry) => log(JSON.stringify({ time: new Date().toISOString(), ...entry })) }
      : {}),
  });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  // Slow clients must not hold sockets forever (slowloris); the longest legitimate upload fits well within.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    runtime.stop();
    await pool.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;

  let closing: Promise<void> | undefined;
  const close = (graceMs = DEFAULT_SHUTDOWN_GRACE_MS): Promise<void> => {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets with no request in flight would otherwise hold close() open until they time out.
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
      // Queued images that cannot start in time are answered 503 CLOSED (Retry-After) a moment before the
      // connections are cut, so their clients get an answer rather than a reset.
      const shed = setTimeout(() => pool.shed(), Math.max(0, graceMs - SHED_BEFORE_CLOSE_MS));
      try {
        await closed;
      } finally {
        clearInterval(sweep);
        clearTimeout(deadline);
        clearTimeout(shed);
      }
      await pool.close();
      await feedbackStore?.close();
      runtime.stop();
    })();
    return closing;
  };
  return { url, port, pool, config, close };
}
