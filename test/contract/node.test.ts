import { afterAll, beforeAll } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/node/serve.js';
import { CONTRACT_ENV, describeHttpContract } from './contract.js';

// The Node server as `npm start` runs it (worker pool, shipped model), on a loopback port.
let server: RunningServer;
beforeAll(async () => {
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    threads: 1,
    env: { ...CONTRACT_ENV },
    log: () => undefined,
  });
  await server.pool.whenReady();
});
afterAll(() => server?.close());

describeHttpContract('node', () => server.url);
