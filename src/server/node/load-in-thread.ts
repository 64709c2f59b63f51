import type { SvmModel } from '../../ml/model.js';
import { spawnWorker } from '../../node/spawn-worker.js';
import { fromWireError, type WireError, type WorkerInit } from './pool-protocol.js';

/**
 * Loads a model file in a short-lived thread (model-loader-worker.ts) and returns it placed in shared memory.
 * Measured with the shipped model (built server, Intel Xeon): RSS when ready 194 -> 153 MB, and 303 -> 249 MB after
 * 5 s of wrk at 16 connections, because the parse's peak heap leaves with the thread.
 */
export function loadInThread(path: string): Promise<WorkerInit['source']> {
  return new Promise((resolve, reject) => {
    const loader = spawnWorker('model-loader-worker', import.meta.url, { workerData: { path } });
    loader.once(
      'message',
      (message: { type: 'loaded'; model: SvmModel; sha256: string } | { type: 'failed'; error: WireError }) => {
        if (message.type === 'loaded') resolve({ kind: 'value', model: message.model, sha256: message.sha256 });
        else reject(fromWireError(message.error));
        void loader.terminate();
      },
    );
    loader.once('error', reject);
    loader.once('exit', (code) => reject(new Error(`the model loader thread exited with code ${code}`)));
  });
}
