/**
 * How long to hold each refusal a client address earns, so a client that keeps sending what is refused (hostile or
 * broken uploads) is answered at a bounded rate: the delaying rate limit of nginx's `limit_req`, applied only to
 * answers that refuse the client's input. Each address has a bucket of `perSecond` refusals a second with a burst of
 * twice that; a refusal past the bucket is held until its turn, at most `maxHoldMs`. Clients whose requests are
 * answered are never held.
 *
 * Why: once hostile bodies were refused from their first bytes (issue 22), one soak client sending ReDoS-shaped
 * headers in a loop was answered in ~1 ms and sent 1,200 requests a second, which took the whole main thread from
 * the other clients (ordinary uploads' p99 1.5-1.8 s; 0.8-1.0 s without that client).
 */
export interface RefusalThrottle {
  /**
   * Counts one refusal of `address`.
   * @returns The ms to hold its answer (0: answer now).
   */
  hold(address: string): number;
}

/** 1 s: the longest a refusal is held; a client that asks faster than that is answered at one per second. */
export const MAX_REFUSAL_HOLD_MS = 1_000;

/**
 * @param perSecond - Refusals per second an address may earn before they are held.
 * @param maxClients - Addresses remembered at once (the least recently refused is forgotten first).
 * @param now - Clock in ms (tests inject one).
 * @returns The throttle.
 */
export function createRefusalThrottle(
  perSecond: number,
  maxClients = 10_000,
  now: () => number = () => performance.now(),
): RefusalThrottle {
  const burst = 2 * perSecond;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    hold(address) {
      const t = now();
      const old = buckets.get(address);
      const refilled = old === undefined ? burst : Math.min(burst, old.tokens + ((t - old.at) * perSecond) / 1000);
      // A held refusal spends its token ahead of time (tokens go below zero): the next one waits behind it.
      const tokens = Math.max(refilled - 1, -(MAX_REFUSAL_HOLD_MS * perSecond) / 1000);
      buckets.delete(address); // re-inserted last: Map order is least recently refused first
      buckets.set(address, { tokens, at: t });
      if (buckets.size > maxClients) buckets.delete(buckets.keys().next().value as string);
      return tokens >= 0 ? 0 : Math.min(MAX_REFUSAL_HOLD_MS, (-tokens * 1000) / perSecond);
    },
  };
}
