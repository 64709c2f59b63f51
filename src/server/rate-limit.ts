/**
 * Per-client token buckets: each client may spend `perMinute` tokens a minute, refilled continuously, with a
 * burst of `burst` (default `perMinute`). The table is bounded (oldest clients dropped first) so many clients
 * cannot grow memory. `take` refuses a call when the bucket is empty (corrections: 429 with Retry-After);
 * `reserve` lets it through late instead, the delaying rate limit of nginx's `limit_req` (held refusals).
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #perMinute: number;
  readonly #burst: number;
  readonly #maxClients: number;
  readonly #now: () => number;

  /**
   * @param perMinute - Allowed calls per client per minute.
   * @param maxClients - Clients remembered at once (a forgotten client starts with a full bucket).
   * @param now - Clock in ms (tests inject one).
   * @param burst - Calls a client with a full bucket may make at once.
   */
  constructor(perMinute: number, maxClients = 10_000, now: () => number = () => Date.now(), burst = perMinute) {
    this.#perMinute = perMinute;
    this.#maxClients = maxClients;
    this.#now = now;
    this.#burst = burst;
  }

  /**
   * Spends one token of `client`.
   * @param client - The client's key (its address).
   * @returns 0 when allowed, else the seconds until a token is back.
   */
  take(client: string): number {
    const now = this.#now();
    const tokens = this.#refill(client, now);
    if (tokens < 1) {
      this.#store(client, tokens, now);
      return Math.max(1, Math.ceil((1 - tokens) / this.#rate / 1000));
    }
    this.#store(client, tokens - 1, now);
    return 0;
  }

  /**
   * Spends one token of `client`, ahead of time when the bucket is empty (the tokens go below zero, so the next
   * call waits behind this one), never running more than `maxWaitMs` ahead.
   * @param client - The client's key (its address).
   * @param maxWaitMs - The longest wait handed out.
   * @returns The ms to wait before the call goes through (0: now).
   */
  reserve(client: string, maxWaitMs: number): number {
    const now = this.#now();
    const tokens = Math.max(this.#refill(client, now) - 1, -maxWaitMs * this.#rate);
    this.#store(client, tokens, now);
    return tokens >= 0 ? 0 : Math.min(maxWaitMs, -tokens / this.#rate);
  }

  /** Tokens per ms. */
  get #rate(): number {
    return this.#perMinute / 60_000;
  }

  #refill(client: string, now: number): number {
    const old = this.#buckets.get(client);
    return old === undefined ? this.#burst : Math.min(this.#burst, old.tokens + (now - old.at) * this.#rate);
  }

  #store(client: string, tokens: number, now: number): void {
    this.#buckets.delete(client); // re-inserted last: Map order is then least recently seen first
    this.#buckets.set(client, { tokens, at: now });
    if (this.#buckets.size > this.#maxClients) this.#buckets.delete(this.#buckets.keys().next().value as string);
  }
}
