/** Rate of a token bucket: `perSecond` tokens refill each second, up to `burst`. */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

/**
 * A token bucket: each frame takes one token; tokens come back at `perSecond` up to `burst`.
 * A client may send `burst` frames at once and `perSecond` frames a second for ever, so normal use
 * (a bid now and then, a ping every few seconds) never meets the limit.
 */
export class TokenBucket {
  readonly #perMs: number;
  readonly #burst: number;
  #tokens: number;
  #at: number;

  constructor(limit: RateLimit, now: number) {
    this.#perMs = limit.perSecond / 1_000;
    this.#burst = limit.burst;
    this.#tokens = limit.burst;
    this.#at = now;
  }

  /** Take one token: 0 when taken, else the ms until one is free. */
  take(now: number): number {
    if (now > this.#at) {
      this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#at) * this.#perMs);
      this.#at = now;
    }
    if (this.#tokens < 1) return Math.ceil((1 - this.#tokens) / this.#perMs);
    this.#tokens -= 1;
    return 0;
  }
}
