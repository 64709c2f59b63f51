import type { Context, MiddlewareHandler } from 'hono';
import type { BodyMeter } from './body.js';
import { codedHttpError } from './errors.js';
import type { ServerLimits } from './limits.js';
import { RateLimiter } from './rate-limit.js';

/** What the body budget holds now: the `/metrics` gauges and `/readyz` read it. */
export interface BodyBudgetStats {
  /** Bytes of request bodies received and not yet released (their requests are still being answered). */
  readonly bytes: number;
  /** `maxBodyBytesInFlight`. */
  readonly limit: number;
  /** Upload bodies still arriving. */
  readonly receiving: number;
  /** True when the bytes held reach the limit: the next upload's first bytes would be refused 503 BUSY. */
  readonly full: boolean;
}

/** The budget shared by the upload routes, and the middleware that admits a request to it. */
export interface BodyAdmission {
  readonly middleware: MiddlewareHandler;
  readonly stats: () => BodyBudgetStats;
}

const meters = new WeakMap<Request, BodyMeter>();

/**
 * The meter the admission middleware gave this request, for `readBody` to charge its bytes to.
 * @param request - The raw request.
 * @returns Its meter, or undefined outside the upload routes.
 */
export function bodyMeterFor(request: Request): BodyMeter | undefined {
  return meters.get(request);
}

/**
 * The client's address, for the per-client cap: the socket's peer on Node (never a header a client can forge),
 * `cf-connecting-ip` on Cloudflare (set by its edge). Undefined elsewhere: no per-client cap then.
 */
function clientAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  if (env?.incoming !== undefined) return env.incoming.socket?.remoteAddress;
  return c.req.header('cf-connecting-ip');
}

/** The answers that refuse a client's upload for what it sent (not the server's state: 429 and 503 are not here). */
const REFUSALS = new Set([400, 408, 413, 415, 422]);

/** 1 s: the longest a refusal is held; a client that asks faster than its rate is answered at the rate, late. */
export const MAX_REFUSAL_HOLD_MS = 1_000;

/**
 * Admission for the upload routes, counting what actually arrives (issue 22: reserving the declared Content-Length
 * let seven header-only connections, 700 bytes in all, refuse every upload for a minute):
 * - bytes are charged to `maxBodyBytesInFlight` as they are received (`readBody` calls the meter) and released when
 *   the request ends; a chunk that does not fit while other requests hold bytes is answered 503 BUSY;
 * - a client address may have `maxUploadsPerClient` bodies arriving at once; one more is 429 TOO_MANY_UPLOADS;
 * - a body that sends nothing for `bodyIdleTimeoutMs` is 408 REQUEST_TIMEOUT (in body.ts);
 * - an address whose uploads are refused more than `maxRefusalsPerSecond` times a second has each further refusal
 *   held until its turn (at most MAX_REFUSAL_HOLD_MS), its body's bytes already released.
 * @param limits - The resolved limits.
 * @returns The middleware for the upload routes and the budget's figures.
 */
export function createBodyAdmission(limits: ServerLimits): BodyAdmission {
  let bytes = 0;
  let receiving = 0;
  const perClient = new Map<string, number>();
  const full = () => bytes >= limits.maxBodyBytesInFlight;

  // Refusals per address: the rate, bursts of twice it; past it each is held (Why: the soak's ReDoS client, answered
  // in ~1 ms once bodies were refused from their start, sent 1,200 requests a second and took the main thread).
  const refusals = new RateLimiter(
    60 * limits.maxRefusalsPerSecond,
    10_000,
    () => performance.now(),
    2 * limits.maxRefusalsPerSecond,
  );

  const middleware: MiddlewareHandler = async (c, next) => {
    const address = clientAddress(c);
    const mine = address === undefined ? 0 : (perClient.get(address) ?? 0);
    if (mine >= limits.maxUploadsPerClient) {
      throw codedHttpError(
        429,
        'TOO_MANY_UPLOADS',
        `${mine} uploads from your address are still arriving; the limit is ${limits.maxUploadsPerClient}`,
      );
    }
    if (full()) throw codedHttpError(503, 'BUSY', 'the server is busy reading other uploads; retry in a moment');
    if (address !== undefined) perClient.set(address, mine + 1);
    receiving++;
    let held = 0;
    let arriving = true;
    const arrived = () => {
      if (!arriving) return;
      arriving = false;
      receiving--;
      if (address === undefined) return;
      const left = (perClient.get(address) ?? 1) - 1;
      if (left === 0) perClient.delete(address);
      else perClient.set(address, left);
    };
    meters.set(c.req.raw, {
      idleMs: limits.bodyIdleTimeoutMs,
      charge(n) {
        // One request alone may always use the whole budget, or no upload of maxBodyBytes could be read.
        if (held < bytes && bytes + n > limits.maxBodyBytesInFlight) {
          throw codedHttpError(503, 'BUSY', 'the server is busy reading other uploads; retry in a moment');
        }
        bytes += n;
        held += n;
      },
      done: arrived,
    });
    try {
      await next();
    } finally {
      arrived();
      bytes -= held;
    }
    if (address !== undefined && REFUSALS.has(c.res.status)) {
      const ms = refusals.reserve(address, MAX_REFUSAL_HOLD_MS);
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    }
  };
  return { middleware, stats: () => ({ bytes, limit: limits.maxBodyBytesInFlight, receiving, full: full() }) };
}
