import type { MiddlewareHandler } from 'hono';
import { codedHttpError } from './errors.js';
import type { ServerLimits } from './limits.js';

/**
 * Admission for the upload routes: the bytes of request bodies being read at once stay under
 * `maxBodyBytesInFlight`. Each request is counted at its declared Content-Length (the body limit stops it from
 * sending more), or at `maxBodyBytes` when it declares none (chunked). A request that does not fit is answered
 * 503 BUSY with Retry-After before a byte of its body is read: refusing early is what keeps memory bounded,
 * while small uploads (a 28x28 PNG is ~1 KB) practically never meet the bound.
 * @param limits - The resolved limits.
 * @returns Middleware for the upload routes.
 */
export function bodyAdmission(limits: ServerLimits): MiddlewareHandler {
  let inFlight = 0;
  return async (c, next) => {
    const declared = Number(c.req.header('content-length'));
    const cost =
      Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, limits.maxBodyBytes) : limits.maxBodyBytes;
    if (inFlight > 0 && inFlight + cost > limits.maxBodyBytesInFlight) {
      throw codedHttpError(503, 'BUSY', 'the server is busy reading other uploads; retry in a moment');
    }
    inFlight += cost;
    try {
      await next();
    } finally {
      inFlight -= cost;
    }
  };
}
