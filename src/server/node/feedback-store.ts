import type { Context } from 'hono';
import { openStore, resolveStoreLocation } from '../../feedback/open-store.js';
import { StoreError, type CorrectionStore } from '../../feedback/store.js';
import type { FeedbackStore } from '../feedback-store.js';

/** After a failed open, the next call tries again no sooner than this: a down database is not hammered. */
const REOPEN_AFTER_MS = 2_000;

/**
 * The server's corrections store, opened on first use and reopened after a failure, so a database that is down at
 * start (or later) makes only the feedback calls answer 503; the server and its predictions start regardless.
 * @param env - DATABASE_URL, DATA_DIR.
 * @param log - Where an open failure is reported.
 * @returns The store the app uses, and a close function.
 */
export function lazyFeedbackStore(
  env: Readonly<Record<string, string | undefined>>,
  log: (line: string) => void,
): FeedbackStore & { close(): Promise<void> } {
  const location = resolveStoreLocation(undefined, env);
  let opening: Promise<CorrectionStore> | undefined;
  let failedAt = -Infinity;
  const store = (): Promise<CorrectionStore> => {
    if (opening === undefined) {
      if (performance.now() - failedAt < REOPEN_AFTER_MS) {
        return Promise.reject(new StoreError('STORE_UNAVAILABLE', 'the corrections store could not be opened'));
      }
      opening = openStore(location).catch((err: unknown) => {
        opening = undefined;
        failedAt = performance.now();
        log(`feedback store (${location.kind}) unavailable: ${err instanceof Error ? err.message : String(err)}`);
        throw err instanceof StoreError
          ? err
          : new StoreError('STORE_UNAVAILABLE', 'the corrections store could not be opened', { cause: err });
      });
    }
    return opening;
  };
  return {
    add: async (c, o) => (await store()).add(c, o),
    list: async (o) => (await store()).list(o),
    accept: async (id) => (await store()).accept(id),
    reject: async (id) => (await store()).reject(id),
    counts: async () => (await store()).counts(),
    close: async () => {
      const open = opening;
      opening = undefined;
      if (open !== undefined) await (await open.catch(() => undefined))?.close();
    },
  };
}

/**
 * The client's key for per-client limits: the socket's address (never a header a client can set).
 * @param c - The request context from @hono/node-server.
 * @returns The address, or 'unknown'.
 */
export function socketClientKey(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}
