import type { Hono } from 'hono';
import { adminAuth } from '../admin-auth.js';
import { HttpError } from '../errors.js';
import type { FeedbackStatus, FeedbackStore } from '../feedback-store.js';
import { storeHttpError } from './feedback.js';
import { picturesOf, renderAdminPage } from './admin-page.js';

/** What the admin routes need. */
export interface AdminDeps {
  readonly token: string;
  readonly store: FeedbackStore | undefined;
  /** Swaps in the model file again (the Node entry's hot reload); undefined where the runtime cannot. */
  readonly reload: (() => Promise<{ sha256: string | null }>) | undefined;
}

const STATUSES: readonly FeedbackStatus[] = ['pending', 'accepted', 'rejected'];
/** Most rows one admin list returns. */
const MAX_ADMIN_LIST = 500;

function needStore(store: FeedbackStore | undefined): FeedbackStore {
  if (store === undefined) {
    throw new HttpError(501, 'FEEDBACK_UNAVAILABLE', 'this deployment has no corrections store (e.g. on workerd)');
  }
  return store;
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw storeHttpError(err);
  }
}

/**
 * Registers the admin routes, all behind the admin token (src/server/admin-auth.ts): GET /v1/feedback (JSON),
 * GET /admin (the review page), POST /admin/feedback/:id/accept|reject, POST /admin/reload. Only called when
 * ADMIN_TOKEN is set: without it these paths do not exist (404).
 * @param app - The app.
 * @param deps - Token, store, reload hook.
 */
export function registerAdminRoutes(app: Hono, deps: AdminDeps): void {
  const auth = adminAuth(deps.token);
  app.use('/admin', auth);
  app.use('/admin/*', auth);

  app.get('/v1/feedback', auth, async (c) => {
    const store = needStore(deps.store);
    const status = c.req.query('status');
    if (status !== undefined && !STATUSES.includes(status as FeedbackStatus)) {
      throw new HttpError(400, 'BAD_REQUEST', `status must be one of ${STATUSES.join(', ')}`, {
        issues: [{ path: 'status', message: 'unknown status' }],
      });
    }
    const limitText = c.req.query('limit');
    const limit = limitText === undefined ? 100 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ADMIN_LIST) {
      throw new HttpError(400, 'BAD_REQUEST', `limit must be an integer from 1 to ${MAX_ADMIN_LIST}`);
    }
    const [rows, counts] = await guarded(() =>
      Promise.all([store.list({ ...(status ? { status: status as FeedbackStatus } : {}), limit }), store.counts()]),
    );
    return c.json({
      counts,
      corrections: rows.map((row) => {
        const { normalized: _, ...rest } = row;
        return { ...rest, pictures: picturesOf(row) };
      }),
    });
  });

  app.get('/admin', async (c) => {
    const store = needStore(deps.store);
    const [rows, counts] = await guarded(() =>
      Promise.all([store.list({ status: 'pending', limit: 100 }), store.counts()]),
    );
    c.header('cache-control', 'no-store');
    return c.html(renderAdminPage(rows, counts));
  });

  for (const action of ['accept', 'reject'] as const) {
    app.post(`/admin/feedback/:id/${action}`, async (c) => {
      const store = needStore(deps.store);
      const id = c.req.param('id');
      const done = await guarded(() => (action === 'accept' ? store.accept(id) : store.reject(id)));
      if (!done) throw new HttpError(404, 'NOT_FOUND', 'no correction with that id');
      // A browser form comes back to the page; a script gets JSON.
      if ((c.req.header('accept') ?? '').includes('text/html')) return c.redirect('/admin', 303);
      return c.json({ id, status: action === 'accept' ? 'accepted' : 'rejected' });
    });
  }

  app.post('/admin/reload', async (c) => {
    if (deps.reload === undefined) {
      throw new HttpError(501, 'FEEDBACK_UNAVAILABLE', 'this runtime cannot reload its model; redeploy instead');
    }
    try {
      const { sha256 } = await deps.reload();
      return c.json({ sha256 });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new HttpError(500, 'INTERNAL', `reload failed, the old model keeps serving: ${reason}`, { cause: err });
    }
  });
}
