import { DomainError } from "@qmc/core";
import type { Redis } from "@qmc/transport";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

/** Requests one API token may send to the producer API per window. */
export interface ProducerRateLimit {
  requests: number;
  windowSeconds: number;
}

/**
 * 2,000 requests a second per token: twice the rate one producer process is expected to sustain,
 * so a retry storm of a single producer meets 429s before it meets everyone else's latency.
 * A batch request counts once (it may carry 1,000 orders; backpressure bounds those).
 */
export const DEFAULT_PRODUCER_RATE_LIMIT: ProducerRateLimit = { requests: 2_000, windowSeconds: 1 };

interface Lease {
  /** Requests this process may still admit without asking Redis. */
  left: number;
  /** When the window the lease was taken in ends (ms since epoch). */
  until: number;
  /** The token is over its limit until `until`: refuse without asking Redis. */
  refused: boolean;
}

/**
 * The per-token limit of `/api/v1`, counted in Redis (rate-limiter-flexible, keys
 * `<QUEUE_PREFIX>:producer-rate:<token id>`) so every web process shares one count.
 *
 * A process takes its token's requests from Redis in small leases (a 40th of the limit, at most
 * 50), not one by one: a producer at 1,000 requests a second costs Redis 20 calls a second, not
 * 1,000. What a process leased and did not use is lost when the window ends, so a token may get
 * up to one lease per process fewer than its limit, never more. A refused token is refused in
 * memory until its window ends. With Redis away, each process counts on its own (the insurance
 * limiter): submissions are still accepted while only Redis is down, and still limited.
 */
export class ProducerRateLimiter {
  private readonly limiter: RateLimiterRedis;
  private readonly leases = new Map<string, Lease>();
  private readonly refills = new Map<string, Promise<void>>();
  private readonly leaseSize: number;

  constructor(
    redis: Redis,
    keyPrefix: string,
    readonly limit: ProducerRateLimit = DEFAULT_PRODUCER_RATE_LIMIT,
  ) {
    const { requests: points, windowSeconds: duration } = limit;
    this.leaseSize = Math.max(1, Math.min(50, Math.floor(points / 40)));
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${keyPrefix}:producer-rate`,
      points,
      duration,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points, duration }),
    });
  }

  /** Counts one request of `tokenId`. @throws DomainError RATE_LIMITED (429, Retry-After) */
  async take(tokenId: string): Promise<void> {
    for (;;) {
      const lease = this.leases.get(tokenId);
      const now = Date.now();
      if (lease && lease.until > now) {
        if (lease.refused) throw this.refusal(lease.until - now);
        if (lease.left > 0) {
          lease.left -= 1;
          return;
        }
      }
      // Concurrent requests of one token wait for one refill rather than each asking Redis.
      let refill = this.refills.get(tokenId);
      if (!refill) {
        refill = this.refill(tokenId).finally(() => this.refills.delete(tokenId));
        this.refills.set(tokenId, refill);
      }
      await refill;
    }
  }

  private async refill(tokenId: string): Promise<void> {
    try {
      const granted = await this.limiter.consume(tokenId, this.leaseSize);
      this.leases.set(tokenId, {
        left: this.leaseSize,
        until: Date.now() + granted.msBeforeNext,
        refused: false,
      });
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      this.leases.set(tokenId, { left: 0, until: Date.now() + error.msBeforeNext, refused: true });
    }
  }

  private refusal(waitMs: number): DomainError {
    const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
    const { requests, windowSeconds } = this.limit;
    return new DomainError(
      "RATE_LIMITED",
      `This API token sent more than ${requests} requests in ${windowSeconds} s. Wait ${retryAfterSeconds} s, then send fewer requests (a batch carries up to 1,000 orders in one).`,
      { retryAfterSeconds, limit: requests, windowSeconds },
    );
  }
}
