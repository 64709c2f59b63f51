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
