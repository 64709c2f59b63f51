/**
 * `npm run start:edge`: builds the edge worker and serves it locally with workerd (Cloudflare Workers' runtime,
 * from npm), offline and without an account, on PORT (default 8787, wrangler's) and HOST (default 127.0.0.1: a
 * local preview of a deployment, not a server to expose). The request limits of the Node server's environment
 * (MAX_FILES, MAX_BODY_BYTES, ...) are passed to the worker as text bindings, as `vars` would be on Cloudflare.
 */
import { LIMIT_ENV_VARS } from '../../src/server/limits.js';
import { buildEdgeWorker } from './build.js';
import { startWorkerd } from './workerd.js';

/** 8787: the port `wrangler dev` uses, so the local worker is where Workers users look for it. */
export const DEFAULT_EDGE_PORT = 8787;
/** Loopback only: this previews a deployment on the developer's machine. */
export const DEFAULT_EDGE_HOST = '127.0.0.1';

const portRaw = process.env['PORT'];
const port = portRaw === undefined || portRaw.trim() === '' ? DEFAULT_EDGE_PORT : Number(portRaw);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`PORT must be an integer from 0 to 65535, got '${portRaw}'\n`);
  process.exit(2);
}
const bindings = Object.fromEntries(
  Object.values(LIMIT_ENV_VARS).flatMap((name) => {
    const value = process.env[name];
    return value === undefined || value.trim() === '' ? [] : [[name, value]];
  }),
);
const built = await buildEdgeWorker();
const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
process.stderr.write(
  `built ${built.dir}: worker.js ${kib(built.bytes.main)}, model ${kib(built.bytes.model)}, kernel.wasm ${built.bytes.wasm} B; ${kib(built.gzipBytes)} gzipped\n`,
);
const worker = await startWorkerd({ dir: built.dir, host: process.env['HOST'] || DEFAULT_EDGE_HOST, port, bindings });
process.stderr.write(`workerd listening on ${worker.url} (the model loads on the first request)\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`${signal}: stopping workerd\n`);
    void worker.close().then(() => process.exit(0));
  });
}
