import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker module `name` that sits beside `importMetaUrl`: the compiled `.js` in dist/, or the `.ts` source
 * when the caller itself runs from source (tsx, vitest). Node 20 will not start a `.ts` worker directly, even with
 * `--import tsx` in execArgv, so the source case boots through a tiny script that registers tsx's loader first.
 *
 * @param name module name without extension, e.g. 'train-worker'
 */
export function spawnWorker(name: string, importMetaUrl: string, options: WorkerOptions = {}): Worker {
  if (!importMetaUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, importMetaUrl), options);
  const target = new URL(`./${name}.ts`, importMetaUrl).href;
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(target)}); })`;
  return new Worker(boot, { ...options, eval: true });
}

/**
 * Starts `count` copies of the worker module `name` and waits until all have exited, handing each message to
 * `onMessage`. The first error or non-zero exit rejects; every worker is terminated either way, so a failed run
 * leaves no thread behind.
 * @param what names the threads in the error message, e.g. 'training thread'
 */
export async function runWorkers<M>(
  name: string,
  importMetaUrl: string,
  count: number,
  options: WorkerOptions,
  onMessage: (message: M) => void,
  what: string,
): Promise<void> {
  const workers = Array.from({ length: count }, () => spawnWorker(name, importMetaUrl, options));
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            worker.on('message', onMessage);
            worker.on('error', reject);
            worker.on('exit', (code) =>
              code === 0 ? resolve() : reject(new Error(`${what} exited with code ${code}`)),
            );
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
