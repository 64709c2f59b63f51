import type { Hono } from 'hono';
import { codedHttpError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import { buildOpenApiDocument } from '../openapi.js';
import { renderDocsPage } from '../page/docs.js';
import type { Predictor } from '../predictor.js';
import type { ModelResponse } from '../schemas.js';

/** What the informational routes need from the app. */
export interface MetaDeps {
  readonly predictor: Predictor;
  readonly metrics: Metrics;
  readonly version: string;
}

/**
 * Registers /v1/model, /healthz, /readyz, /metrics, /openapi.json and /docs.
 * @param app - The app to add routes to.
 * @param deps - Predictor, metrics and the version shown in the OpenAPI document.
 */
export function registerMetaRoutes(app: Hono, deps: MetaDeps): void {
  // Built once, at the first request for it: the document depends only on the schemas and the version, and
  // building it (zod's JSON Schema of every schema) cost ~25 ms of the main thread's start (bench:start profile).
  let openApi: Record<string, unknown> | undefined;
  let docsPage: string | undefined;
  const document = (): Record<string, unknown> => (openApi ??= buildOpenApiDocument(deps.version));
  let loadFailed = false;
  deps.predictor.whenReady().catch(() => {
    loadFailed = true;
  });

  app.get('/v1/model', (c) => {
    const model = deps.predictor.describe();
    if (model === undefined) throw codedHttpError(503, 'MODEL_NOT_READY', 'the model is still loading; retry shortly');
    const body: ModelResponse = {
      format: model.format,
      sha256: model.sha256,
      trainedAt: model.info.trainedAt,
      trainSize: model.info.trainSize,
      testAccuracy: model.info.testAccuracy,
      kernel: model.kernel,
      supportVectorCount: model.supportVectorCount,
      hyperparameters: { ...model.info.hyperparameters },
    };
    return c.json(body);
  });

  // Liveness: answers as long as the event loop does, whatever the model's state.
  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  // Readiness: only once the model is loaded, and not while the queue is full, the upload bodies held reach
  // MAX_BODY_BYTES_IN_FLIGHT (counted as they arrive, so idle connections do not count), or no worker is up (all
  // being replaced), so a load balancer sends traffic elsewhere until this instance can take it again.
  app.get('/readyz', (c) => {
    if (deps.predictor.describe() === undefined) return c.json({ status: loadFailed ? 'failed' : 'loading' }, 503);
    const stats = deps.predictor.stats?.();
    if (stats?.saturated) return c.json({ status: 'saturated', queued: stats.queued }, 503, { 'retry-after': '1' });
    const bodies = deps.metrics.bodyBudget();
    if (bodies?.full) {
      return c.json({ status: 'saturated', bodyBytes: bodies.bytes }, 503, { 'retry-after': '1' });
    }
    if (stats !== undefined && stats.workersReady === 0)
      return c.json({ status: 'restarting' }, 503, { 'retry-after': '1' });
    return c.json({ status: 'ready' });
  });

  app.get('/metrics', (c) =>
    c.body(deps.metrics.render(deps.predictor.describe(), deps.predictor.stats?.()), 200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
    }),
  );

  app.get('/openapi.json', (c) => c.json(document()));
  app.get('/docs', (c) => c.html((docsPage ??= renderDocsPage(document()))));
}
