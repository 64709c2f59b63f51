import type { Predictor } from '../predictor.js';

/**
 * A predictor whose model is loaded on first use, for runtimes that forbid asynchronous work at global scope
 * (Workers, workerd): `start()` begins the load (call it from the first request), and until the load finishes
 * `describe()` is undefined, so /readyz answers 503 and prediction routes wait for it (at most `modelWaitMs`).
 * A failed load is kept: every later prediction is refused with 503 MODEL_NOT_READY, /readyz says `failed`.
 * @param load - Makes the real predictor (e.g. an in-process one once the bundled model is decoded).
 * @returns The predictor, and `start` which begins the load once and returns its promise.
 * @example const lazy = createLazyPredictor(async () => createInProcessPredictor(model)); ctx.waitUntil(lazy.start());
 */
export function createLazyPredictor(load: () => Promise<Predictor>): {
  predictor: Predictor;
  start: () => Promise<void>;
} {
  let loaded: Predictor | undefined;
  let loading: Promise<Predictor> | undefined;
  let resolveReady: (p: Predictor) => void = () => undefined;
  let rejectReady: (e: unknown) => void = () => undefined;
  // whenReady() may be asked before start() (createApp asks at once): one promise settles both.
  const ready = new Promise<Predictor>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  // The app attaches its own handler; this one keeps an early failure from being reported as unhandled.
  ready.catch(() => undefined);

  const start = (): Promise<void> => {
    loading ??= load().then(
      (predictor) => {
        loaded = predictor;
        resolveReady(predictor);
        return predictor;
      },
      (error: unknown) => {
        rejectReady(error);
        throw error;
      },
    );
    return loading.then(
      () => undefined,
      () => undefined,
    );
  };

  const predictor: Predictor = {
    describe: () => loaded?.describe(),
    whenReady: async () => (await ready).whenReady(),
    predict: async (bytes, options, signal) => (await ready).predict(bytes, options, signal),
    read: async (bytes, options, signal) => (await ready).read(bytes, options, signal),
    close: async () => {
      if (loaded !== undefined) await loaded.close();
    },
  };
  return { predictor, start };
}
