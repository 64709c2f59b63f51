import type { MiddlewareHandler } from 'hono';
import { HttpError } from './errors.js';

/**
 * Compares two strings in time that depends only on the length of `expected` (the secret's length is not secret),
 * so a wrong token's answer time says nothing about how many of its characters were right.
 * @param given - What the client sent.
 * @param expected - The secret.
 * @returns Whether they are equal.
 */
export function constantTimeEqual(given: string, expected: string): boolean {
  let diff = given.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) {
    diff |= (given.charCodeAt(i % Math.max(1, given.length)) || 0) ^ expected.charCodeAt(i);
  }
  return diff === 0;
}

/** The password of an HTTP Basic credential, or undefined when it is not valid base64 "user:password". */
function basicPassword(value: string): string | undefined {
  try {
    const decoded = atob(value);
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : decoded.slice(colon + 1);
  } catch {
    return undefined;
  }
}

/**
 * Guards the admin routes: `Authorization: Bearer <ADMIN_TOKEN>` (scripts), or HTTP Basic with the token as the
 * password (so a browser can open /admin: it asks once and resends it). 401 without or with a wrong token. A form
 * post from the browser must come from this origin (Basic credentials ride along with cross-site posts).
 * @param token - The admin token.
 * @returns The middleware.
 */
export function adminAuth(token: string): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const space = header.indexOf(' ');
    const scheme = header.slice(0, space < 0 ? header.length : space).toLowerCase();
    const value = space < 0 ? '' : header.slice(space + 1).trim();
    const given = scheme === 'bearer' ? value : scheme === 'basic' ? basicPassword(value) : undefined;
    if (given === undefined || !constantTimeEqual(given, token)) {
      throw new HttpError(401, 'UNAUTHORIZED', 'admin routes need Authorization: Bearer <ADMIN_TOKEN>', {
        headers: { 'www-authenticate': 'Bearer, Basic realm="mnist-digits admin", charset="UTF-8"' },
      });
    }
    const site = c.req.header('sec-fetch-site');
    if (c.req.method === 'POST' && site !== undefined && site !== 'same-origin' && site !== 'none') {
      throw new HttpError(403, 'FORBIDDEN', 'admin changes must come from this origin');
    }
    await next();
  };
}
