// A server in its own process (test/feedback/kill.test.ts kills it with SIGKILL): prints its URL, then serves.
import { startServer } from '../../src/server/node/serve.js';

const server = await startServer({ port: 0, host: '127.0.0.1', log: () => undefined });
await server.pool.whenReady();
process.stdout.write(`${server.url}\n`);
