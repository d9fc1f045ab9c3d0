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

/**
 * The per-token limit of `/api/v1`, counted in Redis (rate-limiter-flexible, keys
 * `<QUEUE_PREFIX>:producer-rate:<token id>`) so every web process shares one count. A token over
 * its limit is refused in memory until its window ends (no Redis call per refused request). With
 * Redis away, each process counts on its own (the insurance limiter): submissions are still
 * accepted while only Redis is down, and still limited.
 */
export class ProducerRateLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(
    redis: Redis,
    keyPrefix: string,
    readonly limit: ProducerRateLimit = DEFAULT_PRODUCER_RATE_LIMIT,
  ) {
    const { requests: points, windowSeconds: duration } = limit;
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${keyPrefix}:producer-rate`,
      points,
      duration,
      rejectIfRedisNotReady: true,
      inMemoryBlockOnConsumed: points + 1,
      inMemoryBlockDuration: duration,
      insuranceLimiter: new RateLimiterMemory({ points, duration }),
    });
  }

  /** Counts one request of `tokenId`. @throws DomainError RATE_LIMITED (429, Retry-After) */
  async take(tokenId: string): Promise<void> {
    try {
      await this.limiter.consume(tokenId);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const retryAfterSeconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      const { requests, windowSeconds } = this.limit;
      throw new DomainError(
        "RATE_LIMITED",
        `This API token sent more than ${requests} requests in ${windowSeconds} s. Wait ${retryAfterSeconds} s, then send fewer requests (a batch carries up to 1,000 orders in one).`,
        { retryAfterSeconds, limit: requests, windowSeconds },
      );
    }
  }
}
