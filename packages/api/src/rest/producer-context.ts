import type { Redis } from "@qmc/transport";
import { bridgeTokenAccessChanges, type TokenAccessBridge } from "../auth/token-access-changes.ts";
import { TokenCache } from "../auth/token-cache.ts";
import type { ApiServices } from "../services.ts";
import { type ProducerRateLimit, ProducerRateLimiter } from "./producer-rate-limit.ts";

/** How the producer API is tuned; the defaults suit production. */
export interface ProducerApiOptions {
  /** Requests per token and window. @defaultValue DEFAULT_PRODUCER_RATE_LIMIT (2,000/s) */
  rateLimit?: ProducerRateLimit;
  /** How long a valid token's lookup is reused. @defaultValue 5000 */
  tokenCacheMs?: number;
}

/** What the producer API keeps per web process (per services): token cache, limiter, bridge. */
export interface ProducerContext {
  tokens: TokenCache;
  limiter: ProducerRateLimiter;
  bridge: TokenAccessBridge;
  subscriber: Redis;
}

const contexts = new WeakMap<ApiServices, ProducerContext>();

/**
 * The producer API's state for `services`, made on first use: a token cache emptied by every
 * token access change, announced here or (over Redis, on a connection of its own) by another web
 * process, and the per-token limiter on the services' Redis.
 */
export function producerContextOf(services: ApiServices, options: ProducerApiOptions = {}): ProducerContext {
  let context = contexts.get(services);
  if (!context) {
    const { publisher, prisma, queuePrefix, logger } = services;
    // A subscribed connection can run no other command; this one waits for Redis when it is away.
    const subscriber = publisher.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    subscriber.on("error", (error) => logger.warn({ err: error }, "token access subscriber error"));
    context = {
      tokens: new TokenCache(
        prisma,
        options.tokenCacheMs === undefined ? {} : { ttlMs: options.tokenCacheMs },
      ),
      limiter: new ProducerRateLimiter(publisher, queuePrefix, options.rateLimit),
      bridge: bridgeTokenAccessChanges(publisher, subscriber, queuePrefix, (error) =>
        logger.warn(
          { err: error },
          "token access change not carried over Redis; other processes forget within 5 s",
        ),
      ),
      subscriber,
    };
    contexts.set(services, context);
  }
  return context;
}

/** Ends the producer API's state for `services` (tests, shutdown). */
export async function closeProducerContext(services: ApiServices): Promise<void> {
  const context = contexts.get(services);
  if (!context) return;
  contexts.delete(services);
  context.tokens.close();
  await context.bridge.close();
  context.subscriber.disconnect();
}
