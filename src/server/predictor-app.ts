import { Hono, type Context } from 'hono';
import { matchedRoutes } from 'hono/route';
import { secureHeaders } from 'hono/secure-headers';
import { createErrorHandler, HttpError, type ErrorLogger } from './errors.js';
import { resolveLimits, type ServerLimits } from './limits.js';
import { Metrics, type RuntimeGauge } from './metrics.js';
import type { Predictor } from './predictor.js';
import { createBodyAdmission } from './admission.js';
import { resolveFeedbackConfig, type FeedbackConfig } from './feedback-config.js';
import type { FeedbackStore } from './feedback-store.js';
import { registerAdminRoutes } from './routes/admin.js';
import { registerFeedbackRoute } from './routes/feedback.js';
import { registerMetaRoutes } from './routes/meta.js';
import { registerPageRoutes } from './routes/page.js';
import { registerPredictRoutes } from './routes/predict.js';
import { registerReadRoutes } from './routes/read.js';

/** Options of `createPredictorApp`: everything but what runs the predictions. */
export interface PredictorAppOptions {
  /** Request limits; unset ones come from `env`, then the DEFAULT_* constants. */
  readonly limits?: Partial<ServerLimits>;
  /** Environment to read limits from (`process.env` at the Node edge; nothing by default, so the app stays pure). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where unexpected (500) errors are reported. Default: console.error. */
  readonly logError?: ErrorLogger;
  /** Called once per answered request (the Node entry prints it as a JSON line with LOG_LEVEL=debug). */
  readonly logAccess?: (entry: AccessLogEntry) => void;
  /** Version shown in the OpenAPI document. */
  readonly version?: string;
  /** Where corrections go (the Node entry opens SQLite or PostgreSQL); none on workerd: /v1/feedback says so. */
  readonly feedbackStore?: FeedbackStore;
  /** Feedback and admin settings; unset ones come from `env` (FEEDBACK, ADMIN_TOKEN, ...). */
  readonly feedback?: Partial<FeedbackConfig>;
  /** The client's key for per-client limits (the Node entry gives the socket address). Default: one shared key. */
  readonly clientKey?: (c: Context) => string;
  /** Reloads the model file (POST /admin/reload); the Node entry gives it. */
  readonly reloadModel?: () => Promise<{ sha256: string | null }>;
  /** Figures of the process (memory, event-loop delay) for /metrics; the Node entry supplies them. */
  readonly runtimeGauges?: () => readonly RuntimeGauge[];
}

/** One answered request, as the access log records it. */
export interface AccessLogEntry {
  readonly method: string;
  /** The route pattern (not the raw path: no client-chosen text in logs). */
  readonly route: string;
  readonly status: number;
  readonly ms: number;
  /** Request body bytes as declared by Content-Length (0 when none). */
  readonly bytesIn: number;
  /** Response body bytes. */
  readonly bytesOut: number;
}

/** Every route and the methods it answers; any other method is a 405 with an Allow header. */
const ROUTES: Readonly<Record<string, readonly string[]>> = {
  '/': ['GET', 'HEAD'],
  '/assets/app.js': ['GET', 'HEAD'],
  '/assets/app.css': ['GET', 'HEAD'],
  '/docs': ['GET', 'HEAD'],
  '/openapi.json': ['GET', 'HEAD'],
  '/api': ['POST'],
  '/v1/predict': ['POST'],
  '/v1/read': ['POST'],
  '/v1/model': ['GET', 'HEAD'],
  '/healthz': ['GET', 'HEAD'],
  '/readyz': ['GET', 'HEAD'],
  '/metrics': ['GET', 'HEAD'],
};

/** Content-Security-Policy: everything from this origin only, no inline script or style, no framing. */
const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  // data: for the 28x28 previews returned as base64 PNG; blob: for thumbnails of the user's own files.
  imgSrc: ["'self'", 'data:', 'blob:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** The route pattern that answered, for metric labels; raw paths would let clients create unbounded series. */
function routeLabel<C extends Context>(c: C): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const path = routes[i]!.path;
    if (path !== '/*' && path !== '*') return path;
  }
  return 'unmatched';
}

