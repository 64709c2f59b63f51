import { parseArgs, describeFlags, numberIn, type FlagSpecs } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { startServer } from '../../server/node/serve.js';

const FLAGS = {
  port: {
    kind: 'value',
    valueName: 'n',
    description: 'Port to listen on (env PORT, default 5000; 0 = any free port)',
    parse: numberIn(0, 65535, true),
  },
  host: { kind: 'value', valueName: 'address', description: 'Interface to bind (env HOST, default 0.0.0.0)' },
  model: {
    kind: 'value',
    valueName: 'path',
    description: 'Model file (env MODEL_PATH, default: the shipped model/model.bin)',
  },
  threads: {
    kind: 'value',
    valueName: 'n',
    description: 'Prediction worker threads (env PREDICT_THREADS, default: one per core)',
    parse: numberIn(1, 256, true),
  },
  help: { kind: 'boolean', description: 'Show this help' },
} satisfies FlagSpecs;

const HELP = `Usage: serve [options]

Starts the web app: the upload-and-draw page at /, the old POST /api, POST /v1/predict, GET /v1/model,
/healthz, /readyz, /metrics, /openapi.json and /docs. Stops gracefully on SIGTERM or SIGINT; SIGHUP reloads
the model file with no failed request (docs/FEEDBACK.md).

Options:
${describeFlags(FLAGS)}

Request limits come from MAX_BODY_BYTES, MAX_JSON_BYTES, MAX_BODY_BYTES_IN_FLIGHT, MAX_FILES, MAX_IMAGE_PIXELS and
MODEL_WAIT_MS; the worker pool's from TASK_DEADLINE_MS, MAX_QUEUE and DECODE_MEMORY_MB (docs/SERVER.md).
LOG_LEVEL: error hides the info lines, silent hides everything, debug adds one JSON access line per request.`;

/** Waits for the first SIGTERM or SIGINT, then stops listening for them. */
function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onTerm = () => done('SIGTERM');
    const onInt = () => done('SIGINT');
    const done = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      resolve(signal);
    };
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
}

/**
 * `serve`: runs the HTTP server until SIGTERM/SIGINT, then shuts down gracefully (stop accepting, finish
 * in-flight requests, stop the worker threads). Exits 1 if the model cannot be loaded.
 * @example node dist/cli/main.js serve --port 8080 --threads 2
 */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the web app and HTTP API (default port 5000)',
  help: HELP,
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, FLAGS);
    if (positionals.length > 0)
      throw new UsageError(`serve takes no positional arguments, got '${positionals.join(' ')}' (use --port)`);
    if (flags['help'] === true) {
      io.stdout(`${HELP}\n`);
      return 0;
    }
    const server = await startServer({
      ...(flags['port'] !== undefined ? { port: flags['port'] } : {}),
      ...(flags['host'] !== undefined ? { host: flags['host'] } : {}),
      ...(flags['model'] !== undefined ? { modelPath: flags['model'] } : {}),
      ...(flags['threads'] !== undefined ? { threads: flags['threads'] } : {}),
      log: (line) => io.stderr(`${line}\n`),
    });
    // Startup and shutdown lines are info: LOG_LEVEL=error or silent hides them.
    const level = server.config.logLevel;
    const info = level === 'error' || level === 'silent' ? () => undefined : (text: string) => io.stderr(text);
    info(
      `${listeningLine(server.config.host, server.port, server.url)} (${server.pool.threads} prediction threads); loading the model…\n`,
    );
    const signal = nextSignal().then((name) => ({ kind: 'signal', name }) as const);
    // SIGHUP: hot reload (workers swap models between batches; in-flight requests end on the old one).
    const onHup = () =>
      void server.pool.reload().then(
        (model) => info(`SIGHUP: model reloaded, sha256 ${model.sha256 ?? '-'}\n`),
        (err: unknown) =>
          io.stderr(
            `SIGHUP: reload failed, the old model keeps serving: ${err instanceof Error ? err.message : String(err)}\n`,
          ),
      );
    process.on('SIGHUP', onHup);
    const ready = server.pool.whenReady().then(
      (model) => {
        info(`model ready: format ${model.format}, sha256 ${model.sha256 ?? '-'}\n`);
        return { kind: 'ready' } as const;
      },
      (error: unknown) => ({ kind: 'failed', error }) as const,
    );
    const first = await Promise.race([ready, signal]);
    if (first.kind === 'failed') {
      io.stderr(`cannot load the model: ${first.error instanceof Error ? first.error.message : String(first.error)}\n`);
      process.off('SIGHUP', onHup);
      await server.close(0);
      return 1;
    }
    const stop = first.kind === 'signal' ? first : await signal;
    process.off('SIGHUP', onHup);
    info(`${stop.name}: shutting down\n`);
    const started = Date.now();
    await server.close();
    info(`stopped in ${Date.now() - started} ms\n`);
    return 0;
  },
};

/**
 * What the server really listens on. A wildcard host (0.0.0.0, ::) accepts connections on every interface, so the
 * line says so and gives the URL that reaches it from this machine; any other host is the one address bound.
 * @example listeningLine('0.0.0.0', 5000, 'http://127.0.0.1:5000')
 * // 'listening on every interface (0.0.0.0), port 5000: http://127.0.0.1:5000 from this machine'
 */
export function listeningLine(host: string, port: number, url: string): string {
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  return wildcard
    ? `listening on every interface (${host === '' ? '0.0.0.0' : host}), port ${port}: ${url} from this machine`
    : `listening on ${url}`;
}
