/**
 * Per-client token buckets: each client may spend `perMinute` tokens a minute, refilled continuously, with a
 * burst of `perMinute`. The table is bounded (oldest clients dropped first) so many clients cannot grow memory.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #perMinute: number;
  readonly #maxClients: number;
  readonly #now: () => number;

  /**
   * @param perMinute - Allowed calls per client per minute.
   * @param maxClients - Clients remembered at once (a forgotten client starts with a full bucket).
   * @param now - Clock in ms (tests inject one).
   */
  constructor(perMinute: number, maxClients = 10_000, now: () => number = () => Date.now()) {
    this.#perMinute = perMinute;
    this.#maxClients = maxClients;
    this.#now = now;
  }

  /**
   * Spends one token of `client`.
   * @param client - The client's key (its address).
   * @returns 0 when allowed, else the seconds until a token is back.
   */
  take(client: string): number {
    const now = this.#now();
    const rate = this.#perMinute / 60_000;
    const old = this.#buckets.get(client);
    let tokens = old === undefined ? this.#perMinute : Math.min(this.#perMinute, old.tokens + (now - old.at) * rate);
    this.#buckets.delete(client); // re-inserted last: Map order is then least recently seen first
    if (tokens < 1) {
      this.#buckets.set(client, { tokens, at: now });
      return Math.max(1, Math.ceil((1 - tokens) / rate / 1000));
    }
    tokens -= 1;
    this.#buckets.set(client, { tokens, at: now });
    if (this.#buckets.size > this.#maxClients) this.#buckets.delete(this.#buckets.keys().next().value as string);
    return 0;
  }
}