/**
 * The web app around a predictor (createApp's body). Imports nothing that decodes or classifies images: the Node
 * server's main thread, whose predictor is the worker pool, loads it without the image decoders, the number reader
 * and the engines (~0.5 MB of code, parsed while the server starts), which only the worker threads run.
 * @param predictor - Runs predictions and readings (the worker pool, or an in-process predictor).
 * @param options - Limits, logging, feedback store.
 * @returns The Hono app.
 * @example const app = createPredictorApp(pool, { env: process.env });
 */
export function createPredictorApp(predictor: Predictor, options: PredictorAppOptions = {}): Hono {
  const limits = resolveLimits(options.limits, options.env);
  const metrics = new Metrics();
  const logError: ErrorLogger = options.logError ?? ((err) => console.error(err));

  const app = new Hono();
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = routeLabel(c);
    metrics.observeRequest(c.req.method, route, c.res.status, seconds);
    const logAccess = options.logAccess;
    if (logAccess === undefined) return;
    const entry = {
      method: c.req.method,
      route,
      status: c.res.status,
      ms: Math.round(seconds * 1e6) / 1000,
      bytesIn: Number(c.req.header('content-length') ?? 0) || 0,
    };
    // Hono's JSON and HTML answers carry no Content-Length: the bytes are counted from a copy of the body, read
    // beside the answer (not before it), and only when access lines are written.
    const declared = c.res.headers.get('content-length');
    if (declared !== null || c.res.body === null) logAccess({ ...entry, bytesOut: Number(declared ?? 0) || 0 });
    else {
      void c.res
        .clone()
        .arrayBuffer()
        .then(
          (body) => logAccess({ ...entry, bytesOut: body.byteLength }),
          () => logAccess({ ...entry, bytesOut: 0 }),
        );
    }
  });
  app.use('*', secureHeaders({ contentSecurityPolicy: CSP, referrerPolicy: 'no-referrer', xFrameOptions: 'DENY' }));

  const feedback = resolveFeedbackConfig(options.feedback, options.env);
  // The page offers corrections only where POST /v1/feedback can take them.
  registerPageRoutes(app, { feedback: feedback.enabled && options.feedbackStore !== undefined });
  registerMetaRoutes(app, { predictor, metrics, version: options.version ?? '0.1.0' });
  // One body budget for every upload route: /v1/predict, /api and /v1/read draw on the same bytes in flight.
  const admission = createBodyAdmission(limits);
  metrics.watchBodyBudget(admission.stats);
  if (options.runtimeGauges) metrics.watchRuntime(options.runtimeGauges);
  registerPredictRoutes(app, { predictor, limits, metrics, admission });
  registerReadRoutes(app, { predictor, limits, metrics, admission });
  if (feedback.adminToken !== undefined) {
    registerAdminRoutes(app, { token: feedback.adminToken, store: options.feedbackStore, reload: options.reloadModel });
  }
  registerFeedbackRoute(app, {
    store: options.feedbackStore,
    config: feedback,
    predictor,
    limits,
    admission,
    clientKey: options.clientKey ?? (() => 'client'),
  });

  for (const [path, methods] of Object.entries(ROUTES)) {
    app.all(path, (c) => {
      throw new HttpError(
        405,
        'METHOD_NOT_ALLOWED',
        `${c.req.method} is not allowed on ${path}; use ${methods.join(', ')}`,
        {
          headers: { allow: methods.join(', ') },
        },
      );
    });
  }
  app.notFound((c) =>
    c.json(new HttpError(404, 'NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`).toBody(), 404),
  );
  app.onError(createErrorHandler(logError, (code) => metrics.observeRejection(code)));
  return app;
}
