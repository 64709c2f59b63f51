import { parentPort, workerData } from 'node:worker_threads';
import { loadModelFile } from '../../node/model-file.js';
import { toWireError } from './pool-protocol.js';
import { shareModel } from './share-model.js';

/**
 * Reads, parses and places the model in shared memory, posts it, and exits. Run in a thread of its own so that the
 * parse's peak (the JSON text and its decoded arrays, tens of MB) is freed with that thread's heap instead of
 * staying committed in the main thread's heap for the life of the server.
 */
const port = parentPort;
if (port === null) throw new Error('model-loader-worker.ts must run as a worker thread');

try {
  const { model, sha256 } = await loadModelFile((workerData as { path: string }).path);
  port.postMessage({ type: 'loaded', model: shareModel(model), sha256 });
} catch (err) {
  port.postMessage({ type: 'failed', error: toWireError(err) });
}
