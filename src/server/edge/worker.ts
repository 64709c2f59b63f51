/**
 * The web app on an edge runtime (Cloudflare Workers, workerd): the standard module-worker `fetch` handler of the
 * same `createApp` as the Node server, with the shipped model bundled as a data module and the kernel engine's
 * WebAssembly imported as a compiled module (workerd refuses to compile WebAssembly from bytes at run time).
 * Predictions run in the request, on the in-process predictor: there are no worker threads here.
 *
 * Nothing runs at global scope but imports: the app is made by the first request, which also starts decoding
 * the model (gunzip, JSON, validation, engine; see docs/EDGE.md for what it costs).
 * Build and serve locally: `npm run start:edge` (scripts/edge/).
 */
import type { ExecutionContext, Hono } from 'hono';
import { createJsEngine } from '../../ml/engine/js-engine.js';
import type { ModelEngine } from '../../ml/engine/types.js';
import { createWasmEngine } from '../../ml/engine/wasm-engine.js';
import type { SvmModel } from '../../ml/model.js';
import { createApp } from '../app.js';
import { createInProcessPredictor } from '../in-process-predictor.js';
import { createLazyPredictor } from './lazy-predictor.js';
import { edgeEnvironment } from './limits.js';
import { modelFromBytes } from './model-bytes.js';
// Resolved by the runtime, not the bundler: modules of the worker beside worker.js (scripts/edge/build.ts).
import modelFile from './model.bin';
import kernelModule from './kernel.wasm';

/**
 * The WebAssembly SIMD engine from the imported module; the JavaScript reference where the runtime cannot
 * instantiate it (no SIMD), so the worker still answers, only slower.
 */
function edgeEngine(model: SvmModel, module: WebAssembly.Module): ModelEngine {
  try {
    return createWasmEngine(model, { plain: module });
  } catch (error) {
    console.error(`WebAssembly engine unavailable, using the JavaScript engine: ${(error as Error).message}`);
    return createJsEngine(model);
  }
}

/** Worker bindings that are strings (wrangler `vars`, workerd `text` bindings): the app reads its limits from them. */
function textBindings(env: unknown): Record<string, string> {
  if (typeof env !== 'object' || env === null) return {};
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

let app: Hono | undefined;
let start: (() => Promise<void>) | undefined;

/** The app of this isolate, made by its first request; the model load it starts is kept alive by `waitUntil`. */
function appFor(env: unknown, ctx: ExecutionContext | undefined): Hono {
  if (app === undefined || start === undefined) {
    const lazy = createLazyPredictor(async () => {
      const { model, sha256 } = await modelFromBytes(new Uint8Array(modelFile));
      return createInProcessPredictor(model, sha256, edgeEngine(model, kernelModule));
    });
    // Limits that fit a 128 MB isolate (limits.ts), under the worker's own bindings.
    app = createApp({ predictor: lazy.predictor, env: edgeEnvironment(textBindings(env)) });
    start = lazy.start;
  }
  const loading = start();
  ctx?.waitUntil(loading);
  return app;
}

/** The module worker: `export default { fetch }`, as Workers and workerd expect. */
export default {
  fetch(request: Request, env: unknown, ctx?: ExecutionContext): Response | Promise<Response> {
    return appFor(env, ctx).fetch(request, env, ctx);
  },
};
